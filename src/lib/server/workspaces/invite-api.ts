/**
 * REST operations on invite links (`/api/v1/workspaces/{ws}/invites…`) and accepting one
 * (`/api/v1/invites/{token}/accept`). The link's token is the secret: it is returned once, only
 * its hash is stored, and it never appears in lists or the audit log.
 */
import { z } from 'zod';
import { SMALL_LIST_LIMITS, pageReply, pageQuery, pageResponse } from '$lib/server/api/list-page';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import { acceptInvite, createInvite, revokeInvite } from '$lib/server/accounts/workspace-service';
import { ID_PATTERN } from '$lib/shared/board/schema';
import {
  inviteAcceptedSchema,
  inviteCreateSchema,
  inviteCreatedSchema,
  inviteSchema
} from '$lib/shared/workspaces/schema';
import {
  badInputResponse as badInput,
  forbiddenResponse as forbidden,
  inviteJson,
  invitePath,
  workspaceParam,
  workspaceParams
} from './workspace-json';

const TAGS = ['invites'] as const;

const inviteParams = z.object({
  ws: workspaceParam,
  id: z.string().meta({ description: 'Invite id.', pattern: ID_PATTERN.source })
});
const tokenParams = z.object({
  token: z
    .string()
    .max(200)
    .meta({ description: 'The invite token: the last part of the invite link.' })
});

const notFound = {
  description: 'Not a member of this workspace, or no such invite (`not_found`).'
};

export const createInviteOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/invites',
    operationId: 'createInvite',
    summary: 'Create an invite link',
    description:
      'Admins and owners. The link grants `role` (never owner; only owners invite admins) until ' +
      'it expires or has been used `maxUses` times. The URL is shown once.',
    tags: TAGS,
    auth: { member: 'invites.manage' },
    params: workspaceParams,
    body: inviteCreateSchema,
    responses: {
      201: { description: 'The invite and its one-time link.', schema: inviteCreatedSchema },
      400: badInput,
      403: forbidden,
      404: notFound
    }
  },
  async ({ request, body }) => {
    const { access, runtime, actor } = request;
    const { token, invite } = await createInvite(runtime, actor, access.workspaceId, {
      role: body.role,
      expiresInHours: body.expiresInHours,
      maxUses: body.maxUses ?? null
    });
    return {
      status: 201,
      body: {
        id: invite.id,
        url: invitePath(token),
        expiresAt: new Date(invite.expiresAt).toISOString()
      }
    };
  }
);

export const listInvitesOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/invites',
    operationId: 'listInvites',
    summary: 'List invite links',
    description: 'Admins and owners. Newest first, with their state; never the secret.',
    tags: TAGS,
    auth: { member: 'invites.manage' },
    params: workspaceParams,
    query: z.object(pageQuery(SMALL_LIST_LIMITS)),
    responses: {
      200: pageResponse('The invites.', z.array(inviteSchema)),
      400: badInput,
      403: forbidden,
      404: notFound
    }
  },
  async ({ request, event, query }) => {
    const { access } = request;
    const invites = await request.runtime.accounts.listInvites(access.workspaceId);
    const now = Date.now();
    return pageReply(
      invites.map((invite) => inviteJson(invite, now)),
      query,
      event.url
    );
  }
);

export const revokeInviteOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/invites/{id}',
    operationId: 'revokeInvite',
    summary: 'Revoke an invite link',
    description: 'Admins and owners. The link stops working at once; members who joined stay.',
    tags: TAGS,
    auth: { member: 'invites.manage' },
    params: inviteParams,
    responses: {
      204: { description: 'Revoked.' },
      400: badInput,
      403: forbidden,
      404: { description: 'No such invite, or already revoked (`not_found`).' }
    }
  },
  async ({ request, params }) => {
    const { access, runtime, actor } = request;
    await revokeInvite(runtime, actor, access.workspaceId, params.id);
    return { status: 204, body: undefined };
  }
);

export const acceptInviteOperation = defineOperation(
  {
    method: 'POST',
    path: '/invites/{token}/accept',
    operationId: 'acceptInvite',
    auth: 'session',
    summary: 'Accept an invite',
    description:
      'Joins the workspace of the invite as the signed-in user, with the invite’s role. Needs a ' +
      'session: API tokens are scoped to a workspace they already belong to.',
    tags: TAGS,
    params: tokenParams,
    responses: {
      200: { description: 'The new membership.', schema: inviteAcceptedSchema },
      401: { description: 'Not signed in (`unauthorized`).' },
      403: { description: 'Called with an API token (`forbidden`).' },
      409: { description: 'Already a member of the workspace (`already_member`).' },
      410: { description: 'The link is unknown, expired, used up or revoked (`invite_invalid`).' }
    }
  },
  async ({ request, params }) => {
    const { caller } = request;
    const joined = await acceptInvite(request.runtime, caller.user, params.token, request.origin);
    return { status: 200, body: joined };
  }
);

/** The invite operations, for the registry. */
export const inviteOperations: readonly Operation[] = [
  createInviteOperation,
  listInvitesOperation,
  revokeInviteOperation,
  acceptInviteOperation
];
