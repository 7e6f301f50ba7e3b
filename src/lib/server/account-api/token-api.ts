/**
 * Personal API tokens over REST (`/api/v1/tokens…`). Creating and listing need a browser
 * session: a token must not mint more tokens, or a leaked one could outlive its revocation.
 * A token may revoke itself (scripts cleaning up), but no other token.
 */
import { z } from 'zod';
import { tokenCreateSchema } from '$lib/server/accounts/account-schemas';
import { createApiToken, listApiTokens, revokeApiToken } from '$lib/server/accounts/token-service';
import { SMALL_LIST_LIMITS, pageReply, pageQuery, pageResponse } from '$lib/server/api/list-page';
import { ApiError } from '$lib/server/api/errors';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import { tokenInfoSchema, toTokenInfo, unauthorizedResponse as unauthorized } from './responses';

const TAGS = ['tokens'] as const;

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
    tags: TAGS,
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
    tags: TAGS,
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
    tags: TAGS,
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
