/**
 * The UI languages and how a request picks one. Framework-free, so the server hook, the root
 * layout and tests share it.
 */

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** Used when neither the cookie nor Accept-Language names a supported language. */
export const DEFAULT_LOCALE: Locale = 'en';

/** Name of the cookie that remembers the user's choice. */
export const LOCALE_COOKIE = 'locale';

/** One year, in seconds: how long the choice is remembered. */
export const LOCALE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** The plural forms messages carry: `<key>.one` and `<key>.other`. */
export type PluralForm = 'one' | 'other';

const pluralRules = new Map<Locale, Intl.PluralRules>();

/**
 * The form of `count` in `locale` by the CLDR plural rules, folded into the two forms the
 * messages carry: English has 'one' (1) and 'other' (0, 2, 1.5 …); Chinese has only 'other'.
 */
export function pluralForm(locale: Locale, count: number): PluralForm {
  let rules = pluralRules.get(locale);
  if (rules === undefined) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules.select(count) === 'one' ? 'one' : 'other';
}

/** True when `value` is one of `LOCALES` (exact spelling). */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Maps a language tag to a supported locale: any `zh*` → zh-CN, any `en*` → en, else null. */
export function matchLocale(tag: string): Locale | null {
  const lower = tag.trim().toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN';
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  return null;
}

/**
 * Parses an Accept-Language header into tags, best first (by q, then by order). Malformed
 * entries and `q=0` are skipped; the header is untrusted input, so parsing never throws.
 */
function parseAcceptLanguage(header: string): string[] {
  const entries: { tag: string; q: number; index: number }[] = [];
  // A sane header has a handful of entries; cap the work on a hostile one.
  header
    .slice(0, 1000)
    .split(',')
    .forEach((part, index) => {
      const [rawTag = '', ...params] = part.split(';');
      const tag = rawTag.trim();
      if (tag === '' || tag === '*') return;
      let q = 1;
      for (const param of params) {
        const [name, value] = param.split('=').map((s) => s.trim());
        if (name === 'q' && value !== undefined) {
          const parsed = Number(value);
          q = Number.isFinite(parsed) ? parsed : 0;
        }
      }
      if (q > 0) entries.push({ tag, q, index });
    });
  entries.sort((a, b) => b.q - a.q || a.index - b.index);
  return entries.map((e) => e.tag);
}

/**
 * The locale of a request: a valid `locale` cookie wins; otherwise the first language of
 * Accept-Language that we support (any `zh*` → zh-CN); otherwise English.
 */
export function negotiateLocale(
  acceptLanguage: string | null | undefined,
  cookieValue: string | null | undefined
): Locale {
  if (isLocale(cookieValue)) return cookieValue;
  for (const tag of parseAcceptLanguage(acceptLanguage ?? '')) {
    const locale = matchLocale(tag);
    if (locale !== null) return locale;
  }
  return DEFAULT_LOCALE;
}
