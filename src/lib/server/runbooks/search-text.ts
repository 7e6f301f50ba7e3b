/**
 * Text segmentation for runbook search, the one segmenter of both databases. Neither SQLite's
 * tokenizers nor PostgreSQL's parser split Chinese, so the server segments before it indexes
 * and before it queries, and the database only sees space-separated tokens (FTS5 on SQLite, a
 * verbatim tsvector on PostgreSQL: see db/dialect.ts), so both find the same runbooks:
 *
 * - Chinese (Han) runs: the words of `Intl.Segmenter('zh', { granularity: 'word' })` plus every
 *   character bigram (and single characters), so a query matches whatever the segmenter did
 *   with the surrounding text. Queries use the bigrams only: they are context-free.
 * - Everything else: letter/digit runs, without diacritics ("café" → "cafe", as FTS5's
 *   remove_diacritics did), lower-cased and reduced by a small suffix stemmer, so "backups",
 *   "backup" and "backing up" meet at "backup"/"back".
 */
import type { SearchTerm } from '../db/dialect';

const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;
/** A run of letters or digits that are not Han. */
const WORD = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}/gu;

/** Longest token indexed, in characters (longer runs are cut, e.g. hashes). */
const MAX_TOKEN_LENGTH = 40;

let segmenter: Intl.Segmenter | null = null;

/**
 * Characters segmented at a time. The segmenter slows down more than linearly on one long run
 * (a 120 000-character run took 30 s, blocking the server); cutting the run costs only the
 * words across a cut, which queries never need: they match bigrams, always indexed.
 */
const SEGMENTER_CHUNK_CHARS = 256;

function chineseWords(run: string): string[] {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  const words: string[] = [];
  const chars = [...run];
  for (let start = 0; start < chars.length; start += SEGMENTER_CHUNK_CHARS) {
    const chunk = chars.slice(start, start + SEGMENTER_CHUNK_CHARS).join('');
    for (const part of segmenter.segment(chunk)) {
      if (part.isWordLike && part.segment.length > 1) words.push(part.segment);
    }
  }
  return words;
}

function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  const grams: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) grams.push(`${chars[i]}${chars[i + 1]}`);
  return grams;
}

/**
 * A light English stemmer: plural and verb suffixes, then a final "e", so that inflections of
 * one word share a stem ("restore", "restores", "restored", "restoring" → "restor").
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  // A doubled final consonant left by -ing/-ed ("stopped" → "stopp") is reduced.
  if (/([^aeiouls])\1$/.test(w) && w.length > 4) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

/** `text` without Han, diacritics and upper case: what English tokens are cut from. */
function foldedText(text: string): string {
  return text
    .replace(HAN_RUN, ' ')
    .normalize('NFD')
    .replace(MARKS, '')
    .normalize('NFC')
    .toLowerCase();
}

function englishTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const match of foldedText(text).matchAll(WORD)) {
    tokens.push(stem(match[0].slice(0, MAX_TOKEN_LENGTH)));
  }
  return tokens;
}

/** The index form of `text`: space-separated tokens for the FTS5 table. */
export function segmentForIndex(text: string): string {
  const tokens = englishTokens(text);
  for (const match of text.matchAll(HAN_RUN)) {
    const run = match[0];
    // Appended one by one: spreading a long run's tokens as arguments overflows the stack.
    for (const word of chineseWords(run)) tokens.push(word);
    for (const gram of bigrams(run)) tokens.push(gram);
    if ([...run].length > 1) for (const char of new Set(run)) tokens.push(char);
  }
  return tokens.join(' ');
}

/** The tokens a query must all match (Chinese bigrams, English stems), without duplicates. */
export function queryTokens(query: string): string[] {
  const tokens = englishTokens(query);
  for (const match of query.matchAll(HAN_RUN)) tokens.push(...bigrams(match[0]));
  return [...new Set(tokens.filter((t) => t.length > 0))];
}

/**
 * The search terms of `query` for the database (db/dialect.ts turns them into FTS5 or tsquery
 * syntax). English terms match as prefixes, so a query typed halfway still finds results;
 * Chinese bigrams match whole tokens. Empty when the query has no searchable token.
 */
export function searchTerms(query: string): SearchTerm[] {
  return queryTokens(query).map((text) => ({ text, prefix: !HAN.test(text) }));
}

/** Longest snippet, in characters. */
const SNIPPET_LENGTH = 160;

/**
 * A short excerpt of `text` around the first match of `query`, matches wrapped in « and ».
 * Null when nothing of the query occurs literally (e.g. only a stem matched).
 */
export function snippetFor(text: string, query: string): string | null {
  const needles = [
    ...query.matchAll(HAN_RUN),
    ...query.replace(HAN_RUN, ' ').toLowerCase().matchAll(WORD)
  ]
    .map((m) => m[0].toLowerCase())
    .flatMap((n) => (HAN.test(n) ? [n, ...bigrams(n)] : [n, stem(n)]))
    .filter((n) => n.length > 0)
    .sort((a, b) => b.length - a.length);
  const lower = text.toLowerCase();
  let first = -1;
  for (const needle of needles) {
    const at = lower.indexOf(needle);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  if (first < 0) return null;
  const start = Math.max(0, first - 50);
  const end = Math.min(text.length, start + SNIPPET_LENGTH);
  const excerpt = text.slice(start, end).replace(/\s+/g, ' ');
  // Every needle is escaped above, so the pattern matches the words literally (no ReDoS).
  // eslint-disable-next-line security/detect-non-literal-regexp
  const pattern = new RegExp(
    needles.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'gi'
  );
  const marked = excerpt.replace(pattern, (m) => `«${m}»`);
  return `${start > 0 ? '…' : ''}${marked}${end < text.length ? '…' : ''}`;
}
