/**
 * REST operations on workspaces and their members (`/api/v1/workspaces…`). Permission checks
 * are `authorizeWorkspace` (membership, role actions) plus the rules of workspace-service.ts
 * (who may change whose role, the last owner); every change is audited.
 */
import { z } from 'zod';
import { ApiError } from '$lib/server/api/errors';
import { SMALL_LIST_LIMITS, pageReply, pageQuery, pageResponse } from '$lib/server/api/list-page';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import {
  changeMemberRole,
  createWorkspace,
  removeMember,
  renameWorkspace
} from '$lib/server/accounts/workspace-service';
import { getRuntime } from '$lib/server/runtime';
import { ID_PATTERN } from '$lib/shared/board/schema';
import {
  memberPatchSchema,
  memberSchema,
  workspaceCreateSchema,
  workspaceCreatedSchema,
  workspaceRenameSchema,
  workspaceSummarySchema
} from '$lib/shared/workspaces/schema';
import {
  badInputResponse as badInput,
  forbiddenResponse as forbidden,
  memberJson,
  workspaceParam,
  workspaceParams
} from './workspace-json';

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
