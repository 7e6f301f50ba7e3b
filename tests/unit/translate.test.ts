/**
 * Server-side translation for outgoing messages: the same catalogs, `{param}` filling and
 * plural rules as the UI.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../src/lib/i18n/messages/en';
import { zhCN } from '../../src/lib/i18n/messages/zh-CN';
import { translate, translateError, translatePlural } from '../../src/lib/server/i18n/translate';
import { interpolate, pluralKey } from '../../src/lib/shared/message-format';

describe('translate (server)', () => {
  it('picks the locale and fills {params}', () => {
    expect(translate('en', 'app.name')).toBe('Runboard');
    expect(translate('en', 'error.code', { status: 404 })).toBe('Error 404');
    expect(translate('zh-CN', 'error.code', { status: 404 })).toBe(
      zhCN['error.code'].replace('{status}', '404')
    );
    expect(translate('zh-CN', 'error.code', { status: 404 })).toContain('404');
  });

  it('picks the plural form by count: English one/other, Chinese only other', () => {
    expect(translatePlural('en', 'sync.pending', { count: 1 })).toBe('1 change waiting');
    expect(translatePlural('en', 'sync.pending', { count: 0 })).toBe('0 changes waiting');
    expect(translatePlural('en', 'sync.pending', { count: 3 })).toBe('3 changes waiting');
    expect(translatePlural('zh-CN', 'sync.pending', { count: 1 })).toBe(
      zhCN['sync.pending.other'].replace('{count}', '1')
    );
  });

  it('translates an error code', () => {
    expect(translateError('en', 'forbidden')).toBe(en['error.forbidden']);
    expect(translateError('zh-CN', 'forbidden')).toBe(zhCN['error.forbidden']);
  });
});

describe('message format (shared by browser and server)', () => {
  it('leaves an unknown placeholder visible and fills repeats', () => {
    expect(interpolate('{a} and {a}, {b}', { a: 1 })).toBe('1 and 1, {b}');
    expect(interpolate('{a}', undefined)).toBe('{a}');
  });

  it('names the plural key', () => {
    expect(pluralKey('x', 'en', 1)).toBe('x.one');
    expect(pluralKey('x', 'en', 1.5)).toBe('x.other');
    expect(pluralKey('x', 'zh-CN', 1)).toBe('x.other');
  });
});
