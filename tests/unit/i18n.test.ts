import { describe, expect, it } from 'vitest';
import { LOCALES, negotiateLocale, pluralForm } from '../../src/lib/shared/locale';
import { loadMessages } from '../../src/lib/i18n/load-messages';
import { en } from '../../src/lib/i18n/messages/en';
import { zhCN } from '../../src/lib/i18n/messages/zh-CN';

type Area = Readonly<Record<string, string>>;

/**
 * Every area module of a locale by file name (`common`, `board`, …), read from the folder
 * rather than from the index, so an area the index forgets to compose is caught too.
 */
function areasOf(modules: Record<string, Record<string, Area>>): Map<string, Area> {
  const areas = new Map<string, Area>();
  for (const [path, exports] of Object.entries(modules)) {
    const name = /\/([\w-]+)\.ts$/.exec(path)?.[1] ?? path;
    if (name === 'index') continue;
    const values = Object.values(exports);
    expect(values, `${path} exports one area`).toHaveLength(1);
    areas.set(name, values[0] as Area);
  }
  return areas;
}

const areasByLocale = {
  en: areasOf(import.meta.glob('../../src/lib/i18n/messages/en/*.ts', { eager: true })),
  'zh-CN': areasOf(import.meta.glob('../../src/lib/i18n/messages/zh-CN/*.ts', { eager: true }))
};

const params = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('negotiateLocale', () => {
  it('prefers a valid cookie over Accept-Language', () => {
    expect(negotiateLocale('zh-CN,zh;q=0.9', 'en')).toBe('en');
    expect(negotiateLocale('en-US', 'zh-CN')).toBe('zh-CN');
  });

  it('ignores an unknown cookie value', () => {
    expect(negotiateLocale('zh-TW', 'fr')).toBe('zh-CN');
    expect(negotiateLocale(null, 'zh')).toBe('en');
  });

  it('maps any zh* to zh-CN and picks the best supported language by q', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-Hans', 'zh-TW', 'zh-hant-HK', 'ZH-cn']) {
      expect(negotiateLocale(tag, undefined)).toBe('zh-CN');
    }
    expect(negotiateLocale('fr-FR, zh;q=0.5, en;q=0.4', undefined)).toBe('zh-CN');
    expect(negotiateLocale('en;q=0.4, zh;q=0.8', undefined)).toBe('zh-CN');
    expect(negotiateLocale('zh;q=0, en', undefined)).toBe('en');
  });

  it('falls back to English for missing, unsupported or malformed headers', () => {
    for (const header of [undefined, null, '', '*', 'fr-FR,de;q=0.8', ';;;,,q=', 'zh;q=abc']) {
      expect(negotiateLocale(header, undefined)).toBe('en');
    }
  });
});

describe('messages', () => {
  it('has the same keys and the same {params} in every locale', () => {
    expect(LOCALES).toEqual(['en', 'zh-CN']);
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      expect(params(zhCN[key as keyof typeof en]), key).toEqual(params(text));
    }
  });

  it('splits every locale into the same areas, each with the same keys as its English one', () => {
    const enAreas = areasByLocale.en;
    const zhAreas = areasByLocale['zh-CN'];
    expect(enAreas.size).toBeGreaterThan(5);
    expect([...zhAreas.keys()].sort()).toEqual([...enAreas.keys()].sort());
    for (const [name, area] of enAreas) {
      expect(Object.keys(zhAreas.get(name) ?? {}).sort(), name).toEqual(Object.keys(area).sort());
    }
  });

  it('puts every key in exactly one area, and composes every area into the catalog', () => {
    for (const [locale, catalog] of [
      ['en', en],
      ['zh-CN', zhCN]
    ] as const) {
      const areaOf = new Map<string, string>();
      const twice: string[] = [];
      for (const [name, area] of areasByLocale[locale]) {
        for (const key of Object.keys(area)) {
          const first = areaOf.get(key);
          if (first !== undefined) twice.push(`${key} (${first}, ${name})`);
          areaOf.set(key, name);
        }
      }
      expect(twice, locale).toEqual([]);
      expect([...areaOf.keys()].sort(), locale).toEqual(Object.keys(catalog).sort());
    }
  });

  it('loads each locale on demand, once', async () => {
    const [english, chinese] = await Promise.all([loadMessages('en'), loadMessages('zh-CN')]);
    expect(english).toBe(en);
    expect(chinese).toBe(zhCN);
    expect(await loadMessages('zh-CN')).toBe(chinese);
  });
});

/** Messages that show a bare number (no noun to inflect), so they need no plural forms. */
const NUMBER_ONLY = new Set([
  'boardView.column.overLimit', // "Over the WIP limit (7 of 5)"
  'list.moreLabels', // "+2"
  'list.filter.selected', // "2 selected"
  'invites.showInactive' // "… revoked links (3)"
]);

describe('plurals', () => {
  it('picks the form by the CLDR plural rules of each locale', () => {
    expect([0, 1, 2, 1.5, 21].map((n) => pluralForm('en', n))).toEqual([
      'other',
      'one',
      'other',
      'other',
      'other'
    ]);
    expect([0, 1, 2].map((n) => pluralForm('zh-CN', n))).toEqual(['other', 'other', 'other']);
  });

  it('gives every plural message both forms, with {count} in the other form, in every locale', () => {
    for (const catalog of [en, zhCN] as Record<string, string>[]) {
      const keys = Object.keys(catalog);
      for (const key of keys) {
        const base = /^(.*)\.(one|other)$/.exec(key)?.[1];
        if (base === undefined) continue;
        expect(keys, `${base}.one`).toContain(`${base}.one`);
        expect(keys, `${base}.other`).toContain(`${base}.other`);
        expect(params(catalog[`${base}.other`] ?? ''), key).toContain('count');
      }
    }
  });

  it('has no count message outside the plural forms (so no "1 times")', () => {
    const stray = Object.entries(en)
      .filter(([key, text]) => params(text).includes('count') && !/\.(one|other)$/.test(key))
      .map(([key]) => key)
      .filter((key) => !NUMBER_ONLY.has(key));
    expect(stray).toEqual([]);
  });
});
