import { describe, expect, it } from 'vitest';
import {
  changesSession,
  isNeverCached,
  isServiceWorkerMessage,
  isWorkspaceFile,
  workspaceOfPagePath
} from '../../src/lib/offline/sw-protocol';
import { isTheme, themeColors, themeFromCookie } from '../../src/lib/theme/themes';

describe('isNeverCached', () => {
  it('refuses the API, sync, sign-in/out, setup and invites, at and below the prefix', () => {
    for (const path of [
      '/api',
      '/api/v1/workspaces',
      '/sync/e2e.board',
      '/auth/oidc/start',
      '/login',
      '/login/__data.json',
      '/logout',
      '/setup',
      '/invite/abc',
      '/healthz',
      '/metrics'
    ]) {
      expect(isNeverCached(path), path).toBe(true);
    }
  });

  it('lets pages and their data through, including look-alike names', () => {
    for (const path of [
      '/',
      '/w/e2e/board',
      '/w/e2e/board/__data.json',
      '/account',
      '/apis',
      '/loginhelp',
      '/w/api/board'
    ]) {
      expect(isNeverCached(path), path).toBe(false);
    }
  });
});

describe('isWorkspaceFile', () => {
  const id = 'a'.repeat(64);

  it('matches exactly a workspace file by its sha256 id', () => {
    expect(isWorkspaceFile(`/api/v1/workspaces/ops/files/${id}`)).toBe(true);
    expect(isWorkspaceFile(`/api/v1/workspaces/e2e-1/files/${'0f'.repeat(32)}`)).toBe(true);
  });

  it('refuses the upload route, other API routes and malformed ids', () => {
    for (const path of [
      '/api/v1/workspaces/ops/files',
      `/api/v1/workspaces/ops/files/${id}/`,
      `/api/v1/workspaces/ops/files/${id}x`,
      `/api/v1/workspaces/ops/files/${'a'.repeat(63)}`,
      `/api/v1/workspaces/ops/files/${'A'.repeat(64)}`,
      `/api/v1/workspaces/ops/files/../tasks/${id}`,
      `/api/v1/workspaces/ops/runbooks/${id}`,
      `/api/v1/workspaces//files/${id}`,
      `/w/ops/files/${id}`
    ]) {
      expect(isWorkspaceFile(path), path).toBe(false);
    }
  });
});

describe('changesSession', () => {
  it('is true for sign-in and sign-out, by form, REST or single sign-on', () => {
    expect(changesSession('POST', '/logout')).toBe(true);
    expect(changesSession('POST', '/login')).toBe(true);
    expect(changesSession('POST', '/api/v1/auth/login')).toBe(true);
    expect(changesSession('POST', '/api/v1/auth/logout')).toBe(true);
    expect(changesSession('GET', '/auth/oidc/callback')).toBe(true);
  });

  it('is false for reading those pages and for other posts', () => {
    expect(changesSession('GET', '/login')).toBe(false);
    expect(changesSession('GET', '/logout')).toBe(false);
    expect(changesSession('POST', '/api/v1/workspaces')).toBe(false);
    expect(changesSession('DELETE', '/api/v1/auth/sessions/abc')).toBe(false);
  });
});

describe('workspaceOfPagePath', () => {
  it('finds the workspace of /w/<ws>/… paths only', () => {
    expect(workspaceOfPagePath('/w/e2e/board')).toBe('e2e');
    expect(workspaceOfPagePath('/w/ops-1/tasks/OPS-7')).toBe('ops-1');
    expect(workspaceOfPagePath('/w/ops')).toBe('ops');
    expect(workspaceOfPagePath('/w/')).toBeNull();
    expect(workspaceOfPagePath('/account')).toBeNull();
    expect(workspaceOfPagePath('/ww/e2e/board')).toBeNull();
  });
});

describe('isServiceWorkerMessage', () => {
  it('accepts only well-formed messages', () => {
    expect(isServiceWorkerMessage({ type: 'cache-page', url: '/w/e2e/board' })).toBe(true);
    for (const value of [null, 'cache-page', { type: 'cache-page' }, { type: 'x', url: '/' }]) {
      expect(isServiceWorkerMessage(value)).toBe(false);
    }
  });
});

describe('themes', () => {
  it('reads the cookie, falling back to the system for anything unknown', () => {
    expect(themeFromCookie('dark')).toBe('dark');
    expect(themeFromCookie('light')).toBe('light');
    for (const value of [undefined, null, '', 'Dark', 'blue']) {
      expect(themeFromCookie(value)).toBe('system');
    }
    expect(isTheme('system')).toBe(true);
    expect(isTheme(1)).toBe(false);
  });

  it('gives a forced theme one browser colour, the system two', () => {
    const system = themeColors('system');
    expect(system.light).not.toBe(system.dark);
    expect(themeColors('dark')).toEqual({ light: system.dark, dark: system.dark });
    expect(themeColors('light')).toEqual({ light: system.light, dark: system.light });
  });
});
