/**
 * Response schemas and specs shared by the account operations (setup, auth, tokens). Times are
 * ISO 8601 strings, like everywhere else in the API.
 */
import { z } from 'zod';
import type { ApiToken, Session, User } from '$lib/server/accounts/types';
import type { ListedToken } from '$lib/server/accounts/accounts-service';
import type { ResponseSpec } from '$lib/server/api/operation';

/** An epoch-milliseconds time as an ISO 8601 string. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const dateTime = z.iso.datetime();

/** 401 of every account operation. */
export const unauthorizedResponse = { description: 'Not signed in (`unauthorized`).' } as const;

/** `Retry-After` on 429 answers. */
export const rateLimitedResponse: ResponseSpec = {
  description: 'Too many attempts (`rate_limited`); wait as long as `Retry-After` says.',
  headers: {
    'Retry-After': { description: 'Seconds to wait before trying again.', schema: z.int().min(1) }
  }
};

/** The session cookie set by setup and sign-in. */
export const sessionCookieHeader = {
  'Set-Cookie': {
    description: 'The session cookie `rb_session` (HttpOnly, SameSite=Lax; Secure over HTTPS).',
    schema: z.string()
  }
} as const;

export const meSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    emailVerified: z.boolean(),
    createdAt: dateTime,
    authenticatedBy: z
      .enum(['session', 'token'])
      .describe('How this request was authenticated: session cookie or API token.'),
    tokenWorkspaceId: z
      .string()
      .nullable()
      .describe('For an API token: the only workspace it may act in; otherwise null.')
  })
  .meta({ id: 'Me', description: 'The calling user.' });
export type Me = z.infer<typeof meSchema>;

/** The calling user as the API shows them. */
export function toMe(
  user: User,
  via: { kind: 'session' } | { kind: 'token'; apiToken: ApiToken }
): Me {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.emailVerified,
    createdAt: iso(user.createdAt),
    authenticatedBy: via.kind,
    tokenWorkspaceId: via.kind === 'token' ? via.apiToken.workspaceId : null
  };
}

export const sessionInfoSchema = z
  .object({
    id: z.string().describe('Session id (not the secret); use it to end the session.'),
    current: z.boolean().describe('Whether this is the session of the request.'),
    createdAt: dateTime,
    lastSeenAt: dateTime,
    expiresAt: dateTime,
    ip: z.string().nullable().describe('Address the session was started from.'),
    userAgent: z.string().nullable().describe('Browser or client that started the session.')
  })
  .meta({ id: 'SessionInfo', description: 'A signed-in device of the calling user.' });
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/** A session as the API shows it. */
export function toSessionInfo(session: Session & { current: boolean }): SessionInfo {
  return {
    id: session.id,
    current: session.current,
    createdAt: iso(session.createdAt),
    lastSeenAt: iso(session.lastSeenAt),
    expiresAt: iso(session.expiresAt),
    ip: session.ip,
    userAgent: session.userAgent
  };
}

export const tokenInfoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    workspaceId: z.string(),
    workspaceName: z
      .string()
      .nullable()
      .describe('Name of the workspace; null when the user has left it.'),
    createdAt: dateTime,
    expiresAt: dateTime.nullable().describe('When it stops working; null for never.'),
    lastUsedAt: dateTime.nullable(),
    revokedAt: dateTime.nullable()
  })
  .meta({ id: 'TokenInfo', description: 'An API token of the calling user, without its secret.' });
export type TokenInfo = z.infer<typeof tokenInfoSchema>;

/** A token as the API shows it (the secret is not stored, so it cannot be shown). */
export function toTokenInfo(token: ListedToken): TokenInfo {
  return {
    id: token.id,
    name: token.name,
    workspaceId: token.workspaceId,
    workspaceName: token.workspaceName,
    createdAt: iso(token.createdAt),
    expiresAt: token.expiresAt === null ? null : iso(token.expiresAt),
    lastUsedAt: token.lastUsedAt === null ? null : iso(token.lastUsedAt),
    revokedAt: token.revokedAt === null ? null : iso(token.revokedAt)
  };
}
