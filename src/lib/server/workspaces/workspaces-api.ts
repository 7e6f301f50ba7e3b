/**
 * The workspaces domain over REST, the only SvelteKit-aware file of src/lib/server/workspaces/:
 * - workspaces and their members (`/api/v1/workspaces…`): permission checks are the operations'
 *   declared `auth` (membership, role actions) plus the rules of workspaces-service.ts (who may
 *   change whose role, the last owner); every change is audited;
 * - invite links (`/api/v1/workspaces/{ws}/invites…`) and accepting one
 *   (`/api/v1/invites/{token}/accept`). The link's token is the secret: it is returned once,
 *   only its hash is stored, and it never appears in lists or the audit log;
 * - the audit log (`/api/v1/workspaces/{ws}/audit`), for admins: newest first, filtered by
 *   action, actor and time, paged backwards with `before`.
 */
import { z } from 'zod';
import { ApiError } from '$lib/server/api/errors';
import {
  SMALL_LIST_LIMITS,
  pageReply,
  pageQuery,
  pageResponse,
  nextLinkHeader,
  pageHeaders
} from '$lib/server/api/list-page';
import { defineOperation, type Operation, queryInteger } from '$lib/server/api/operation';
import {
  changeMemberRole,
  createWorkspace,
  removeMember,
  renameWorkspace,
  acceptInvite,
  createInvite,
  revokeInvite
} from '$lib/server/workspaces/workspaces-service';
import { getRuntime } from '$lib/server/runtime';
import { ID_PATTERN, idSchema } from '$lib/shared/board/schema';
import {
  memberPatchSchema,
  memberSchema,
  workspaceCreateSchema,
  workspaceCreatedSchema,
  workspaceRenameSchema,
  workspaceSummarySchema,
  inviteAcceptedSchema,
  inviteCreateSchema,
  inviteCreatedSchema,
  inviteSchema,
  AUDIT_DEFAULT_LIMIT,
  AUDIT_MAX_LIMIT,
  auditActionSchema,
  auditEntrySchema,
  queryTimeSchema,
  type AuditEntryInfo
} from '$lib/shared/workspaces/schema';
import {
  badInputResponse as badInput,
  forbiddenResponse as forbidden,
  memberJson,
  workspaceParam,
  workspaceParams,
  inviteJson,
  invitePath
} from './workspaces-json';
import type { AuditEntry } from '$lib/server/accounts/types';

const WORKSPACE_TAGS = ['workspaces'] as const;
const MEMBER_TAGS = ['members'] as const;

const memberParams = z.object({
  ws: workspaceParam,
  // Any string: an id that cannot exist is simply not a member (404).
  userId: z.string().meta({ description: 'User id of the member.', pattern: ID_PATTERN.source })
});

const smallListQuery = z.object(pageQuery(SMALL_LIST_LIMITS));

const notFound = {
  description: 'Not a member of this workspace, or no such member (`not_found`).'
};

export const listWorkspacesOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces',
    operationId: 'listWorkspaces',
    summary: 'List your workspaces',
    description:
      "The caller's workspaces with their role, by name. An API token sees only the workspace " +
      'it is scoped to.',
    tags: WORKSPACE_TAGS,
    query: smallListQuery,
    responses: {
      200: pageResponse('The workspaces.', z.array(workspaceSummarySchema)),
      401: { description: 'Not signed in (`unauthorized`).' }
    }
  },
  async ({ request, event, query }) => {
    const { caller, runtime } = request;
    const all = await runtime.accounts.listWorkspaces(caller.user.id);
    // A token is scoped to one workspace; naming the others would leak beyond that scope.
    const visible =
      caller.kind === 'token' ? all.filter((w) => w.id === caller.apiToken.workspaceId) : all;
    return pageReply(
      visible.map(({ id, name, role }) => ({ id, name, role })),
      query,
      event.url
    );
  }
);

export const createWorkspaceOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces',
    operationId: 'createWorkspace',
    auth: 'session',
    summary: 'Create a workspace',
    description:
      'Creates a workspace with the caller as owner. The id is derived from the name. Needs a ' +
      'signed-in session: API tokens act only inside the workspace they are scoped to.',
    tags: WORKSPACE_TAGS,
    body: workspaceCreateSchema,
    responses: {
      201: {
        description: 'The new workspace.',
        schema: workspaceCreatedSchema,
        headers: { Location: { description: 'URL of the new workspace.', schema: z.string() } }
      },
      400: badInput,
      401: { description: 'Not signed in (`unauthorized`).' },
      403: { description: 'Called with an API token (`forbidden`).' }
    }
  },
  async ({ request, body }) => {
    const { runtime } = request;
    const workspace = await createWorkspace(runtime, request.actor, body.name);
    return {
      status: 201,
      body: { id: workspace.id },
      headers: { location: `/api/v1/workspaces/${workspace.id}` }
    };
  }
);

export const getWorkspaceOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}',
    operationId: 'getWorkspace',
    summary: 'Get a workspace',
    tags: WORKSPACE_TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    responses: {
      200: { description: 'The workspace and your role.', schema: workspaceSummarySchema },
      400: badInput,
      404: notFound
    }
  },
  async ({ request }) => {
    const { access } = request;
    const workspace = await (await getRuntime()).accounts.getWorkspace(access.workspaceId);
    if (!workspace) throw new ApiError(404, 'not_found', 'no such workspace');
    return { status: 200, body: { id: workspace.id, name: workspace.name, role: access.role } };
  }
);

export const renameWorkspaceOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}',
    operationId: 'renameWorkspace',
    summary: 'Rename a workspace',
    description: 'Admins and owners only. The id (and every URL) stays the same.',
    tags: WORKSPACE_TAGS,
    auth: { member: 'workspace.rename' },
    params: workspaceParams,
    body: workspaceRenameSchema,
    responses: {
      200: { description: 'The renamed workspace.', schema: workspaceSummarySchema },
      400: badInput,
      403: forbidden,
      404: notFound
    }
  },
  async ({ request, body }) => {
    const { access, runtime, actor } = request;
    const workspace = await renameWorkspace(runtime, actor, access.workspaceId, body.name);
    return { status: 200, body: { id: workspace.id, name: workspace.name, role: access.role } };
  }
);

export const listMembersOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/members',
    operationId: 'listMembers',
    summary: 'List members',
    description: 'Every member with their role, by name. Any member may read it.',
    tags: MEMBER_TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: smallListQuery,
    responses: {
      200: pageResponse('The members.', z.array(memberSchema)),
      400: badInput,
      404: notFound
    }
  },
  async ({ request, event, query }) => {
    const { access } = request;
    const members = await (await getRuntime()).accounts.listMembers(access.workspaceId);
    return pageReply(members.map(memberJson), query, event.url);
  }
);

export const changeMemberRoleOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/members/{userId}',
    operationId: 'changeMemberRole',
    summary: "Change a member's role",
    description:
      'Admins manage operators, members and viewers; only owners grant or take away admin and ' +
      'owner. The last owner cannot be demoted. The member’s open connections are closed at ' +
      'once (AccessChanged) and reconnect with the new role.',
    tags: MEMBER_TAGS,
    auth: { member: 'members.manage' },
    params: memberParams,
    body: memberPatchSchema,
    responses: {
      200: { description: 'The member with the new role.', schema: memberSchema },
      400: badInput,
      403: forbidden,
      404: notFound,
      409: { description: 'This is the last owner (`last_owner`).' }
    }
  },
  async ({ request, params, body }) => {
    const { access, runtime, actor } = request;
    const member = await changeMemberRole(
      runtime,
      actor,
      access.workspaceId,
      params.userId,
      body.role
    );
    return { status: 200, body: memberJson(member) };
  }
);

export const removeMemberOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/members/{userId}',
    operationId: 'removeMember',
    summary: 'Remove a member, or leave',
    description:
      'Removes a member (same rules as role changes), or the caller themselves (leaving). The ' +
      'last owner can neither be removed nor leave. Their open connections are closed at once.',
    tags: MEMBER_TAGS,
    auth: { member: 'read' },
    params: memberParams,
    responses: {
      204: { description: 'Removed.' },
      400: badInput,
      403: forbidden,
      404: notFound,
      409: { description: 'This is the last owner (`last_owner`).' }
    }
  },
  async ({ request, params }) => {
    // Any member may leave; removing someone else is checked by the service.
    const { access, runtime, actor } = request;
    await removeMember(runtime, actor, access.workspaceId, params.userId);
    return { status: 204, body: undefined };
  }
);

/** The workspace and member operations, for the registry. */
export const workspaceOperations: readonly Operation[] = [
  listWorkspacesOperation,
  createWorkspaceOperation,
  getWorkspaceOperation,
  renameWorkspaceOperation,
  listMembersOperation,
  changeMemberRoleOperation,
  removeMemberOperation
];

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

const inviteNotFound = {
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
      404: inviteNotFound
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
      404: inviteNotFound
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

const auditQuery = z
  .object({
    action: auditActionSchema
      .optional()
      .describe(
        'An action (`member.removed`, `token.created`) or a group of them (`setup`, ' +
          '`workspace`, `member`, `invite`, `token`).'
      ),
    actor: idSchema.optional().describe('User id of the actor.'),
    since: queryTimeSchema
      .optional()
      .describe('Entries at or after this time (ISO date-time, or a date meaning 00:00 UTC).'),
    until: queryTimeSchema
      .optional()
      .describe('Entries before this time (ISO date-time, or a date meaning 00:00 UTC).'),
    before: queryInteger(1, Number.MAX_SAFE_INTEGER)
      .optional()
      .describe('Entries older than this `seq`: pass the last `seq` of a page for the next one.'),
    limit: queryInteger(1, AUDIT_MAX_LIMIT)
      .default(AUDIT_DEFAULT_LIMIT)
      .describe(`Most entries to return (default ${AUDIT_DEFAULT_LIMIT}).`)
  })
  .strict();

/** An audit entry as the API returns it. */
export function auditJson(entry: AuditEntry): AuditEntryInfo {
  return {
    seq: entry.seq,
    action: entry.action,
    actorId: entry.actorId,
    actorLabel: entry.actorLabel,
    target: entry.target,
    details: entry.details,
    ip: entry.ip,
    userAgent: entry.userAgent,
    createdAt: new Date(entry.createdAt).toISOString()
  };
}

export const listAuditOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/audit',
    operationId: 'listAudit',
    summary: 'Read the audit log',
    description:
      'Admins and owners. Who set the workspace up, changed its name, members, roles and ' +
      'invites, and made or revoked API tokens for it (and more as features add actions), ' +
      'newest first. All given filters must match. The log grows at the top, so it is paged ' +
      'with the `before` cursor rather than `offset`: the `Link` header (`rel="next"`) names ' +
      'the next page while entries remain; no `X-Total-Count`.',
    tags: ['audit'],
    auth: { member: 'audit.read' },
    params: workspaceParams,
    query: auditQuery,
    responses: {
      200: {
        description: 'A page of entries.',
        schema: z.array(auditEntrySchema),
        headers: { Link: nextLinkHeader }
      },
      400: { description: 'Invalid workspace id or query (`invalid_workspace`, `invalid_input`).' },
      403: { description: 'Your role may not read the audit log (`forbidden`).' },
      404: { description: 'Not a member of this workspace (`not_found`).' }
    }
  },
  async ({ request, event, query }) => {
    const { access } = request;
    const entries = await (
      await getRuntime()
    ).accounts.listAudit(access.workspaceId, {
      action: query.action,
      actorId: query.actor,
      since: query.since,
      until: query.until,
      before: query.before,
      // One more than asked tells whether a next page exists.
      limit: query.limit + 1
    });
    const page = entries.slice(0, query.limit);
    const last = page.at(-1);
    const next = entries.length > query.limit && last ? { before: String(last.seq) } : null;
    return { status: 200, body: page.map(auditJson), headers: pageHeaders(event.url, { next }) };
  }
);

/** The audit operations, for the registry. */
export const auditOperations: readonly Operation[] = [listAuditOperation];
