/**
 * The request context an operation's declared `auth` produces, so no handler builds its own:
 * who is calling, what they may do in the workspace of the path, the runtime, and the actor a
 * change is recorded under. The same declaration gives the operation's OpenAPI `security`
 * (openapi.ts), so what the document says and what the server checks cannot drift.
 *
 * Kinds, checked before the input is read (an anonymous caller learns nothing of the input
 * rules; a non-member nothing of the workspace):
 * - `public`: anyone;
 * - `caller`: a signed-in session or an API token (401 without);
 * - `session`: a browser session only (403 for API tokens: account management);
 * - `{ member: need }`: a member of the workspace in the `{ws}` path parameter with the right
 *   `need` (`read`, `write` or a named action): 400 for a malformed id, 404 for a non-member
 *   (ids do not leak), 403 for a member whose role lacks the right.
 * - `integration`: an alert source's integration secret as a bearer token, checked by the handler
 *   against the integration of the path (alert hooks); no account;
 * - `feed`: a feed token in the `token` query parameter, checked by the handler (calendar feeds,
 *   which calendar apps fetch without signing in); no account.
 * - `runner`: a remote runner's token as a bearer token (`rbr_…`, the remote runner protocol,
 *   runner-api.ts), checked here: 401 without a valid one; no account. The runner is marked
 *   seen.
 */
import type { RequestEvent } from '@sveltejs/kit';
import type { Actor } from '$lib/server/workspaces/workspaces-service';
import type { RequestOrigin } from '$lib/server/accounts/types';
import { bearerToken, type Caller } from '$lib/server/auth/authenticate';
import type { RunnerRecord } from '$lib/server/automation/automation-store';
import { getRuntime, type Runtime } from '$lib/server/runtime';
import type { WorkspaceAction } from '$lib/shared/permissions';
import {
  authorizeWorkspace,
  requireCaller,
  requireSession,
  type WorkspaceAccess,
  type WorkspaceAccessMode
} from './authorize';
import { ApiError } from './errors';
import { requestOrigin } from './request-origin';

/** Who may call an operation (see the file comment). */
export type OperationAuth =
  | 'public'
  | 'caller'
  | 'session'
  | 'integration'
  | 'feed'
  | 'runner'
  | { readonly member: WorkspaceAccessMode | WorkspaceAction };

/** Kinds whose credential is not an account's. */
function ownCredential(kind: OperationAuth): boolean {
  return kind === 'public' || kind === 'integration' || kind === 'feed' || kind === 'runner';
}

export interface PublicContext {
  runtime: Runtime;
  /** Where the request came from (IP, user agent), for sessions, rate limits and the audit log. */
  origin: RequestOrigin;
}

export interface RunnerContext extends PublicContext {
  /** The remote runner whose token the request carries. */
  runner: RunnerRecord;
}

export interface CallerContext extends PublicContext {
  caller: Caller;
  /** The caller as the audit log records them: email, plus the token name for tokens. */
  actor: Actor;
}

export interface SessionContext extends CallerContext {
  caller: Extract<Caller, { kind: 'session' }>;
}

export interface MemberContext extends CallerContext {
  /** The checked workspace id of the path. */
  workspaceId: string;
  access: WorkspaceAccess;
}

/** The context of an operation declared with `auth` (default `caller`). */
export type RequestContextOf<A> = A extends 'public' | 'integration' | 'feed'
  ? PublicContext
  : A extends 'runner'
    ? RunnerContext
    : A extends 'session'
      ? SessionContext
      : A extends { member: unknown }
        ? MemberContext
        : CallerContext;

type ContextEvent = Pick<RequestEvent, 'locals' | 'getClientAddress' | 'request' | 'params'>;

/** The caller as the actor of a change. */
export function actorOf(caller: Caller, origin: RequestOrigin): Actor {
  const label =
    caller.kind === 'token'
      ? `${caller.user.email} (token: ${caller.apiToken.name})`
      : caller.user.email;
  return { userId: caller.user.id, label, origin };
}

/**
 * Checks the caller's credentials for `auth`; throws 401/403 before anything else is read.
 * Workspace membership is checked by `requestContext`, once the path is known to be well formed.
 */
export function requireAuth(auth: OperationAuth | undefined, event: ContextEvent): void {
  const kind = auth ?? 'caller';
  if (ownCredential(kind)) return;
  if (kind === 'session') requireSession(event);
  else requireCaller(event);
}

/** Builds the request context of `auth` (after `requireAuth`). */
export async function requestContext(
  auth: OperationAuth | undefined,
  event: ContextEvent
): Promise<PublicContext | RunnerContext | CallerContext | MemberContext> {
  const kind = auth ?? 'caller';
  const origin = requestOrigin(event);
  if (kind === 'runner') {
    const runtime = await getRuntime();
    const token = bearerToken(event.request.headers.get('authorization'));
    const runner = token ? await runtime.automation.authenticateRunner(token) : null;
    if (!runner) {
      throw new ApiError(401, 'unauthorized', 'send a runner token as Authorization: Bearer rbr_…');
    }
    return { runtime, origin, runner };
  }
  if (ownCredential(kind)) return { runtime: await getRuntime(), origin };
  if (typeof kind === 'object') {
    const access = await authorizeWorkspace(event, event.params.ws ?? '', kind.member);
    return {
      runtime: await getRuntime(),
      origin,
      caller: access.caller,
      actor: actorOf(access.caller, origin),
      workspaceId: access.workspaceId,
      access
    };
  }
  const caller = kind === 'session' ? requireSession(event) : requireCaller(event);
  return { runtime: await getRuntime(), origin, caller, actor: actorOf(caller, origin) };
}
