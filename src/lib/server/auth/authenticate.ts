/**
 * Who is calling: a browser session (cookie) or an API token (`Authorization: Bearer`, or
 * `?token=` on the websocket for clients that cannot set headers). Framework-free: used by
 * hooks.server.ts for pages and REST, and by the websocket upgrade.
 */
import type { Accounts } from '../accounts/accounts-store';
import type { ApiToken, Session, User } from '../accounts/types';
import type { Role } from '../../shared/permissions';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'rb_session';

export type Caller =
  | { kind: 'session'; user: User; session: Session }
  | { kind: 'token'; user: User; apiToken: ApiToken };

/** The value of cookie `name` in a Cookie header. */
export function readCookie(header: string | undefined | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1]! : null;
}

/** Resolves a caller from a session token or an API token; null when neither is valid. */
export async function authenticate(
  accounts: Accounts,
  credentials: { sessionToken: string | null; apiToken: string | null }
): Promise<Caller | null> {
  // An explicit API token wins: scripts never mean the browser's session.
  if (credentials.apiToken) {
    const found = await accounts.validateToken(credentials.apiToken);
    return found ? { kind: 'token', user: found.user, apiToken: found.apiToken } : null;
  }
  if (credentials.sessionToken) {
    const found = await accounts.validateSession(credentials.sessionToken);
    return found ? { kind: 'session', user: found.user, session: found.session } : null;
  }
  return null;
}

/**
 * The caller's role in a workspace, or null: membership is required, and an API token only
 * works in the workspace it was scoped to. The role is read now, so a demotion applies at once.
 */
export async function workspaceRole(
  accounts: Accounts,
  caller: Caller,
  workspaceId: string
): Promise<Role | null> {
  if (caller.kind === 'token' && caller.apiToken.workspaceId !== workspaceId) return null;
  const membership = await accounts.getMembership(workspaceId, caller.user.id);
  return membership?.role ?? null;
}

/**
 * Whether a browser request's Origin is ours: cookie-authenticated websockets and form posts
 * must come from our own pages (a cross-site page could otherwise ride the cookie).
 */
export function originAllowed(
  originHeader: string | undefined | null,
  hostHeader: string | undefined | null,
  configuredOrigin: string | undefined
): boolean {
  if (!originHeader) return false;
  let origin: URL;
  try {
    origin = new URL(originHeader);
  } catch {
    return false;
  }
  if (configuredOrigin) return origin.origin === new URL(configuredOrigin).origin;
  return !!hostHeader && origin.host === hostHeader;
}
