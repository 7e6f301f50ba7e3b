/**
 * A run's output, which carries ANSI escapes (colours from `ls --color`, Ansible's green "ok" and
 * red "fatal"), as styled text segments for the log view. The text is only ever rendered as text
 * nodes, never as markup: an escape can set a class from a fixed list or an rgb() colour built
 * from numbers, nothing else, so a script cannot inject HTML or CSS into the page.
 *
 * Only SGR (`ESC [ … m`) is understood: 0, 1, 2, 3, 4, 22, 23, 24, 30–37, 39, 40–47, 49, 90–97,
 * 100–107, and 38/48 with `5;n` (256 colours) or `2;r;g;b` (true colour). Every other escape
 * (cursor moves, erasing, OSC titles and links, charset switches) and every other control
 * character but tab is dropped. A carriage return inside a line keeps what was written after it,
 * as a terminal shows a progress bar that redraws itself.
 */

/** A colour: one of the 16 terminal colours (0–7 normal, 8–15 bright) or an rgb triple. */
export type AnsiColor = { index: number } | { rgb: [number, number, number] };

/** The pen an SGR sequence changes; it carries over from line to line. */
export interface AnsiState {
  fg: AnsiColor | null;
  bg: AnsiColor | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

/** A run of text in one style: `classes` from a fixed list, `style` only rgb() colours. */
export interface AnsiSegment {
  text: string;
  /** Space-separated `ansi-*` classes, '' when plain. */
  classes: string;
  /** `color: rgb(…)` / `background-color: rgb(…)` for 256 and true colours, else ''. */
  style: string;
}

/** The pen at the start of a log. */
export function initialAnsiState(): AnsiState {
  return { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };
}

// CSI (`ESC [` params intermediates final), OSC (`ESC ]` … BEL or ST), any other escape (ESC,
// intermediates, one final), and C0 controls other than tab (newlines are split off before).
const ESCAPE =
  // eslint-disable-next-line no-control-regex -- control characters are what this matches
  /\x1b(?:\[([0-?]*)[ -/]*([@-~])?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]*[0-~]?)|[\x00-\x08\x0b-\x1f\x7f]/g;

/** The 6×6×6 cube and grey ramp of the 256-colour palette (16–255) as rgb. */
function paletteRgb(n: number): [number, number, number] {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return [v, v, v];
  }
  const i = n - 16;
  const step = (c: number): number => (c === 0 ? 0 : 55 + c * 40);
  return [step(Math.floor(i / 36)), step(Math.floor(i / 6) % 6), step(i % 6)];
}

function byte(value: number | undefined): number | null {
  return value !== undefined && Number.isInteger(value) && value >= 0 && value <= 255
    ? value
    : null;
}

/**
 * An extended colour (`38;5;n`, `38;2;r;g;b`) starting at `codes[i]` (the 5 or 2): the colour
 * (null when malformed) and how many codes it used.
 */
function extendedColor(codes: number[], i: number): { color: AnsiColor | null; used: number } {
  const mode = codes[i];
  if (mode === 5) {
    const n = byte(codes[i + 1]);
    if (n === null) return { color: null, used: 2 };
    return { color: n < 16 ? { index: n } : { rgb: paletteRgb(n) }, used: 2 };
  }
  if (mode === 2) {
    const r = byte(codes[i + 1]);
    const g = byte(codes[i + 2]);
    const b = byte(codes[i + 3]);
    return { color: r === null || g === null || b === null ? null : { rgb: [r, g, b] }, used: 4 };
  }
  return { color: null, used: 1 };
}

/** The pen after the SGR parameters `params` (e.g. "1;31"); `state` is not changed. */
export function applySgr(state: AnsiState, params: string): AnsiState {
  const next = { ...state };
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) Object.assign(next, initialAnsiState());
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 22) {
      next.bold = false;
      next.dim = false;
    } else if (code === 23) next.italic = false;
    else if (code === 24) next.underline = false;
    else if (code >= 30 && code <= 37) next.fg = { index: code - 30 };
    else if (code >= 90 && code <= 97) next.fg = { index: code - 90 + 8 };
    else if (code === 39) next.fg = null;
    else if (code >= 40 && code <= 47) next.bg = { index: code - 40 };
    else if (code >= 100 && code <= 107) next.bg = { index: code - 100 + 8 };
    else if (code === 49) next.bg = null;
    else if (code === 38 || code === 48) {
      const { color, used } = extendedColor(codes, i + 1);
      if (color) {
        if (code === 38) next.fg = color;
        else next.bg = color;
      }
      i += used;
    }
    // Anything else (blink, inverse, fonts…) is ignored.
  }
  return next;
}

function colorParts(color: AnsiColor | null, kind: 'fg' | 'bg', classes: string[]): string {
  if (color === null) return '';
  if ('index' in color) {
    classes.push(`ansi-${kind}-${color.index}`);
    return '';
  }
  const [r, g, b] = color.rgb;
  return `${kind === 'fg' ? 'color' : 'background-color'}: rgb(${r}, ${g}, ${b});`;
}

/** The classes and style of a pen. */
function render(state: AnsiState): { classes: string; style: string } {
  const classes: string[] = [];
  const style = colorParts(state.fg, 'fg', classes) + colorParts(state.bg, 'bg', classes);
  if (state.bold) classes.push('ansi-bold');
  if (state.dim) classes.push('ansi-dim');
  if (state.italic) classes.push('ansi-italic');
  if (state.underline) classes.push('ansi-underline');
  return { classes: classes.join(' '), style };
}

/** What a terminal shows of a line with carriage returns: the text after the last one. */
function afterCarriageReturn(line: string): string {
  if (!line.includes('\r')) return line;
  const parts = line.split('\r');
  for (let i = parts.length - 1; i >= 0; i--) {
    if (parts[i] !== '') return parts[i] ?? '';
  }
  return '';
}

/**
 * One line (without its newline) as segments, starting from pen `state`; returns the segments
 * and the pen at the end of the line (for the next line).
 */
export function parseAnsiLine(
  line: string,
  state: AnsiState
): { segments: AnsiSegment[]; state: AnsiState } {
  const text = afterCarriageReturn(line);
  const segments: AnsiSegment[] = [];
  let pen = state;
  let look = render(pen);
  let last = 0;
  const push = (chunk: string): void => {
    if (chunk === '') return;
    const previous = segments[segments.length - 1];
    if (previous && previous.classes === look.classes && previous.style === look.style) {
      previous.text += chunk;
    } else {
      segments.push({ text: chunk, classes: look.classes, style: look.style });
    }
  };
  ESCAPE.lastIndex = 0;
  for (let match = ESCAPE.exec(text); match !== null; match = ESCAPE.exec(text)) {
    push(text.slice(last, match.index));
    last = match.index + match[0].length;
    // Only a complete CSI ending in `m` with plain numeric parameters is SGR.
    if (match[2] === 'm' && /^[0-9;:]*$/.test(match[1] ?? '')) {
      pen = applySgr(pen, match[1] ?? '');
      look = render(pen);
    }
  }
  push(text.slice(last));
  return { segments, state: pen };
}

/** A whole text as lines of segments (for tests and one-off rendering). */
export function parseAnsi(text: string, state: AnsiState = initialAnsiState()): AnsiSegment[][] {
  const lines: AnsiSegment[][] = [];
  let pen = state;
  for (const line of text.split('\n')) {
    const parsed = parseAnsiLine(line, pen);
    lines.push(parsed.segments);
    pen = parsed.state;
  }
  return lines;
}

/** Text with every escape and control character (but tab and newline) removed. */
export function stripAnsi(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      parseAnsiLine(line, initialAnsiState())
        .segments.map((s) => s.text)
        .join('')
    )
    .join('\n');
}

/**
 * A log arriving in chunks, cut into lines as they complete: `push` returns the lines a chunk
 * finished (each parsed once, with the pen carried over), and `partial` is the line still being
 * written (parsed again on every push, so an escape cut between chunks comes out right).
 */
export class AnsiLineBuffer {
  #pen: AnsiState = initialAnsiState();
  #rest = '';
  /** The unfinished last line, as segments. */
  partial: AnsiSegment[] = [];

  /** Adds a chunk of text; returns the lines it completed. */
  push(chunk: string): AnsiSegment[][] {
    const text = this.#rest + chunk;
    const done: AnsiSegment[][] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const parsed = parseAnsiLine(text.slice(start, end), this.#pen);
      done.push(parsed.segments);
      this.#pen = parsed.state;
      start = end + 1;
    }
    this.#rest = text.slice(start);
    this.partial = parseAnsiLine(this.#rest, this.#pen).segments;
    return done;
  }
}
