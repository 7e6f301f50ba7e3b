/**
 * The workspace a user opened last, remembered in a cookie so `/` can open it again. Only a
 * hint: `/` still checks membership before it redirects anywhere.
 */
import { isValidId } from '../../shared/doc-name';
import type { CookieJar } from './cookie-jar';

/** Name of the cookie holding the last opened workspace id. */
export const LAST_WORKSPACE_COOKIE = 'rb_last_ws';
const MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** The workspace id of a workspace page path (`/w/<ws>/…`), or null. */
export function workspaceOfPath(pathname: string): string | null {
  const match = /^\/w\/([^/]+)(?:\/|$)/.exec(pathname);
  const id = match?.[1];
  return id !== undefined && isValidId(id) ? id : null;
}

/** Remembers `workspaceId` as the last opened one (no write when it already is). */
export function rememberWorkspace(cookies: CookieJar, workspaceId: string, url: URL): void {
  if (cookies.get(LAST_WORKSPACE_COOKIE) === workspaceId) return;
  cookies.set(LAST_WORKSPACE_COOKIE, workspaceId, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    maxAge: MAX_AGE_SECONDS
  });
}

/** The remembered workspace id, if it is a valid id at all. */
export function lastWorkspace(cookies: CookieJar): string | null {
  const value = cookies.get(LAST_WORKSPACE_COOKIE);
  return value !== undefined && isValidId(value) ? value : null;
}
