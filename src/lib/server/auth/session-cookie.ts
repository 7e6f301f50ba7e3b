import { SESSION_COOKIE } from './authenticate';
import type { CookieJar } from './cookie-jar';

/**
 * Sets the session cookie: HttpOnly, SameSite=Lax, Secure over TLS, expiring with the session.
 * A new cookie is issued on every sign-in (a fresh session id), so a planted id is worthless.
 */
export function setSessionCookie(
  cookies: CookieJar,
  token: string,
  expiresAt: number,
  url: URL
): void {
  cookies.set(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    expires: new Date(expiresAt)
  });
}

/** Removes the session cookie. */
export function clearSessionCookie(cookies: CookieJar, url: URL): void {
  cookies.delete(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:'
  });
}
