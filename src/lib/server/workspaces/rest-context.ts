/**
 * Pieces shared by the workspace REST modules: the path parameter, shared response specs, the
 * actor of a change as the audit log records it, and the JSON forms of account records.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import type { Invite, Member } from '$lib/server/accounts/types';
import { inviteStatus, type Actor } from '$lib/server/accounts/workspace-service';
import { authorizeWorkspace, type WorkspaceAccess } from '$lib/server/api/authorize';
import { requestOrigin } from '$lib/server/api/request-origin';
import type { Caller } from '$lib/server/auth/authenticate';
import { getRuntime, type Runtime } from '$lib/server/runtime';
import { ID_PATTERN } from '$lib/shared/board/schema';
import type { WorkspaceAction } from '$lib/shared/permissions';
import type { InviteInfo, MemberInfo } from '$lib/shared/workspaces/schema';

// The workspace id is checked by `authorizeWorkspace` (400 `invalid_workspace`), not by the
// schema, so the pattern is only documented here.
export const workspaceParam = z
  .string()
  .meta({ description: 'Workspace id.', pattern: ID_PATTERN.source, examples: ['acme'] });

export const workspaceParams = z.object({ ws: workspaceParam });

/** 403 of the workspace operations that need more than membership. */
export const forbiddenResponse = { description: 'Your role may not do this (`forbidden`).' };

/** 400 of the workspace operations that take a body. */
export const badInputResponse = {
  description: 'Invalid workspace id or body (`invalid_workspace`, `invalid_input`).'
};

/** The caller as the actor of a change: email, plus the token name for API tokens. */
export function actorOf(
  event: Pick<RequestEvent, 'getClientAddress' | 'request'>,
  caller: Caller
): Actor {
  const label =
    caller.kind === 'token'
      ? `${caller.user.email} (token: ${caller.apiToken.name})`
      : caller.user.email;
  return { userId: caller.user.id, label, origin: requestOrigin(event) };
}

/**
 * What a handler that changes workspace `ws` needs: the checked access (`need`, as for
 * `authorizeWorkspace`), the runtime and the audited actor.
 */
export async function authorizeChange(
  event: Pick<RequestEvent, 'getClientAddress' | 'request' | 'locals'>,
  ws: string,
  need: 'read' | WorkspaceAction
): Promise<{ access: WorkspaceAccess; runtime: Runtime; actor: Actor }> {
  const access = await authorizeWorkspace(event, ws, need);
  return { access, runtime: await getRuntime(), actor: actorOf(event, access.caller) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A member as the API returns it. */
export function memberJson(member: Member): MemberInfo {
  return {
    userId: member.userId,
    name: member.name,
    email: member.email,
    role: member.role,
    active: member.active,
    joinedAt: iso(member.createdAt)
  };
}

/** An invite as the API returns it: never the secret. */
export function inviteJson(invite: Invite, now: number = Date.now()): InviteInfo {
  return {
    id: invite.id,
    role: invite.role,
    status: inviteStatus(invite, now),
    createdBy: invite.createdBy,
    createdAt: iso(invite.createdAt),
    expiresAt: iso(invite.expiresAt),
    maxUses: invite.maxUses,
    uses: invite.uses,
    revokedAt: invite.revokedAt === null ? null : iso(invite.revokedAt)
  };
}

/** Path of the invite page for a token; the token is the secret. */
export function invitePath(token: string): string {
  return `/invite/${encodeURIComponent(token)}`;
}
