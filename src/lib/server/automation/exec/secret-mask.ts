/**
 * Secret values out of a run's output, as it streams: every occurrence of a secret becomes MASK,
 * also when the process wrote it in two pieces that arrive as two chunks.
 *
 * - A single-line secret is masked as a whole (any non-blank value, however short: a short
 *   password is still a password), also as JSON writes it (`\"`, `\\` escaped).
 * - A multi-line secret (an SSH key, a certificate) is masked line by line: each line of at least
 *   `MIN_LINE_CHARS` characters (trimmed), because a program that prints a key prints it line by
 *   line, and its short lines (blank, `==`) say nothing.
 * - To catch a secret split across chunks, up to (longest secret − 1) characters are held back
 *   until the next chunk or `end()`. Matches are found longest first, so of two secrets where one
 *   starts the other, the longer one is masked whole.
 */
import { MASK } from '../../../shared/automation/schema';

/** Lines of a multi-line secret shorter than this are not masked on their own. */
export const MIN_LINE_CHARS = 4;

/** The strings to mask for these secret values (see the module comment). */
export function secretPatterns(values: readonly string[]): string[] {
  const patterns = new Set<string>();
  for (const value of values) {
    if (value.trim() === '') continue;
    const lines = value.split(/\r?\n/);
    const nonEmpty = lines.filter((l) => l.trim() !== '');
    if (nonEmpty.length <= 1) {
      const whole = value.trim();
      patterns.add(whole);
      // As JSON prints it (Ansible's verbose output, a script's jq): quotes and backslashes
      // escaped.
      const escaped = JSON.stringify(whole).slice(1, -1);
      if (escaped !== whole) patterns.add(escaped);
      continue;
    }
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed.length >= MIN_LINE_CHARS) patterns.add(trimmed);
    }
  }
  return [...patterns].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A streaming masker: `push` chunks in, get masked text out; `end` returns what is held back. */
export class SecretMasker {
  readonly #pattern: RegExp | null;
  readonly #holdBack: number;
  #pending = '';

  constructor(secretValues: readonly string[]) {
    const patterns = secretPatterns(secretValues);
    // Each secret is escaped: the pattern is a plain alternation of literal strings.
    this.#pattern =
      patterns.length > 0
        ? // eslint-disable-next-line security/detect-non-literal-regexp -- an alternation of escaped literals
          new RegExp(patterns.map(escapeRegExp).join('|'), 'g')
        : null;
    this.#holdBack = Math.max(0, (patterns[0]?.length ?? 0) - 1);
  }

  /** Masks what can be decided now; keeps the tail that may be the start of a secret. */
  push(chunk: string): string {
    if (this.#pattern === null) return chunk;
    this.#pending += chunk;
    return this.#take(this.#pending.length - this.#holdBack);
  }

  /** Everything still held back, masked. */
  end(): string {
    if (this.#pattern === null) return '';
    return this.#take(Infinity);
  }

  /** Masks and removes `pending` up to `limit` (further when a secret straddles it). */
  #take(limit: number): string {
    const text = this.#pending;
    const pattern = this.#pattern as RegExp;
    pattern.lastIndex = 0;
    let out = '';
    let pos = 0;
    for (let m = pattern.exec(text); m !== null && m.index < limit; m = pattern.exec(text)) {
      out += text.slice(pos, m.index) + MASK;
      pos = m.index + m[0].length;
    }
    let end = Math.max(pos, Math.min(limit, text.length));
    // Never end a piece between the two halves of a surrogate pair.
    if (end > pos && end < text.length) {
      const code = text.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end -= 1;
    }
    out += text.slice(pos, end);
    this.#pending = text.slice(end);
    return out;
  }
}
