import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/server/config';

const complete = {
  OIDC_ISSUER: 'https://sso.example.com/realms/ops',
  OIDC_CLIENT_ID: 'runboard',
  OIDC_CLIENT_SECRET: 's3cret',
  ORIGIN: 'https://ops.example.com'
};

/** The problems a ConfigError lists for `env` (fails when the env is accepted). */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('OIDC configuration', () => {
  it('is off when no OIDC_ variable is set (blank counts as unset)', () => {
    expect(loadConfig({}).oidc).toBeUndefined();
    expect(loadConfig({ OIDC_ISSUER: '', OIDC_CLIENT_ID: '  ' }).oidc).toBeUndefined();
  });

  it('is on with issuer, client id, secret and ORIGIN; derives the redirect URI', () => {
    expect(loadConfig(complete).oidc).toEqual({
      issuer: 'https://sso.example.com/realms/ops',
      clientId: 'runboard',
      clientSecret: 's3cret',
      name: 'SSO',
      scopes: 'openid email profile',
      redirectUri: 'https://ops.example.com/auth/oidc/callback'
    });
    const custom = loadConfig({
      ...complete,
      ORIGIN: 'https://ops.example.com/',
      OIDC_NAME: 'Keycloak',
      OIDC_SCOPES: ' openid   email '
    }).oidc;
    expect(custom?.name).toBe('Keycloak');
    expect(custom?.scopes).toBe('openid email');
    expect(custom?.redirectUri).toBe('https://ops.example.com/auth/oidc/callback');
  });

  it('is all or none: a partial set lists exactly what is missing', () => {
    const list = problems({ OIDC_ISSUER: complete.OIDC_ISSUER, ORIGIN: complete.ORIGIN });
    expect(list).toHaveLength(1);
    expect(list[0]).toContain('OIDC_ISSUER is set');
    expect(list[0]).toContain('OIDC_CLIENT_ID, OIDC_CLIENT_SECRET are missing');

    const onlyLabel = problems({ OIDC_NAME: 'GitLab', ORIGIN: complete.ORIGIN });
    expect(onlyLabel[0]).toContain('OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET are missing');
  });

  it('requires ORIGIN, and reports it together with the other problems', () => {
    const { ORIGIN: _origin, ...withoutOrigin } = complete;
    expect(problems(withoutOrigin)).toEqual([expect.stringMatching(/^ORIGIN: required with OIDC/)]);
    const list = problems({ OIDC_CLIENT_ID: 'x', PORT: 'abc' });
    expect(list.some((p) => p.startsWith('PORT:'))).toBe(true);
    expect(list.some((p) => p.includes('OIDC_ISSUER, OIDC_CLIENT_SECRET are missing'))).toBe(true);
    expect(list.some((p) => p.startsWith('ORIGIN:'))).toBe(true);
  });

  it('refuses plain http except for a provider on localhost, and scopes without openid', () => {
    expect(problems({ ...complete, OIDC_ISSUER: 'http://sso.example.com' })).toEqual([
      expect.stringMatching(/^OIDC_ISSUER: must use https/)
    ]);
    expect(problems({ ...complete, OIDC_ISSUER: 'not a url' })[0]).toMatch(/^OIDC_ISSUER:/);
    expect(loadConfig({ ...complete, OIDC_ISSUER: 'http://127.0.0.1:8080' }).oidc?.issuer).toBe(
      'http://127.0.0.1:8080'
    );
    expect(
      loadConfig({ ...complete, OIDC_ISSUER: 'http://localhost:8080/realms/x' }).oidc
    ).toBeDefined();
    expect(problems({ ...complete, OIDC_SCOPES: 'email profile' })).toEqual([
      'OIDC_SCOPES: must include "openid"'
    ]);
  });

  it('never puts the client secret in an error message', () => {
    const list = problems({ OIDC_CLIENT_SECRET: 'hunter2-very-secret' });
    expect(list.join('\n')).not.toContain('hunter2');
  });
});
