import { describe, expect, it } from 'vitest';
import { LOCALES, negotiateLocale } from '../../src/lib/i18n/locales';
import { en } from '../../src/lib/i18n/messages/en';
import { zhCN } from '../../src/lib/i18n/messages/zh-CN';

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
});
