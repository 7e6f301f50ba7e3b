import { describe, it, expect } from 'vitest';
import {
  BASE_62_DIGITS,
  FractionalIndexError,
  assertValidKey,
  compareKeys,
  generateKeyBetween,
  generateNKeysBetween,
  isValidKey
} from '../../src/lib/shared/fractional-index';
import { seededRandom } from '../helpers/random';

const SMALLEST = 'A' + '0'.repeat(26);
const LARGEST = 'z'.repeat(27);

describe('generateKeyBetween', () => {
  // Vectors of the reference algorithm (rocicorp/fractional-indexing, base 62), so keys
  // written by either implementation interleave correctly.
  const vectors: Array<[string | null, string | null, string]> = [
    [null, null, 'a0'],
    [null, 'a0', 'Zz'],
    [null, 'Zz', 'Zy'],
    ['a0', null, 'a1'],
    ['a1', null, 'a2'],
    ['a0', 'a1', 'a0V'],
    ['a1', 'a2', 'a1V'],
    ['a0V', 'a1', 'a0l'],
    ['Zz', 'a0', 'ZzV'],
    ['Zz', 'a1', 'a0'],
    [null, 'Y00', 'Xzzz'],
    ['bzz', null, 'c000'],
    ['a0', 'a0V', 'a0G'],
    ['a0', 'a0G', 'a08'],
    ['b125', 'b129', 'b127'],
    ['a0', 'a1V', 'a1'],
    ['Zz', 'a01', 'a0'],
    [null, 'a0V', 'a0'],
    [null, 'b999', 'b99'],
    [null, 'A000000000000000000000000001', 'A000000000000000000000000000V'],
    ['zzzzzzzzzzzzzzzzzzzzzzzzzzy', null, LARGEST],
    [LARGEST, null, LARGEST + 'V']
  ];

  for (const [a, b, expected] of vectors) {
    it(`between ${a} and ${b} is ${expected}`, () => {
      const key = generateKeyBetween(a, b);
      expect(key).toBe(expected);
      if (a !== null) expect(a < key).toBe(true);
      if (b !== null) expect(key < b).toBe(true);
    });
  }

  it('refuses a >= b with a clear error', () => {
    expect(() => generateKeyBetween('a1', 'a0')).toThrow(FractionalIndexError);
    expect(() => generateKeyBetween('a1', 'a0')).toThrow(/a >= b/);
    expect(() => generateKeyBetween('a1', 'a1')).toThrow(/a >= b/);
  });

  it('refuses malformed keys', () => {
    const bad = ['', '0', '1', 'a', 'b0', 'a00', 'a0 ', 'a0-', 'a0é', 'Z', SMALLEST, '!a0', 'a10'];
    for (const key of bad) {
      expect(isValidKey(key), key).toBe(false);
      expect(() => generateKeyBetween(key, null), key).toThrow(FractionalIndexError);
      expect(() => generateKeyBetween(null, key), key).toThrow(/invalid fractional index key/);
    }
    expect(() => assertValidKey('a00')).toThrow(/ends in 0/);
    expect(() => assertValidKey('b0')).toThrow(/too short/);
  });

  it('accepts well-formed keys', () => {
    for (const key of ['a0', 'a1', 'Zz', 'b00', 'a0V', 'A000000000000000000000000001', LARGEST]) {
      expect(isValidKey(key), key).toBe(true);
    }
  });

  it('keeps order through thousands of random insertions', () => {
    const random = seededRandom(42);
    const list: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const index = Math.floor(random() * (list.length + 1));
      const a = list[index - 1] ?? null;
      const b = list[index] ?? null;
      const key = generateKeyBetween(a, b);
      if (a !== null) expect(a < key).toBe(true);
      if (b !== null) expect(key < b).toBe(true);
      expect(isValidKey(key)).toBe(true);
      list.splice(index, 0, key);
    }
    expect([...list].sort()).toEqual(list);
    expect(new Set(list).size).toBe(list.length);
  });

  it('stays valid when always inserting at the front, the back or one spot', () => {
    let front = generateKeyBetween(null, null);
    let back = front;
    const anchor = 'a0';
    let squeezed = 'a1';
    for (let i = 0; i < 1000; i++) {
      const f = generateKeyBetween(null, front);
      expect(f < front).toBe(true);
      front = f;
      const k = generateKeyBetween(back, null);
      expect(k > back).toBe(true);
      back = k;
      const s = generateKeyBetween(anchor, squeezed);
      expect(anchor < s && s < squeezed).toBe(true);
      squeezed = s;
    }
    // Appending grows the integer part slowly; squeezing grows about one char per 6 inserts.
    expect(back.length).toBeLessThan(6);
    expect(front.length).toBeLessThan(6);
    expect(squeezed.length).toBeLessThan(200);
  });
});

describe('generateNKeysBetween', () => {
  it('matches the reference for appends', () => {
    expect(generateNKeysBetween(null, null, 5)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(generateNKeysBetween(null, 'a0', 3)).toEqual(['Zx', 'Zy', 'Zz']);
  });

  it('returns n sorted, distinct keys strictly inside the bounds', () => {
    const bounds: Array<[string | null, string | null]> = [
      [null, null],
      ['a0', null],
      [null, 'a0'],
      ['a0', 'a1'],
      ['a0', 'a0V'],
      ['Zz', 'a01']
    ];
    for (const [a, b] of bounds) {
      for (const n of [0, 1, 2, 3, 10, 100]) {
        const keys = generateNKeysBetween(a, b, n);
        expect(keys).toHaveLength(n);
        expect([...keys].sort()).toEqual(keys);
        expect(new Set(keys).size).toBe(n);
        for (const key of keys) {
          expect(isValidKey(key)).toBe(true);
          if (a !== null) expect(a < key).toBe(true);
          if (b !== null) expect(key < b).toBe(true);
        }
      }
    }
  });

  it('spreads keys between two bounds so they stay short', () => {
    const keys = generateNKeysBetween('a0', 'a1', 1000);
    expect(Math.max(...keys.map((k) => k.length))).toBeLessThanOrEqual(5);
  });

  it('refuses bad input', () => {
    expect(() => generateNKeysBetween('a1', 'a0', 2)).toThrow(/a >= b/);
    expect(() => generateNKeysBetween('a1', 'a0', 0)).toThrow(/a >= b/);
    expect(() => generateNKeysBetween('a00', null, 2)).toThrow(/invalid fractional index key/);
    expect(() => generateNKeysBetween(null, null, -1)).toThrow(/non-negative integer/);
    expect(() => generateNKeysBetween(null, null, 1.5)).toThrow(/non-negative integer/);
  });
});

describe('compareKeys', () => {
  it('orders by plain code units, agreeing with < and the digit alphabet', () => {
    expect(compareKeys('a0', 'a1')).toBe(-1);
    expect(compareKeys('a1', 'a0')).toBe(1);
    expect(compareKeys('a0', 'a0')).toBe(0);
    // Upper case sorts before lower case; a locale-aware compare would get this wrong.
    expect(compareKeys('aZ', 'aa')).toBe(-1);
    expect(['a0V', 'Zz', 'a0', 'a1', 'Zy'].sort(compareKeys)).toEqual([
      'Zy',
      'Zz',
      'a0',
      'a0V',
      'a1'
    ]);
    const digits = BASE_62_DIGITS.split('');
    expect([...digits].sort(compareKeys)).toEqual(digits);
  });
});
