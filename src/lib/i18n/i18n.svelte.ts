/**
 * The UI language as rune state. One store per app instance: the root layout creates it from
 * the locale the server negotiated and puts it in context, so during SSR every request has
 * its own (no module-level state shared between users).
 */
import { getContext, setContext } from 'svelte';
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE_SECONDS, type Locale } from '../shared/locale';
import { interpolate, pluralKey } from '../shared/message-format';
import { loadMessages } from './load-messages';
import type { MessageKey, Messages, PluralKey, PluralParams, TranslateArgs } from './messages/en';

export type { TranslateArgs } from './messages/en';

// A plain record (not reactive state): formatters never change once built.
const dateFormats: Record<string, Intl.DateTimeFormat> = {};

/**
 * A cached `Intl.DateTimeFormat`: building one costs far more than formatting with it, and a
 * board of 5,000 cards formats a date per card (670 ms uncached in the board benchmark).
 */
function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  return (dateFormats[key] ??= new Intl.DateTimeFormat(locale, options));
}

/**
 * Reactive translator: reading `t()` in markup re-renders when the locale changes. It holds the
 * messages of one locale at a time, loaded by `loadMessages` before it is built or switched.
 */
export class I18n {
  locale: Locale;
  #messages: Messages;
  // Which `setLocale` call is the latest, so a slow load cannot undo a later choice.
  #switching = 0;

  /** `messages` must be the catalog of `locale` (see `loadMessages`). */
  constructor(locale: Locale, messages: Messages) {
    this.locale = $state(locale);
    // Raw: a catalog is replaced whole, never changed in place, so deep proxies would only cost.
    this.#messages = $state.raw(messages);
  }

  /** True when `key` is a message key (for keys built at run time, e.g. from a column id). */
  #isMessageKey(key: string): key is MessageKey {
    // Every catalog has exactly the English keys (checked by type and by tests/unit/i18n.test.ts).
    return Object.hasOwn(this.#messages, key);
  }

  /** The message `key` in the current locale, with `{params}` filled in. */
  t = <K extends MessageKey>(key: K, ...args: TranslateArgs<K>): string => {
    const template: string = this.#messages[key];
    const params = args[0] as Record<string, string | number> | undefined;
    return interpolate(template, params);
  };

  /**
   * The plural message `key` in the form that fits `params.count` in the current locale
   * (`key.one` or `key.other`, by `Intl.PluralRules`), with `{params}` filled in. Every message
   * that shows a count of something goes through here, never through a fixed noun form.
   */
  tn = <B extends PluralKey>(key: B, params: PluralParams<B>): string => {
    const template: string =
      this.#messages[pluralKey(key, this.locale, params.count) as MessageKey];
    return interpolate(template, params as Record<string, string | number>);
  };

  /** The message `key` if there is one (for keys built at run time, e.g. from an id), else null. */
  tryT = (key: string): string | null =>
    this.#isMessageKey(key) ? interpolate(this.#messages[key], undefined) : null;

  /** A date (ISO string or Date) in the current locale, e.g. "Jan 31, 2025" / "2025年1月31日". */
  formatDate = (
    value: string | Date,
    options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }
  ): string => {
    const time = typeof value === 'string' ? Date.parse(value) : value.getTime();
    if (Number.isNaN(time)) return String(value);
    return dateFormat(this.locale, options).format(time);
  };

  /**
   * Switches the language: remembered at once for a year in the `locale` cookie (read by the
   * server hook on the next request); shown, and reflected in `<html lang>` for screen readers
   * and fonts, once its messages are loaded, so the page never mixes two languages. Rejects
   * when the messages cannot be loaded (offline with no cached copy).
   */
  setLocale = async (locale: Locale): Promise<void> => {
    const call = ++this.#switching;
    if (typeof document !== 'undefined') {
      const secure = location.protocol === 'https:' ? '; Secure' : '';
      document.cookie =
        `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=${LOCALE_COOKIE_MAX_AGE_SECONDS}` +
        `; SameSite=Lax${secure}`;
    }
    const messages = await loadMessages(locale);
    // A later call won while this one loaded: its choice stands.
    if (call !== this.#switching) return;
    this.#messages = messages;
    this.locale = locale;
    if (typeof document !== 'undefined') document.documentElement.lang = locale;
  };
}

/**
 * Creates the i18n store for one app instance (one per request during SSR) from the catalog of
 * `locale`, loaded beforehand with `loadMessages`.
 */
export function createI18n(locale: Locale, messages: Messages): I18n {
  return new I18n(locale, messages);
}

const I18N_CONTEXT = Symbol('runboard.i18n');

/** Makes `i18n` available to the component tree below the caller (the root layout). */
export function setI18n(i18n: I18n): I18n {
  return setContext(I18N_CONTEXT, i18n);
}

/** The i18n store set by the root layout; throws when used outside it. */
export function getI18n(): I18n {
  const i18n = getContext<I18n | undefined>(I18N_CONTEXT);
  if (i18n === undefined) throw new Error('getI18n() called outside the root layout');
  return i18n;
}
