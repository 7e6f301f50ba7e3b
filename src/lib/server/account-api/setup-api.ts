/**
 * First run over REST (`POST /api/v1/setup`): the owner account and the first workspace, only
 * while no user exists. Scripts use it to provision a fresh install; the setup page does the
 * same through its form action.
 */
import { z } from 'zod';
import { setupInputSchema } from '$lib/server/accounts/account-schemas';
import { setUp } from '$lib/server/accounts/setup-service';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import { setSessionCookie } from '$lib/server/auth/session-cookie';
import { rateLimitedResponse, sessionCookieHeader } from './responses';

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
