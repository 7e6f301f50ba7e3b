/**
 * Sign-in and the signed-in user's own account: password, profile, sessions.
 * Framework-free and shared by the REST operations and the form actions, so a page and its API
 * can never disagree. Every change that reduces access closes the affected websockets at once.
 */
import { hashPassword, verifyPassword, dummyPasswordHash } from '../auth/password';
import { RateLimiter, authLimits, type RateLimit } from '../auth/rate-limit';
import type { Runtime } from '../runtime';
import { closeConnections } from './access-changes';
import { accountKey, type LoginInput, type PasswordChangeInput } from './account-schemas';
import { DomainError } from '../../shared/model/domain-error';
import { type RequestOrigin, type Session, type User } from './types';

/** A new session: the token goes into the cookie once and is never stored. */
export interface NewSession {
  token: string;
  session: Session;
}

// Limiters live as long as the process. They are parked on globalThis so that a second copy of
// this module (another bundle, or a dev-server reload) counts against the same buckets.
export interface Limiters {
  loginPerIp: RateLimiter;
  loginPerAccount: RateLimiter;
  setupPerIp: RateLimiter;
  passwordPerAccount: RateLimiter;
  /** Serialises first-run setup: the check "no user yet" and the creation are one step. */
  setupQueue: Promise<unknown>;
}
const LIMITERS_KEY = Symbol.for('runboard.auth-limiters');

/** The process-wide limiters (and the setup lock). */
export function authLimiters(): Limiters {
  const holder = globalThis as { [LIMITERS_KEY]?: Limiters };
  holder[LIMITERS_KEY] ??= {
    loginPerIp: new RateLimiter(authLimits.loginPerIp),
    loginPerAccount: new RateLimiter(authLimits.loginPerAccount),
    setupPerIp: new RateLimiter(authLimits.setupPerIp),
    // Guessing the current password through a stolen session is bounded like sign-in.
    passwordPerAccount: new RateLimiter(authLimits.loginPerAccount),
    setupQueue: Promise.resolve()
  };
  return holder[LIMITERS_KEY];
}

/** Replaces the limiters (tests, or an operator tuning limits at start-up). */
export function configureAuthLimits(limits: {
  loginPerIp?: RateLimit;
  loginPerAccount?: RateLimit;
  setupPerIp?: RateLimit;
}): void {
  const current = authLimiters();
  if (limits.loginPerIp) current.loginPerIp = new RateLimiter(limits.loginPerIp);
  if (limits.loginPerAccount) {
    current.loginPerAccount = new RateLimiter(limits.loginPerAccount);
    current.passwordPerAccount = new RateLimiter(limits.loginPerAccount);
  }
  if (limits.setupPerIp) current.setupPerIp = new RateLimiter(limits.setupPerIp);
}

/** The rate-limit key of a request's address. */
export function ipKey(origin: RequestOrigin): string {
  return origin.ip ?? 'unknown';
}

/** The error of a refused attempt, carrying how long to wait. */
export function rateLimited(waitMs: number): DomainError {
  return new DomainError('rate_limited', 'too many attempts; try again later', {
    retryAfterMs: waitMs
  });
}

/**
 * Signs in with email and password and starts a NEW session (never reuses one the request
 * brought along, so a planted cookie is worthless: session fixation). Unknown email, wrong
 * password, inactive or password-less account all give the same `invalid_credentials` after the
 * same scrypt work, so neither the answer nor its timing tells which accounts exist.
 */
export async function signIn(
  runtime: Runtime,
  input: LoginInput,
  origin: RequestOrigin,
  previousSessionId: string | null = null
): Promise<{ user: User } & NewSession> {
  const { accounts } = runtime;
  const limiters = authLimiters();
  const key = accountKey(input.email);
  // Both buckets are charged, so neither many accounts from one address nor one account from
  // many addresses goes unbounded.
  const wait = Math.max(
    limiters.loginPerIp.take(ipKey(origin)),
    limiters.loginPerAccount.take(key)
  );
  if (wait > 0) {
    runtime.logger.warn('auth: sign-in rate limited', { ip: origin.ip });
    throw rateLimited(wait);
  }
  // Awaited before the lookup on every path, so its one-time cost is never a signal.
  const dummyHash = await dummyPasswordHash();
  const found = await accounts.getUserByEmail(input.email);
  const passwordOk = await verifyPassword(input.password, found?.passwordHash ?? dummyHash);
  if (!found || found.passwordHash === null || !passwordOk || !found.active) {
    const reason = !found
      ? 'unknown_email'
      : found.passwordHash === null
        ? 'no_password'
        : !passwordOk
          ? 'wrong_password'
          : 'inactive';
    // The email is recorded to spot guessing; the password never is.
    await accounts.audit({
      workspaceId: null,
      actorId: found?.id ?? null,
      action: 'auth.login_failed',
      details: { email: input.email.slice(0, 254), reason },
      origin
    });
    throw new DomainError('invalid_credentials', 'wrong email or password');
  }
  limiters.loginPerAccount.reset(key);
  if (previousSessionId !== null) await endSessions(runtime, [previousSessionId]);
  const { passwordHash: _hash, ...user } = found;
  const session = await accounts.createSession(user.id, origin);
  await accounts.audit({
    workspaceId: null,
    actorId: user.id,
    actorLabel: user.email,
    action: 'auth.login',
    origin
  });
  return { user, ...session };
}

/** Deletes sessions and closes their websockets. */
async function endSessions(runtime: Runtime, sessionIds: readonly string[]): Promise<void> {
  for (const sessionId of sessionIds) {
    await runtime.accounts.deleteSession(sessionId);
    closeConnections(runtime, { sessionId });
  }
}

/** Signs out: ends the session and closes its websockets. */
export async function signOut(
  runtime: Runtime,
  user: User,
  sessionId: string,
  origin: RequestOrigin
): Promise<void> {
  await endSessions(runtime, [sessionId]);
  await runtime.accounts.audit({
    workspaceId: null,
    actorId: user.id,
    actorLabel: user.email,
    action: 'auth.logout',
    origin
  });
}

/**
 * Changes the password after checking the current one, and ends every OTHER session of the
 * user (someone who knew the old password may hold one). The current session stays.
 */
export async function changePassword(
  runtime: Runtime,
  user: User,
  currentSessionId: string,
  input: PasswordChangeInput,
  origin: RequestOrigin
): Promise<{ endedSessions: number }> {
  const { accounts } = runtime;
  const limiter = authLimiters().passwordPerAccount;
  const wait = limiter.take(user.id);
  if (wait > 0) throw rateLimited(wait);
  const stored = await accounts.getPasswordHash(user.id);
  const ok = await verifyPassword(input.currentPassword, stored ?? (await dummyPasswordHash()));
  if (stored === null || !ok) {
    await accounts.audit({
      workspaceId: null,
      actorId: user.id,
      actorLabel: user.email,
      action: 'auth.password_change_failed',
      origin
    });
    throw new DomainError('wrong_password', 'the current password is wrong');
  }
  limiter.reset(user.id);
  await accounts.setPasswordHash(user.id, await hashPassword(input.newPassword));
  const ended = await accounts.deleteUserSessions(user.id, currentSessionId);
  for (const sessionId of ended) closeConnections(runtime, { sessionId });
  await accounts.audit({
    workspaceId: null,
    actorId: user.id,
    actorLabel: user.email,
    action: 'auth.password_changed',
    details: { endedSessions: ended.length },
    origin
  });
  return { endedSessions: ended.length };
}

/** Changes the signed-in user's display name. */
export async function updateProfile(
  runtime: Runtime,
  user: User,
  patch: { name: string },
  origin: RequestOrigin
): Promise<User> {
  const updated = await runtime.accounts.updateUser(user.id, { name: patch.name });
  await runtime.accounts.audit({
    workspaceId: null,
    actorId: user.id,
    actorLabel: user.email,
    action: 'account.updated',
    details: { fields: ['name'] },
    origin
  });
  return updated;
}

/** The user's live sessions, newest first, with the current one marked. */
export async function listOwnSessions(
  runtime: Runtime,
  userId: string,
  currentSessionId: string | null
): Promise<(Session & { current: boolean })[]> {
  const sessions = await runtime.accounts.listSessions(userId);
  return sessions.map((session) => ({ ...session, current: session.id === currentSessionId }));
}

/** Ends one of the user's own sessions (404 for anyone else's, so ids do not leak). */
export async function revokeOwnSession(
  runtime: Runtime,
  user: User,
  sessionId: string,
  origin: RequestOrigin
): Promise<void> {
  const own = await runtime.accounts.listSessions(user.id);
  if (!own.some((session) => session.id === sessionId)) {
    throw new DomainError('not_found', 'no such session');
  }
  await endSessions(runtime, [sessionId]);
  await runtime.accounts.audit({
    workspaceId: null,
    actorId: user.id,
    actorLabel: user.email,
    action: 'auth.session_revoked',
    target: `session:${sessionId}`,
    origin
  });
}

/** Ends every session of the user except the current one ("sign out other devices"). */
export async function revokeOtherSessions(
  runtime: Runtime,
  user: User,
  currentSessionId: string,
  origin: RequestOrigin
): Promise<number> {
  const ended = await runtime.accounts.deleteUserSessions(user.id, currentSessionId);
  for (const sessionId of ended) closeConnections(runtime, { sessionId });
  await runtime.accounts.audit({
    workspaceId: null,
    actorId: user.id,
    actorLabel: user.email,
    action: 'auth.sessions_revoked',
    details: { count: ended.length },
    origin
  });
  return ended.length;
}
