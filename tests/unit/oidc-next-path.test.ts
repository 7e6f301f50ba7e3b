import { describe, expect, it } from 'vitest';
import { safeNextPath } from '../../src/lib/server/auth/oidc';

describe('safeNextPath (where OIDC sign-in returns to)', () => {
  it('keeps same-site paths with their query and hash', () => {
    expect(safeNextPath('/w/ops/board')).toBe('/w/ops/board');
    expect(safeNextPath('/w/ops/board?view=list#t1')).toBe('/w/ops/board?view=list#t1');
    expect(safeNextPath('/w/../settings')).toBe('/settings');
    // Percent-encoded characters stay encoded, so they cannot break the Location header.
    expect(safeNextPath('/search?q=%0d%0a')).toBe('/search?q=%0d%0a');
  });

  it('drops anything that could leave the site, and loops into the flow itself', () => {
    for (const next of [
      null,
      undefined,
      '',
      'w/ops',
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      '/\tevil',
      '/\r\nSet-Cookie: x=1',
      '/auth/oidc/start',
      '/' + 'a'.repeat(2000)
    ]) {
      expect(safeNextPath(next), String(next)).toBe('/');
    }
  });
});
