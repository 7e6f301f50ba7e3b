/**
 * Schemas of workspaces, members, invites and the audit log as the REST API reads and writes
 * them. The server validates requests with them and the settings page validates responses with
 * them, so both sides share one definition; the `.meta({ id })` names become OpenAPI components.
 */
import { z } from 'zod';
import { idSchema, isoDateTimeSchema } from '../board/schema';
import { ROLES } from '../permissions';

/** Longest workspace name, in characters. */
export const MAX_WORKSPACE_NAME_LENGTH = 100;
/** Invite lifetime bounds and default, in hours (1 hour to 30 days, default 7 days). */
export const INVITE_MIN_HOURS = 1;
export const INVITE_MAX_HOURS = 720;
export const INVITE_DEFAULT_HOURS = 168;
/** Most uses one invite link may allow. */
export const INVITE_MAX_USES = 1000;
/** Default and largest page size of the audit log. */
export const AUDIT_DEFAULT_LIMIT = 50;
export const AUDIT_MAX_LIMIT = 200;

export const roleSchema = z.enum(ROLES).meta({
  id: 'Role',
  description: 'Role in a workspace, from most to least powerful.'
});

/** Roles an invite may grant: every role below owner. */
export const INVITE_ROLES = ['admin', 'operator', 'member', 'viewer'] as const;
export const inviteRoleSchema = z.enum(INVITE_ROLES).meta({
  id: 'InviteRole',
  description: 'Role an invite grants; never owner. Only owners may invite admins.'
});
export type InviteRole = z.infer<typeof inviteRoleSchema>;

export const workspaceNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_WORKSPACE_NAME_LENGTH)
  .describe(`Display name, 1–${MAX_WORKSPACE_NAME_LENGTH} characters after trimming.`);

export const workspaceSummarySchema = z
  .object({
    id: idSchema.describe('Workspace id, as used in URLs and document names.'),
    name: z.string().describe('Display name.'),
    role: roleSchema.describe("The caller's role in the workspace.")
  })
  .meta({ id: 'WorkspaceSummary', description: 'A workspace the caller belongs to.' });
export type WorkspaceSummary = z.infer<typeof workspaceSummarySchema>;

export const workspaceCreateSchema = z
  .object({ name: workspaceNameSchema })
  .strict()
  .meta({ id: 'WorkspaceCreate', description: 'A new workspace; the caller becomes its owner.' });

export const workspaceCreatedSchema = z
  .object({ id: idSchema.describe('Id of the new workspace (derived from the name).') })
  .meta({ id: 'WorkspaceCreated', description: 'The created workspace.' });

export const workspaceRenameSchema = z
  .object({ name: workspaceNameSchema })
  .strict()
  .meta({ id: 'WorkspaceRename', description: 'A new name for the workspace.' });

export const memberSchema = z
  .object({
    userId: idSchema.describe('User id of the member.'),
    name: z.string().describe('Display name.'),
    email: z.string().describe('Email address.'),
    role: roleSchema,
    active: z.boolean().describe('False for placeholder accounts that cannot sign in.'),
    joinedAt: isoDateTimeSchema.describe('When the membership began.')
  })
  .meta({ id: 'Member', description: 'A member of a workspace.' });
export type MemberInfo = z.infer<typeof memberSchema>;

export const memberPatchSchema = z
  .object({ role: roleSchema.describe('The new role.') })
  .strict()
  .meta({ id: 'MemberPatch', description: "A change of a member's role." });

export const inviteCreateSchema = z
  .object({
    role: inviteRoleSchema,
    expiresInHours: z
      .int()
      .min(INVITE_MIN_HOURS)
      .max(INVITE_MAX_HOURS)
      .default(INVITE_DEFAULT_HOURS)
      .describe(
        `Hours until the link expires, ${INVITE_MIN_HOURS}–${INVITE_MAX_HOURS} ` +
          `(default ${INVITE_DEFAULT_HOURS}, one week).`
      ),
    maxUses: z
      .int()
      .min(1)
      .max(INVITE_MAX_USES)
      .nullable()
      .optional()
      .describe('How many people may join with the link; absent or null for no limit.')
  })
  .strict()
  .meta({ id: 'InviteCreate', description: 'A new invite link.' });
export type InviteCreateInput = z.input<typeof inviteCreateSchema>;

export const inviteCreatedSchema = z
  .object({
    id: idSchema.describe('Invite id (for listing and revoking).'),
    url: z
      .string()
      .describe('Path of the invite page, `/invite/<token>`. Shown once; only a hash is stored.'),
    expiresAt: isoDateTimeSchema.describe('When the link stops working.')
  })
  .meta({ id: 'InviteCreated', description: 'The created invite and its one-time link.' });
export type InviteCreated = z.infer<typeof inviteCreatedSchema>;

export const inviteStatusSchema = z.enum(['active', 'expired', 'used_up', 'revoked']).meta({
  id: 'InviteStatus',
  description: 'Whether the link still works, and if not, why.'
});
export type InviteStatus = z.infer<typeof inviteStatusSchema>;

export const inviteSchema = z
  .object({
    id: idSchema,
    role: inviteRoleSchema,
    status: inviteStatusSchema,
    createdBy: idSchema.nullable().describe('User id of who created it, or null.'),
    createdAt: isoDateTimeSchema,
    expiresAt: isoDateTimeSchema,
    maxUses: z.int().nullable().describe('Most uses, or null for no limit.'),
    uses: z.int().min(0).describe('How many people joined with it.'),
    revokedAt: isoDateTimeSchema.nullable()
  })
  .meta({ id: 'Invite', description: 'An invite link, without its secret.' });
export type InviteInfo = z.infer<typeof inviteSchema>;

export const inviteAcceptedSchema = z
  .object({ workspaceId: idSchema, role: inviteRoleSchema })
  .meta({ id: 'InviteAccepted', description: 'The membership the invite created.' });

// The audit actions themselves are listed in one place, audit-actions.ts.
export { WORKSPACE_AUDIT_ACTIONS } from './audit-actions';

export const auditActionSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'must look like member.removed')
  .max(64);

export const auditEntrySchema = z
  .object({
    seq: z.int().min(1).describe('Position in the log; pass as `before` to page back.'),
    action: z
      .string()
      .describe(
        'What happened, e.g. member.role_changed; one of the actions in audit-actions.ts (an ' +
          'older or newer version may have written others).'
      ),
    actorId: z.string().nullable().describe('User id of who did it; null for the system.'),
    actorLabel: z.string().nullable().describe('How the actor was known at the time.'),
    target: z
      .string()
      .nullable()
      .describe('What it happened to, as `kind:id` (`user:…`, `invite:…`, `workspace:…`).'),
    details: z.record(z.string(), z.unknown()).nullable().describe('Action-specific facts.'),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: isoDateTimeSchema
  })
  .meta({ id: 'AuditEntry', description: 'One entry of the append-only audit log.' });
export type AuditEntryInfo = z.infer<typeof auditEntrySchema>;

/** A point in time in a query: an ISO date-time, or a date (midnight UTC). */
export const queryTimeSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((value) => Date.parse(value));
