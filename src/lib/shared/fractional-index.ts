/**
 * Fractional index keys: strings that order with plain `<` and between any two of which a new
 * key can always be generated. This is how cards and columns are ordered in a Yjs document: a
 * move rewrites one field of one entry, so concurrent moves never duplicate or lose an item.
 *
 * The algorithm is David Greenspan's "Implementing Fractional Indexing" (as in rocicorp's
 * `fractional-indexing`), written here from the description:
 *
 *   key = integer part + fractional part
 *
 * - The integer part starts with a head character that encodes its length: `a`–`z` are the
 *   non-negative integers with 1–26 digits after the head, `Z`–`A` the negative ones with
 *   1–26 digits (`Z` is the largest, shortest). `a0` is the key of an empty list.
 * - The fractional part is any run of digits not ending in `0` (a trailing zero would make
 *   two different strings mean the same number, and leave no room below them).
 *
 * Digits are base 62 in ASCII order (`0-9A-Za-z`), so comparing keys is comparing strings;
 * no locale-aware comparison is involved, ever. Appending at the end or the start keeps keys
 * short (the integer part grows by one); inserting repeatedly at one spot grows the key by
 * about one character per six insertions.
 */

/** Base-62 digits in ASCII order: the order of the strings is the order of the numbers. */
export const BASE_62_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const ZERO = '0';
const LAST_DIGIT = 'z';
const BASE = BASE_62_DIGITS.length;

/**
 * The smallest integer part (`A` + 26 zeros). It is not a valid key by itself: nothing could
 * be generated before it.
 */
const SMALLEST_INTEGER = 'A' + ZERO.repeat(26);

/** Thrown for malformed keys, `a >= b` and exhausted key space. */
export class FractionalIndexError extends Error {
  override name = 'FractionalIndexError';
}

function digitValue(char: string): number {
  // The digits are in ASCII order, so the value is a cheap range computation.
  const code = char.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 65 && code <= 90) return code - 55; // A-Z
  if (code >= 97 && code <= 122) return code - 61; // a-z
  return -1;
}

function digitAt(value: number): string {
  const char = BASE_62_DIGITS[value];
  if (char === undefined) throw new FractionalIndexError(`digit out of range: ${value}`);
  return char;
}

/** Length of the integer part (head included) announced by its head character. */
function integerLength(head: string): number {
  if (head >= 'a' && head <= 'z') return head.charCodeAt(0) - 97 + 2;
  if (head >= 'A' && head <= 'Z') return 90 - head.charCodeAt(0) + 2;
  throw new FractionalIndexError(`invalid fractional index key head: ${JSON.stringify(head)}`);
}

function splitKey(key: string): { integer: string; fraction: string } {
  const length = integerLength(key.charAt(0));
  if (length > key.length) {
    throw new FractionalIndexError(`invalid fractional index key (too short): ${key}`);
  }
  return { integer: key.slice(0, length), fraction: key.slice(length) };
}

/** Explains why `key` is not a valid key, or returns null when it is. */
function keyProblem(key: string): string | null {
  if (key.length === 0) return 'empty key';
  const head = key.charAt(0);
  if (!/^[A-Za-z]$/.test(head)) return `invalid head character ${JSON.stringify(head)}`;
  const length = integerLength(head);
  if (length > key.length) return 'integer part too short';
  for (let i = 1; i < key.length; i++) {
    if (digitValue(key.charAt(i)) < 0) return `invalid digit ${JSON.stringify(key.charAt(i))}`;
  }
  if (key === SMALLEST_INTEGER) return 'the smallest integer alone is reserved';
  if (key.length > length && key.endsWith(ZERO)) return 'fractional part ends in 0';
  return null;
}

/** True when `key` is a well-formed fractional index key. */
export function isValidKey(key: string): boolean {
  return keyProblem(key) === null;
}

/** Throws a FractionalIndexError when `key` is not a well-formed fractional index key. */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem !== null) {
    throw new FractionalIndexError(
      `invalid fractional index key ${JSON.stringify(key)}: ${problem}`
    );
  }
}

/** Orders two keys (plain code-unit order, never locale order); usable with `Array.sort`. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A fractional part strictly between `a` and `b` (digits only, `b === null` meaning "one").
 * Both are read as fractions after an implicit point; `a` may be empty (zero).
 */
function midpoint(a: string, b: string | null): string {
  if (b !== null && a >= b) throw new FractionalIndexError(`${a} >= ${b}`);
  if (a.endsWith(ZERO) || (b !== null && b.endsWith(ZERO))) {
    throw new FractionalIndexError('fractional part ends in 0');
  }
  if (b !== null) {
    // Strip the common prefix, reading `a` as padded with zeros. `b` never runs out first
    // because it is strictly greater.
    let n = 0;
    while ((a.charAt(n) || ZERO) === b.charAt(n)) n++;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  // The first digits differ (or one side has none).
  const digitA = a.length > 0 ? digitValue(a.charAt(0)) : 0;
  const digitB = b !== null ? digitValue(b.charAt(0)) : BASE;
  if (digitB - digitA > 1) return digitAt(Math.round((digitA + digitB) / 2));
  // Consecutive first digits.
  if (b !== null && b.length > 1) return b.slice(0, 1);
  // `b` is one digit or absent: keep `a`'s first digit and go below one at the next place,
  // e.g. midpoint('49', '5') = '4' + midpoint('9', null) = '495'.
  return digitAt(digitA) + midpoint(a.slice(1), null);
}

function incrementInteger(integer: string): string | null {
  const head = integer.charAt(0);
  const digits = integer.slice(1).split('');
  let carry = true;
  for (let i = digits.length - 1; carry && i >= 0; i--) {
    const next = digitValue(digits[i] ?? ZERO) + 1;
    if (next === BASE) {
      digits[i] = ZERO;
    } else {
      digits[i] = digitAt(next);
      carry = false;
    }
  }
  if (!carry) return head + digits.join('');
  if (head === 'Z') return 'a' + ZERO;
  if (head === 'z') return null;
  const nextHead = String.fromCharCode(head.charCodeAt(0) + 1);
  // Positive heads grow in length, negative heads shrink.
  if (nextHead > 'a') digits.push(ZERO);
  else digits.pop();
  return nextHead + digits.join('');
}

function decrementInteger(integer: string): string | null {
  const head = integer.charAt(0);
  const digits = integer.slice(1).split('');
  let borrow = true;
  for (let i = digits.length - 1; borrow && i >= 0; i--) {
    const next = digitValue(digits[i] ?? ZERO) - 1;
    if (next === -1) {
      digits[i] = LAST_DIGIT;
    } else {
      digits[i] = digitAt(next);
      borrow = false;
    }
  }
  if (!borrow) return head + digits.join('');
  if (head === 'a') return 'Z' + LAST_DIGIT;
  if (head === 'A') return null;
  const nextHead = String.fromCharCode(head.charCodeAt(0) - 1);
  if (nextHead < 'Z') digits.push(LAST_DIGIT);
  else digits.pop();
  return nextHead + digits.join('');
}

/**
 * A key strictly between `a` and `b`; `null` means "no bound" (start or end of the list).
 * Throws a FractionalIndexError when a key is malformed or `a >= b`.
 */
export function generateKeyBetween(a: string | null, b: string | null): string {
  if (a !== null) assertValidKey(a);
  if (b !== null) assertValidKey(b);
  if (a !== null && b !== null && a >= b) {
    throw new FractionalIndexError(`cannot generate a key between ${a} and ${b}: a >= b`);
  }
  if (a === null) {
    if (b === null) return 'a' + ZERO;
    const { integer, fraction } = splitKey(b);
    if (integer === SMALLEST_INTEGER) return integer + midpoint('', fraction);
    if (fraction.length > 0) return integer;
    const decremented = decrementInteger(integer);
    if (decremented === null) throw new FractionalIndexError('key space exhausted at the start');
    return decremented;
  }
  if (b === null) {
    const { integer, fraction } = splitKey(a);
    const incremented = incrementInteger(integer);
    return incremented === null ? integer + midpoint(fraction, null) : incremented;
  }
  const lower = splitKey(a);
  const upper = splitKey(b);
  if (lower.integer === upper.integer) {
    return lower.integer + midpoint(lower.fraction, upper.fraction);
  }
  const incremented = incrementInteger(lower.integer);
  if (incremented === null) throw new FractionalIndexError('key space exhausted at the end');
  if (incremented < b) return incremented;
  return lower.integer + midpoint(lower.fraction, null);
}

/**
 * `n` keys in ascending order strictly between `a` and `b` (`null` = unbounded). Spreads them
 * out (bisecting) when both bounds are given, so they stay short.
 */
export function generateNKeysBetween(a: string | null, b: string | null, n: number): string[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new FractionalIndexError(`n must be a non-negative integer, got ${n}`);
  }
  if (n === 0) {
    // Still refuse bad bounds, so callers learn about them even for empty batches.
    if (a !== null) assertValidKey(a);
    if (b !== null) assertValidKey(b);
    if (a !== null && b !== null && a >= b) {
      throw new FractionalIndexError(`cannot generate keys between ${a} and ${b}: a >= b`);
    }
    return [];
  }
  if (n === 1) return [generateKeyBetween(a, b)];
  if (b === null) {
    const keys: string[] = [];
    let previous = a;
    for (let i = 0; i < n; i++) {
      previous = generateKeyBetween(previous, null);
      keys.push(previous);
    }
    return keys;
  }
  if (a === null) {
    const keys: string[] = [];
    let next: string = b;
    for (let i = 0; i < n; i++) {
      next = generateKeyBetween(null, next);
      keys.push(next);
    }
    return keys.reverse();
  }
  const half = Math.floor(n / 2);
  const middle = generateKeyBetween(a, b);
  return [
    ...generateNKeysBetween(a, middle, half),
    middle,
    ...generateNKeysBetween(middle, b, n - half - 1)
  ];
}
