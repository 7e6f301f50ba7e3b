/**
 * The rules of accounts, framework-free and shared by the REST operations, the form actions and
 * the admin CLI, so a page and its API can never disagree:
 * - sign-in and the signed-in user's own account: password, profile, sessions. Every change
 *   that reduces access closes the affected websockets at once;
 * - personal API tokens: created by a signed-in member for one workspace, shown once, listed
 *   without secrets, revoked by their owner. A revoked token stops working at once, including
 *   on websockets that are already open;
 * - first run: the owner account and the first workspace, created while no user exists, then
 *   the owner is signed in.
 */
import { hashPassword, verifyPassword, dummyPasswordHash } from '../auth/password';
import { RateLimiter, authLimits, resetToken, takeToken, type RateLimit } from '../auth/rate-limit';
import type { Runtime } from '../runtime';
import { closeConnections } from '../workspaces/access-changes';
import {
  accountKey,
  type LoginInput,
  type PasswordChangeInput,
  type TokenCreateInput,
  type SetupInput
} from './account-schemas';
import { DomainError } from '../../shared/model/domain-error';
import type { RequestOrigin, Session, User, ApiToken, Workspace } from './types';
import type { Locale } from '../../shared/locale';
import { seedDemoWorkspace } from '../demo/demo-data';
import { createWorkspace } from '../workspaces/workspaces-service';

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
  const shared = runtime.rateLimits;
  const wait = Math.max(
    await takeToken(shared, 'login-ip', limiters.loginPerIp, ipKey(origin)),
    await takeToken(shared, 'login-account', limiters.loginPerAccount, key)
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
  await resetToken(runtime.rateLimits, 'login-account', limiters.loginPerAccount, key);
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
  const wait = await takeToken(runtime.rateLimits, 'password-account', limiter, user.id);
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
  await resetToken(runtime.rateLimits, 'password-account', limiter, user.id);
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

/** A token as listed to its owner, with the workspace's name. */
export interface ListedToken extends ApiToken {
  workspaceName: string | null;
}

/** Creates a token for `user` in a workspace they belong to; the token string is returned once. */
export async function createApiToken(
  runtime: Runtime,
  user: User,
  input: TokenCreateInput,
  origin: RequestOrigin,
  actorLabel: string | null = null
): Promise<{ token: string; apiToken: ApiToken }> {
  const { accounts } = runtime;
  // Not a member looks the same as no such workspace, so workspace ids do not leak.
  const membership = await accounts.getMembership(input.workspaceId, user.id);
  if (!membership) throw new DomainError('not_found', 'no such workspace');
  let expiresAt: number | null = null;
  if (input.expiresAt) {
    expiresAt = Date.parse(input.expiresAt);
    if (!(expiresAt > Date.now())) {
      throw new DomainError('invalid_input', 'expiresAt must be in the future');
    }
  }
  const created = await accounts.createToken({
    userId: user.id,
    workspaceId: input.workspaceId,
    name: input.name,
    expiresAt
  });
  await accounts.audit({
    workspaceId: input.workspaceId,
    actorId: user.id,
    actorLabel: actorLabel ?? user.email,
    action: 'token.created',
    target: `token:${created.apiToken.id}`,
    details: { name: created.apiToken.name, expiresAt },
    origin
  });
  return created;
}

/** The user's tokens, newest first, without secrets (they are not stored). */
export async function listApiTokens(runtime: Runtime, userId: string): Promise<ListedToken[]> {
  const [tokens, workspaces] = await Promise.all([
    runtime.accounts.listTokens(userId),
    runtime.accounts.listWorkspaces(userId)
  ]);
  const names = new Map(workspaces.map((w) => [w.id, w.name]));
  return tokens.map((token) => ({ ...token, workspaceName: names.get(token.workspaceId) ?? null }));
}

/**
 * Revokes one of the user's own tokens (anyone else's, or an already revoked one, is
 * `not_found`) and closes the websockets that authenticated with it.
 */
export async function revokeApiToken(
  runtime: Runtime,
  user: User,
  tokenId: string,
  origin: RequestOrigin
): Promise<void> {
  const { accounts } = runtime;
  const token = await accounts.getToken(tokenId);
  if (!token || token.userId !== user.id || token.revokedAt !== null) {
    throw new DomainError('not_found', 'no such token');
  }
  await accounts.revokeToken(tokenId);
  closeConnections(runtime, { tokenId });
  await accounts.audit({
    workspaceId: token.workspaceId,
    actorId: user.id,
    actorLabel: user.email,
    action: 'token.revoked',
    target: `token:${tokenId}`,
    details: { name: token.name },
    origin
  });
}

/** Whether the first-run setup has been done (some user exists). */
export async function isSetUp(runtime: Runtime): Promise<boolean> {
  return (await runtime.accounts.countUsers()) > 0;
}

/** Runs `fn` after every earlier call has finished (a process-wide lock). */
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const limiters = authLimiters();
  const run = limiters.setupQueue.then(fn, fn);
  limiters.setupQueue = run.catch(() => undefined);
  return run;
}

function setupDone(): DomainError {
  return new DomainError('setup_done', 'setup is already done');
}

/**
 * Creates the owner and the first workspace (filled with demo tasks when asked, in `locale`) and
 * signs the owner in. Refused with `setup_done` once any user exists. Concurrent calls run one
 * after another, so two racing requests can never both see "no users" and create two owners.
 */
export async function setUp(
  runtime: Runtime,
  input: SetupInput,
  origin: RequestOrigin,
  locale: Locale
): Promise<{ user: User; workspace: Workspace } & NewSession> {
  const wait = await takeToken(
    runtime.rateLimits,
    'setup-ip',
    authLimiters().setupPerIp,
    ipKey(origin)
  );
  if (wait > 0) throw rateLimited(wait);
  const { accounts } = runtime;
  // A cheap refusal first, so a finished install does not pay for a password hash per request.
  if (await isSetUp(runtime)) throw setupDone();
  const passwordHash = await hashPassword(input.password);
  const { user, workspace } = await serialized(async () => {
    if (await isSetUp(runtime)) throw setupDone();
    const owner = await accounts.createUser({
      email: input.email,
      name: input.name,
      passwordHash
    });
    const actor = { userId: owner.id, label: owner.email, origin };
    return { user: owner, workspace: await createWorkspace(runtime, actor, input.workspaceName) };
  });
  await accounts.audit({
    workspaceId: workspace.id,
    actorId: user.id,
    actorLabel: user.email,
    action: 'setup.completed',
    target: `workspace:${workspace.id}`,
    details: { demo: input.demo === true },
    origin
  });
  if (input.demo) await seedDemoWorkspace(runtime, workspace.id, user.id, locale);
  const session = await accounts.createSession(user.id, origin);
  await accounts.audit({
    workspaceId: null,
    actorId: user.id,
    actorLabel: user.email,
    action: 'auth.login',
    origin
  });
  return { user, workspace, ...session };
}
