/**
 * Pieces shared by the workspace REST modules: the path parameter, shared response specs and
 * the JSON forms of account records.
 */
import { z } from 'zod';
import type { Invite, Member } from '$lib/server/accounts/types';
import { inviteStatus } from '$lib/server/workspaces/workspaces-service';
import { ID_PATTERN } from '$lib/shared/board/schema';
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
