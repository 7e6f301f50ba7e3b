/**
 * A light English suffix stripper in the manner of Porter's first steps: plurals, -ed/-ing,
 * and a few derivational endings, so "certificates", "certificate" and "expired"/"expiring"
 * meet. Deliberately small (the embedder also has character 3-grams for the rest); not the
 * full Porter algorithm, and it never changes words of three letters or fewer.
 */

const VOWEL = /[aeiouy]/;

/** Whether `stem` still has a vowel after its first letter (Porter's "contains a vowel"). */
function hasVowel(stem: string): boolean {
  return VOWEL.test(stem.slice(1)) || VOWEL.test(stem[0] ?? '');
}

/** Doubled final consonants left by -ed/-ing are undone ("stopped" → "stop"), but not l, s, z. */
function undouble(stem: string): string {
  const last = stem[stem.length - 1];
  if (
    stem.length > 3 &&
    last === stem[stem.length - 2] &&
    last !== undefined &&
    !VOWEL.test(last) &&
    !'lsz'.includes(last)
  ) {
    return stem.slice(0, -1);
  }
  return stem;
}

const DERIVATIONAL: readonly (readonly [string, string])[] = [
  ['ational', 'ate'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['fulness', 'ful'],
  ['iveness', 'ive'],
  ['ousness', 'ous'],
  ['ments', ''],
  ['ment', ''],
  ['ness', ''],
  ['ility', 'il'],
  ['ities', 'ity'],
  ['izer', 'ize'],
  ['ator', 'ate'],
  ['ally', 'al'],
  ['ly', '']
];

/** The stem of a lower-case English word. */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let w = word;
  // Step 1a: plurals.
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) {
    w = w.slice(0, -1);
  }
  // Step 1b: -ed, -ing (only when a vowel remains: "bed", "sing" stay).
  if (w.endsWith('eed')) {
    if (w.length > 4) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && w.length > 4 && hasVowel(w.slice(0, -2))) {
    w = undouble(w.slice(0, -2));
  } else if (w.endsWith('ing') && w.length > 5 && hasVowel(w.slice(0, -3))) {
    w = undouble(w.slice(0, -3));
  }
  // Step 2: a few derivational endings, only on stems that stay long enough.
  for (const [suffix, replacement] of DERIVATIONAL) {
    if (w.endsWith(suffix) && w.length - suffix.length + replacement.length >= 4) {
      w = w.slice(0, -suffix.length) + replacement;
      break;
    }
  }
  // Step 5a: a final -e goes ("expire" and "expir[ed]" meet).
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}
