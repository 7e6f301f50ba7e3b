/**
 * The accounts domain over REST, the only SvelteKit-aware file of src/lib/server/accounts/:
 * - sign-in and the signed-in user's own account (`/api/v1/auth/…`): login, logout, who am I,
 *   name, password and sessions. Account management needs a browser session; an API token can
 *   only ask who it is;
 * - personal API tokens (`/api/v1/tokens…`). Creating and listing need a browser session: a
 *   token must not mint more tokens, or a leaked one could outlive its revocation. A token may
 *   revoke itself (scripts cleaning up), but no other token;
 * - first run (`POST /api/v1/setup`): the owner account and the first workspace, only while no
 *   user exists. Scripts use it to provision a fresh install; the setup page does the same
 *   through its form action.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import {
  loginInputSchema,
  passwordChangeSchema,
  profilePatchSchema,
  tokenCreateSchema,
  setupInputSchema
} from '$lib/server/accounts/account-schemas';
import {
  changePassword,
  listOwnSessions,
  revokeOtherSessions,
  revokeOwnSession,
  signIn,
  signOut,
  updateProfile,
  createApiToken,
  listApiTokens,
  revokeApiToken,
  setUp
} from '$lib/server/accounts/accounts-service';
import { SMALL_LIST_LIMITS, pageReply, pageQuery, pageResponse } from '$lib/server/api/list-page';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import { requestOrigin } from '$lib/server/api/request-origin';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/session-cookie';
import { getRuntime } from '$lib/server/runtime';
import {
  meSchema,
  rateLimitedResponse,
  sessionCookieHeader,
  sessionInfoSchema,
  toMe,
  toSessionInfo,
  unauthorizedResponse as unauthorized,
  tokenInfoSchema,
  toTokenInfo
} from './accounts-json';
import { ApiError } from '$lib/server/api/errors';

const AUTH_TAGS = ['auth'] as const;
const sessionOnly = {
  description: 'Called with an API token; this needs a signed-in session (`forbidden`).'
} as const;

/** The id of the request's own session, when it came with one. */
function currentSessionId(event: Pick<RequestEvent, 'locals'>): string | null {
  const caller = event.locals.caller;
  return caller?.kind === 'session' ? caller.session.id : null;
}

export const loginOperation = defineOperation(
  {
    method: 'POST',
    path: '/auth/login',
    operationId: 'login',
    auth: 'public',
    summary: 'Sign in',
    description:
      'Checks email and password and starts a new session (session cookie). Unknown email and ' +
      'wrong password get the same 401 `invalid_credentials`. Attempts are limited per ' +
      'address and per account (429 `rate_limited` with `Retry-After`).',
    tags: AUTH_TAGS,
    body: loginInputSchema,
    responses: {
      200: {
        description: 'Signed in.',
        schema: z.object({ userId: z.string() }).meta({ id: 'LoginResult' }),
        headers: sessionCookieHeader
      },
      400: { description: 'Invalid input (`invalid_input`).' },
      401: { description: 'Wrong email or password (`invalid_credentials`).' },
      429: rateLimitedResponse
    }
  },
  async ({ event, request, body }) => {
    const { runtime, origin } = request;
    const result = await signIn(runtime, body, origin, currentSessionId(event));
    setSessionCookie(event.cookies, result.token, result.session.expiresAt, event.url);
    return { status: 200, body: { userId: result.user.id } };
  }
);

export const logoutOperation = defineOperation(
  {
    method: 'POST',
    path: '/auth/logout',
    operationId: 'logout',
    auth: 'public',
    summary: 'Sign out',
    description:
      'Ends the session of the request, closes its websockets and clears the cookie. Without ' +
      'a session it only clears the cookie.',
    tags: AUTH_TAGS,
    responses: { 204: { description: 'Signed out.' } }
  },
  async ({ event }) => {
    const caller = event.locals.caller;
    if (caller?.kind === 'session') {
      await signOut(await getRuntime(), caller.user, caller.session.id, requestOrigin(event));
      event.locals.caller = null;
    }
    clearSessionCookie(event.cookies, event.url);
    return { status: 204, body: undefined };
  }
);

export const getMeOperation = defineOperation(
  {
    method: 'GET',
    path: '/auth/me',
    operationId: 'getMe',
    summary: 'Who am I',
    description: 'The calling user, by session cookie or API token.',
    tags: AUTH_TAGS,
    responses: { 200: { description: 'The calling user.', schema: meSchema }, 401: unauthorized }
  },
  async ({ request }) => {
    const { caller } = request;
    return { status: 200, body: toMe(caller.user, caller) };
  }
);

export const updateMeOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/auth/me',
    operationId: 'updateMe',
    auth: 'session',
    summary: 'Change my name',
    tags: AUTH_TAGS,
    body: profilePatchSchema,
    responses: {
      200: { description: 'The user after the change.', schema: meSchema },
      400: { description: 'Invalid input (`invalid_input`).' },
      401: unauthorized,
      403: sessionOnly
    }
  },
  async ({ request, body }) => {
    const { caller, runtime, origin } = request;
    const user = await updateProfile(runtime, caller.user, body, origin);
    return { status: 200, body: toMe(user, caller) };
  }
);

export const changePasswordOperation = defineOperation(
  {
    method: 'POST',
    path: '/auth/password',
    operationId: 'changePassword',
    auth: 'session',
    summary: 'Change my password',
    description:
      'Needs the current password. Ends every other session of the user and closes their ' +
      'websockets; the current session stays signed in.',
    tags: AUTH_TAGS,
    body: passwordChangeSchema,
    responses: {
      200: {
        description: 'Changed.',
        schema: z
          .object({ endedSessions: z.int().min(0).describe('Other sessions that were ended.') })
          .meta({ id: 'PasswordChanged' })
      },
      400: { description: 'Invalid input, e.g. a too short new password (`invalid_input`).' },
      401: unauthorized,
      403: { description: 'Wrong current password (`wrong_password`), or an API token.' },
      429: rateLimitedResponse
    }
  },
  async ({ request, body }) => {
    const { caller, runtime, origin } = request;
    const result = await changePassword(runtime, caller.user, caller.session.id, body, origin);
    return { status: 200, body: result };
  }
);

export const listSessionsOperation = defineOperation(
  {
    method: 'GET',
    path: '/auth/sessions',
    operationId: 'listSessions',
    auth: 'session',
    summary: 'List my sessions',
    description: 'The signed-in devices of the user, most recently used first.',
    tags: AUTH_TAGS,
    query: z.object(pageQuery(SMALL_LIST_LIMITS)),
    responses: {
      200: pageResponse('The sessions.', z.array(sessionInfoSchema)),
      401: unauthorized,
      403: sessionOnly
    }
  },
  async ({ request, event, query }) => {
    const { caller } = request;
    const sessions = await listOwnSessions(request.runtime, caller.user.id, caller.session.id);
    return pageReply(sessions.map(toSessionInfo), query, event.url);
  }
);

export const revokeSessionOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/auth/sessions/{id}',
    operationId: 'revokeSession',
    auth: 'session',
    summary: 'End one of my sessions',
    description:
      'Signs that device out and closes its websockets. Ending the current session also ' +
      'clears the cookie.',
    tags: AUTH_TAGS,
    params: z.object({ id: z.string().max(64).describe('Session id.') }),
    responses: {
      204: { description: 'Ended.' },
      401: unauthorized,
      403: sessionOnly,
      404: { description: 'No such session of yours (`not_found`).' }
    }
  },
  async ({ request, event, params }) => {
    const { caller, runtime, origin } = request;
    await revokeOwnSession(runtime, caller.user, params.id, origin);
    if (params.id === caller.session.id) clearSessionCookie(event.cookies, event.url);
    return { status: 204, body: undefined };
  }
);

export const revokeOtherSessionsOperation = defineOperation(
  {
    method: 'POST',
    path: '/auth/sessions/revoke-others',
    operationId: 'revokeOtherSessions',
    auth: 'session',
    summary: 'Sign out my other devices',
    description: 'Ends every session of the user except the current one.',
    tags: AUTH_TAGS,
    responses: {
      200: {
        description: 'Ended.',
        schema: z
          .object({ revoked: z.int().min(0).describe('Sessions that were ended.') })
          .meta({ id: 'SessionsRevoked' })
      },
      401: unauthorized,
      403: sessionOnly
    }
  },
  async ({ request }) => {
    const { caller, runtime, origin } = request;
    const revoked = await revokeOtherSessions(runtime, caller.user, caller.session.id, origin);
    return { status: 200, body: { revoked } };
  }
);

/** The auth operations, for the registry. */
export const authOperations: readonly Operation[] = [
  loginOperation,
  logoutOperation,
  getMeOperation,
  updateMeOperation,
  changePasswordOperation,
  listSessionsOperation,
  revokeSessionOperation,
  revokeOtherSessionsOperation
];

const TOKEN_TAGS = ['tokens'] as const;

export const createTokenOperation = defineOperation(
  {
    method: 'POST',
    path: '/tokens',
    operationId: 'createToken',
    auth: 'session',
    summary: 'Create an API token',
    description:
      'A token acts as the calling user, in one workspace the user belongs to, with the ' +
      "user's role there. Send it as `Authorization: Bearer …` (or `?token=…` on the " +
      'websocket). The token is in this response only; it cannot be shown again.',
    tags: TOKEN_TAGS,
    body: tokenCreateSchema,
    responses: {
      201: {
        description: 'Created.',
        schema: z
          .object({
            id: z.string().describe('Token id, for listing and revoking.'),
            token: z.string().describe('The secret token; shown this once.')
          })
          .meta({ id: 'TokenCreated' })
      },
      400: { description: 'Invalid input, e.g. `expiresAt` in the past (`invalid_input`).' },
      401: unauthorized,
      403: { description: 'Called with an API token (`forbidden`).' },
      404: { description: 'Not a member of that workspace (`not_found`).' }
    }
  },
  async ({ request, body }) => {
    const { caller, runtime, origin } = request;
    const { token, apiToken } = await createApiToken(runtime, caller.user, body, origin);
    return { status: 201, body: { id: apiToken.id, token } };
  }
);

export const listTokensOperation = defineOperation(
  {
    method: 'GET',
    path: '/tokens',
    operationId: 'listTokens',
    auth: 'session',
    summary: 'List my API tokens',
    description: 'Newest first, revoked ones included; never the secrets.',
    tags: TOKEN_TAGS,
    query: z.object(pageQuery(SMALL_LIST_LIMITS)),
    responses: {
      200: pageResponse('The tokens.', z.array(tokenInfoSchema)),
      401: unauthorized,
      403: { description: 'Called with an API token (`forbidden`).' }
    }
  },
  async ({ request, event, query }) => {
    const { caller } = request;
    const tokens = await listApiTokens(request.runtime, caller.user.id);
    return pageReply(tokens.map(toTokenInfo), query, event.url);
  }
);

export const revokeTokenOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/tokens/{id}',
    operationId: 'revokeToken',
    summary: 'Revoke an API token',
    description: 'The token stops working at once; websockets opened with it are closed.',
    tags: TOKEN_TAGS,
    params: z.object({ id: z.string().max(64).describe('Token id.') }),
    responses: {
      204: { description: 'Revoked.' },
      401: unauthorized,
      404: { description: 'No such token of yours, or already revoked (`not_found`).' }
    }
  },
  async ({ request, params }) => {
    const { caller } = request;
    if (caller.kind === 'token' && caller.apiToken.id !== params.id) {
      throw new ApiError(404, 'not_found', 'no such token');
    }
    await revokeApiToken(request.runtime, caller.user, params.id, request.origin);
    return { status: 204, body: undefined };
  }
);

/** The token operations, for the registry. */
export const tokenOperations: readonly Operation[] = [
  createTokenOperation,
  listTokensOperation,
  revokeTokenOperation
];

export const setupOperation = defineOperation(
  {
    method: 'POST',
    path: '/setup',
    operationId: 'setup',
    auth: 'public',
    summary: 'Set up a fresh install',
    description:
      'Creates the owner account and the first workspace, and signs the caller in (session ' +
      'cookie). Only works while no user exists; afterwards it answers 409 `setup_done`. ' +
      'With `demo: true` the first board is filled with demo tasks and the runbook library with ' +
      'demo runbooks linked from them, in the language of the request (`locale` cookie, else ' +
      '`Accept-Language`).',
    tags: ['setup'],
    body: setupInputSchema,
    responses: {
      201: {
        description: 'Set up; the caller is signed in as the owner.',
        schema: z
          .object({
            userId: z.string().describe('Id of the owner.'),
            workspaceId: z.string().describe('Id of the first workspace.')
          })
          .meta({ id: 'SetupResult' }),
        headers: sessionCookieHeader
      },
      400: { description: 'Invalid input (`invalid_input`).' },
      409: { description: 'A user exists already (`setup_done`).' },
      429: rateLimitedResponse
    }
  },
  async ({ event, request, body }) => {
    const { runtime, origin } = request;
    const result = await setUp(runtime, body, origin, event.locals.locale);
    setSessionCookie(event.cookies, result.token, result.session.expiresAt, event.url);
    return { status: 201, body: { userId: result.user.id, workspaceId: result.workspace.id } };
  }
);

/** The setup operation, for the registry. */
export const setupOperations: readonly Operation[] = [setupOperation];
