/**
 * How a message of the i18n catalogs becomes text: `{name}` placeholders filled from params, and
 * the plural form picked by `count`. Framework-free and the one implementation, used by the
 * browser's reactive translator (src/lib/i18n/i18n.svelte.ts) and the server's `translate`
 * (src/lib/server/i18n/translate.ts).
 */
import { pluralForm, type Locale } from './locale';

/** Values for `{name}` placeholders. */
export type MessageValues = Readonly<Record<string, string | number>>;

const PARAM = /\{(\w+)\}/g;

/** Fills `{name}` placeholders; an unknown name is left as is, so a mistake stays visible. */
export function interpolate(template: string, params: MessageValues | undefined): string {
  if (params === undefined) return template;
  return template.replace(PARAM, (match, name: string) => {
    const value = params[name];
    return value === undefined ? match : String(value);
  });
}

/**
 * The key of the plural message `base` that fits `count` in `locale`: `<base>.one` or
 * `<base>.other`, by `Intl.PluralRules` (Chinese has only 'other').
 */
export function pluralKey<B extends string>(
  base: B,
  locale: Locale,
  count: number
): `${B}.one` | `${B}.other` {
  return `${base}.${pluralForm(locale, count)}`;
}
