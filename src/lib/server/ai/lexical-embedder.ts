/**
 * The bilingual lexical embedder (DESIGN.md §7), the default: works out of the box, no model.
 *
 * A text becomes weighted features, hashed (signed feature hashing) into a vector of
 * `LEXICAL_DIMENSIONS`, with sublinear term frequency, L2-normalised:
 * - Chinese: jieba words (its shipped dictionary plus the glossary's terms) and CJK character
 *   bigrams;
 * - English and identifiers: lower-cased words, stemmed (stemmer.ts), word bigrams, and
 *   character 3-grams of each word (typos, inflections the stemmer misses, "db01" vs "db-01");
 * - the glossary bridge (glossary.ts): every Chinese or English term of a concept adds the same
 *   concept feature, so "磁盘空间不足" and "disk space low" meet.
 * Word features weigh more than character n-grams. Inverse document frequency is not known to
 * one text: the index applies it from its own document frequencies (`termWeighting: 'idf'`,
 * ai-index.ts). Deterministic: the same text always gives the same vector.
 *
 * What it cannot do: meaning beyond shared words, shared characters and the glossary. Two
 * paraphrases with no word, character or glossary concept in common are not found (docs/ai.md).
 */
import { createRequire } from 'node:module';
import type { Embedder } from './embedder';
import { normalize } from './embedder';
import { glossary } from './glossary';
import { stem } from './stemmer';

/** Vector length: a power of two (the hash is masked). */
export const LEXICAL_DIMENSIONS = 8192;

/** Weights of the feature families. */
export const FEATURE_WEIGHTS = {
  concept: 1.6,
  word: 1.0,
  wordBigram: 0.6,
  cjkBigram: 0.5,
  char3: 0.25
} as const;

/** Texts longer than this are cut before segmentation (a runbook's first part is enough). */
export const MAX_EMBED_CHARS = 4000;

const EN_STOPWORDS = new Set(
  (
    'a an the and or of to in on at by for with from is are was were be been being it its this ' +
    'that these those as not no but if then than so we our you your they their he she i me my ' +
    'has have had do does did can could should would will may might into over after before ' +
    'about all any some more most very just also there here when where what which who how'
  ).split(' ')
);

const ZH_STOPWORDS = new Set(
  '的 了 在 是 和 与 或 及 等 有 被 把 对 为 也 都 就 而 着 又 还 很 这 那 个 之 其 从 到 上 下 中 里 后 前 时 我 你 他 她 它 们 吗 呢 吧 啊'.split(
    ' '
  )
);

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/g;
/**
 * Words and identifiers: `db-01`, `10.0.0.1`, `php-fpm` stay whole (their parts are added).
 * Trailing separators are cut by `asciiWords` (one flat class: linear, no backtracking).
 */
const ASCII_WORD = /[a-z0-9][a-z0-9._-]*/g;

function asciiWords(text: string): string[] {
  return (text.match(ASCII_WORD) ?? []).map((token) => token.replace(/[._-]+$/, ''));
}

interface JiebaLike {
  cut(sentence: string, hmm?: boolean): string[];
}

let jieba: JiebaLike | null = null;

/** The segmenter with its shipped dictionary and the glossary's Chinese terms, loaded once. */
function segmenter(): JiebaLike {
  if (jieba) return jieba;
  const require = createRequire(import.meta.url);
  const { Jieba } = require('@node-rs/jieba') as {
    Jieba: { withDict(dict: Uint8Array): JiebaLike & { loadDict(dict: Uint8Array): void } };
  };
  const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
  const instance = Jieba.withDict(dict);
  const words = new Set<string>();
  for (const entry of glossary) {
    for (const term of entry.zh) if (CJK.test(term) && term.length > 1) words.add(term);
  }
  // A high frequency makes the segmenter keep the ops term whole ("主从延迟", "连接池").
  instance.loadDict(new TextEncoder().encode([...words].map((w) => `${w} 20000 n`).join('\n')));
  jieba = instance;
  return instance;
}

/** Glossary lookups built once: stemmed English phrases, and Chinese terms by first char. */
interface Bridge {
  /** Stemmed phrase (words joined by a space) → concepts. */
  english: Map<string, string[]>;
  /** Longest English phrase, in words. */
  longestPhrase: number;
  /** First character → [term, concept] of Chinese terms of two characters or more. */
  chinese: Map<string, [string, string][]>;
  /** Single-character Chinese terms, matched only as whole segmented words. */
  chineseWords: Map<string, string[]>;
}

let bridge: Bridge | null = null;

function add<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(value)) list.push(value);
  } else map.set(key, [value]);
}

function glossaryBridge(): Bridge {
  if (bridge) return bridge;
  const english = new Map<string, string[]>();
  const chinese = new Map<string, [string, string][]>();
  const chineseWords = new Map<string, string[]>();
  let longestPhrase = 1;
  for (const { concept, en, zh } of glossary) {
    for (const term of [...en, ...zh]) {
      if (CJK.test(term)) {
        if (term.length === 1) add(chineseWords, term, concept);
        else add(chinese, term[0]!, [term, concept] as [string, string]);
      } else {
        const words = asciiWords(term).map(stem);
        if (words.length === 0) continue;
        longestPhrase = Math.max(longestPhrase, words.length);
        add(english, words.join(' '), concept);
      }
    }
  }
  bridge = { english, chinese, chineseWords, longestPhrase };
  return bridge;
}

/** A feature and its weight before term-frequency scaling. */
export type Feature = readonly [string, number];

/**
 * The features of a text, in order of appearance (repeats count as term frequency). Exposed
 * for tests and the docs: the embedder hashes exactly these.
 */
export function features(text: string): Feature[] {
  const out: [string, number][] = [];
  const source = text.slice(0, MAX_EMBED_CHARS).toLowerCase().normalize('NFKC');
  const { english, chinese, chineseWords, longestPhrase } = glossaryBridge();

  // English words and identifiers.
  const stems: string[] = [];
  for (const token of asciiWords(source)) {
    const parts = token.split(/[-_.]/).filter((p) => p !== '');
    if (parts.length > 1) out.push([`w:${token}`, FEATURE_WEIGHTS.word]);
    for (const part of parts) {
      if (EN_STOPWORDS.has(part)) continue;
      const s = stem(part);
      stems.push(s);
      out.push([`w:${s}`, FEATURE_WEIGHTS.word]);
      if (part.length >= 4 && !/^\d+$/.test(part)) {
        const padded = `<${part}>`;
        for (let i = 0; i + 3 <= padded.length; i++) {
          out.push([`c:${padded.slice(i, i + 3)}`, FEATURE_WEIGHTS.char3]);
        }
      }
    }
  }
  for (let i = 0; i + 1 < stems.length; i++) {
    out.push([`b:${stems[i]} ${stems[i + 1]}`, FEATURE_WEIGHTS.wordBigram]);
  }
  // Glossary phrases over the stemmed words, longest first at each position.
  for (let i = 0; i < stems.length; i++) {
    for (let n = Math.min(longestPhrase, stems.length - i); n >= 1; n--) {
      const concepts = english.get(stems.slice(i, i + n).join(' '));
      if (concepts) for (const c of concepts) out.push([`k:${c}`, FEATURE_WEIGHTS.concept]);
    }
  }

  // Chinese: segmented words, character bigrams, glossary terms.
  for (const run of source.match(CJK_RUN) ?? []) {
    for (const word of segmenter().cut(run, true)) {
      if (ZH_STOPWORDS.has(word)) continue;
      out.push([`w:${word}`, FEATURE_WEIGHTS.word]);
      for (const c of chineseWords.get(word) ?? []) {
        out.push([`k:${c}`, FEATURE_WEIGHTS.concept]);
      }
    }
    for (let i = 0; i + 2 <= run.length; i++) {
      out.push([`z:${run.slice(i, i + 2)}`, FEATURE_WEIGHTS.cjkBigram]);
    }
    if (run.length === 1) out.push([`z:${run}`, FEATURE_WEIGHTS.cjkBigram]);
    for (let i = 0; i < run.length; i++) {
      for (const [term, concept] of chinese.get(run[i]!) ?? []) {
        if (run.startsWith(term, i)) out.push([`k:${concept}`, FEATURE_WEIGHTS.concept]);
      }
    }
  }
  return out;
}

/** FNV-1a, 32 bits, over UTF-16 code units. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The hashed, sublinear-TF, L2-normalised vector of one text. */
export function lexicalVector(text: string, dimensions = LEXICAL_DIMENSIONS): Float32Array {
  const weights = new Map<string, { weight: number; count: number }>();
  for (const [feature, weight] of features(text)) {
    const seen = weights.get(feature);
    if (seen) seen.count++;
    else weights.set(feature, { weight, count: 1 });
  }
  const vector = new Float32Array(dimensions);
  const mask = dimensions - 1;
  for (const [feature, { weight, count }] of weights) {
    const h = fnv1a(feature);
    // The sign from bits the index does not use, so colliding features tend to cancel out.
    const sign = Math.imul(h, 0x9e3779b1) >>> 31 === 0 ? 1 : -1;
    vector[h & mask]! += sign * weight * (1 + Math.log(count));
  }
  return normalize(vector);
}

/** The default embedder (see the file's comment). */
export class LexicalEmbedder implements Embedder {
  readonly id = `lexical-v1-${LEXICAL_DIMENSIONS}`;
  readonly dimensions = LEXICAL_DIMENSIONS;
  /** The index weighs these vectors by its inverse document frequencies (ai-index.ts). */
  readonly termWeighting = 'idf' as const;

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((text) => lexicalVector(text, this.dimensions)));
  }
}
