/**
 * Translation on the server, for text that leaves it in the recipient's language (notifications,
 * e-mails, chat messages): the same catalogs and the same interpolation and plural rules as the
 * UI (shared/message-format.ts), without Svelte. Both catalogs are plain objects, small enough
 * to keep loaded for the life of the process.
 */
import {
  en,
  type MessageKey,
  type Messages,
  type PluralKey,
  type PluralParams,
  type TranslateArgs
} from '../../i18n/messages/en';
import { zhCN } from '../../i18n/messages/zh-CN';
import type { ErrorCode } from '../../shared/model/domain-error';
import type { Locale } from '../../shared/locale';
import { interpolate, pluralKey, type MessageValues } from '../../shared/message-format';

const catalogs: Readonly<Record<Locale, Messages>> = { en, 'zh-CN': zhCN };

/** The message `key` in `locale`, with `{params}` filled in. */
export function translate<K extends MessageKey>(
  locale: Locale,
  key: K,
  ...args: TranslateArgs<K>
): string {
  const params = args[0] as MessageValues | undefined;
  return interpolate(catalogs[locale][key], params);
}

/** The plural message `key` in the form that fits `params.count` in `locale`, filled in. */
export function translatePlural<B extends PluralKey>(
  locale: Locale,
  key: B,
  params: PluralParams<B>
): string {
  const template = catalogs[locale][pluralKey(key, locale, params.count) as MessageKey];
  return interpolate(template, params as MessageValues);
}

/** The translated message of an error code (`error.<code>`), filled with the error's params. */
export function translateError(locale: Locale, code: ErrorCode, params?: MessageValues): string {
  return interpolate(catalogs[locale][`error.${code}`], params);
}
