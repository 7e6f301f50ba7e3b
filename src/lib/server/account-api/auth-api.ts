/**
 * Sign-in and the signed-in user's own account over REST (`/api/v1/auth/…`): login, logout,
 * who am I, name, password and sessions. Account management needs a browser session; an API
 * token can only ask who it is.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import {
  loginInputSchema,
  passwordChangeSchema,
  profilePatchSchema
} from '$lib/server/accounts/account-schemas';
import {
  changePassword,
  listOwnSessions,
  revokeOtherSessions,
  revokeOwnSession,
  signIn,
  signOut,
  updateProfile
} from '$lib/server/accounts/auth-service';
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
  unauthorizedResponse as unauthorized
} from './responses';

const TAGS = ['auth'] as const;
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
    tags: TAGS,
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
    tags: TAGS,
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
    tags: TAGS,
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
    tags: TAGS,
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
    tags: TAGS,
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
    tags: TAGS,
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
    tags: TAGS,
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
    tags: TAGS,
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
