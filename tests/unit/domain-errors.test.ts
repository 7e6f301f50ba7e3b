/**
 * The one error list: every DomainError code has an HTTP status in the REST table and a message
 * in every locale, so a new code without them fails here; and the browser helper shows the
 * translated message, falling back to the server's text only for an unknown code.
 */
import { describe, expect, it } from 'vitest';
import { domainErrorStatus, toApiError } from '../../src/lib/server/api/errors';
import { en } from '../../src/lib/i18n/messages/en';
import { zhCN } from '../../src/lib/i18n/messages/zh-CN';
import { errorMessage, RestError } from '../../src/lib/rest-client';
import {
  DOMAIN_ERROR_CODES,
  DomainError,
  TRANSPORT_ERROR_CODES,
  domainErrorCode
} from '../../src/lib/shared/model/domain-error';
import { LOCALES } from '../../src/lib/shared/locale';

const catalogs = { en, 'zh-CN': zhCN } as const;

function tryTIn(locale: keyof typeof catalogs) {
  const messages: Readonly<Record<string, string>> = catalogs[locale];
  return (key: string): string | null => (Object.hasOwn(messages, key) ? messages[key]! : null);
}

describe('DomainError codes', () => {
  it('lists each code once', () => {
    const all = [...DOMAIN_ERROR_CODES, ...TRANSPORT_ERROR_CODES];
    expect(new Set(all).size).toBe(all.length);
  });

  it('gives every domain code a 4xx/5xx status in the one table, and no other code', () => {
    expect(Object.keys(domainErrorStatus).sort()).toEqual([...DOMAIN_ERROR_CODES].sort());
    for (const code of DOMAIN_ERROR_CODES) {
      const status = domainErrorStatus[code];
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      const mapped = toApiError(new DomainError(code, `because ${code}`));
      expect(mapped?.status, code).toBe(status);
      expect(mapped?.code, code).toBe(code);
      expect(mapped?.message, code).toBe(`because ${code}`);
    }
  });

  it('gives every code a non-empty message in every locale, different per language', () => {
    for (const code of [...DOMAIN_ERROR_CODES, ...TRANSPORT_ERROR_CODES]) {
      for (const locale of LOCALES) {
        const message = tryTIn(locale)(`error.${code}`);
        expect(message, `${locale} error.${code}`).toBeTruthy();
      }
      expect(zhCN[`error.${code}`], code).not.toBe(en[`error.${code}`]);
      expect(zhCN[`error.${code}`], code).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('recognises an error by its code, also from another copy of the class', () => {
    expect(domainErrorCode(new DomainError('not_found', 'x'))).toBe('not_found');
    const foreign = Object.assign(new Error('x'), { code: 'last_owner' });
    expect(domainErrorCode(foreign)).toBe('last_owner');
    expect(domainErrorCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
    expect(domainErrorCode({ code: 'not_found' })).toBeUndefined();
    expect(domainErrorCode('not_found')).toBeUndefined();
  });
});

describe('errorMessage (browser)', () => {
  it('shows the message of the code in the UI language, not the server text', () => {
    const failure = new RestError(409, 'last_owner', 'the last owner cannot be removed');
    expect(errorMessage(tryTIn('en'), failure)).toBe(en['error.last_owner']);
    expect(errorMessage(tryTIn('zh-CN'), failure)).toBe(zhCN['error.last_owner']);
    expect(
      errorMessage(tryTIn('zh-CN'), new RestError(0, 'network_error', 'Failed to fetch'))
    ).toBe(zhCN['error.network_error']);
  });

  it('translates a DomainError thrown by a model in the browser the same way', () => {
    const failure = new DomainError('conflict', 'column "todo" still holds 2 task(s)');
    expect(errorMessage(tryTIn('zh-CN'), failure)).toBe(zhCN['error.conflict']);
  });

  it("falls back to the server's message only for an unknown code", () => {
    expect(errorMessage(tryTIn('zh-CN'), new RestError(418, 'teapot', 'I am a teapot'))).toBe(
      'I am a teapot'
    );
    expect(errorMessage(tryTIn('en'), new Error('plain'))).toBe('plain');
    expect(errorMessage(tryTIn('en'), 'text')).toBe('text');
  });
});
