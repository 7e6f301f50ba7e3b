/**
 * Change management's model (docs/changes.md): types, states and the transition table the
 * server enforces, the approval policy with its defaults, and the REST bodies. Framework-free:
 * the server decides with it, the pages show with it.
 */
import { z } from 'zod';
import { idSchema } from '../model/ids';
import { criticalitySchema } from '../cmdb/schema';

export const CHANGE_TYPES = ['standard', 'normal', 'emergency'] as const;
export const changeTypeSchema = z.enum(CHANGE_TYPES).meta({
  id: 'ChangeType',
  description:
    'standard: pre-approved and routine; normal: needs approval; emergency: may start at once ' +
    'and is reviewed after.'
});
export type ChangeType = z.infer<typeof changeTypeSchema>;

export const CHANGE_STATES = [
  'draft',
  'submitted',
  'approved',
  'rejected',
  'scheduled',
  'in_progress',
  'completed',
  'failed',
  'rolled_back',
  'cancelled'
] as const;
export const changeStateSchema = z.enum(CHANGE_STATES).meta({
  id: 'ChangeState',
  description:
    'draft → submitted → approved | rejected → scheduled → in_progress → completed | failed | ' +
    'rolled_back; cancelled from any state that is not final.'
});
export type ChangeState = z.infer<typeof changeStateSchema>;

/** States a change never leaves. */
export const FINAL_CHANGE_STATES: readonly ChangeState[] = [
  'rejected',
  'completed',
  'failed',
  'rolled_back',
  'cancelled'
];

/** Whether a change in `state` is over. */
export function isFinalChangeState(state: ChangeState): boolean {
  return FINAL_CHANGE_STATES.includes(state);
}

/**
 * The moves the lifecycle allows, whoever asks. `submitted → in_progress` is for emergency
 * changes only, and `submitted → approved | rejected` happens through approvals: the service
 * refuses those with 403 (`approval_required`), the table only says the move exists.
 */
export const CHANGE_TRANSITIONS: Readonly<Record<ChangeState, readonly ChangeState[]>> = {
  draft: ['submitted', 'cancelled'],
  submitted: ['approved', 'rejected', 'in_progress', 'cancelled'],
  approved: ['scheduled', 'cancelled'],
  rejected: [],
  scheduled: ['in_progress', 'cancelled'],
  in_progress: ['completed', 'failed', 'rolled_back', 'cancelled'],
  completed: [],
  failed: [],
  rolled_back: [],
  cancelled: []
};

/** Whether the lifecycle has a move from `from` to `to` (roles and policy aside). */
export function changeMoveExists(from: ChangeState, to: ChangeState): boolean {
  return CHANGE_TRANSITIONS[from].includes(to);
}

export const CHANGE_RISKS = ['low', 'medium', 'high'] as const;
export const changeRiskSchema = z.enum(CHANGE_RISKS).meta({ id: 'ChangeRisk' });
export type ChangeRisk = z.infer<typeof changeRiskSchema>;

export const approvalDecisionSchema = z.enum(['approve', 'reject']).meta({
  id: 'ApprovalDecision'
});
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

/** approval: before the change; review: after an emergency change; automatic: pre-approved. */
export const approvalKindSchema = z.enum(['approval', 'review', 'automatic']);
export type ApprovalKind = z.infer<typeof approvalKindSchema>;

export const CHANGE_LIMITS = {
  titleChars: 300,
  impactChars: 4000,
  planChars: 100_000,
  commentChars: 4000,
  items: 200,
  approvers: 50,
  reasonChars: 500,
  environments: 50
};

/** Default production environment names (policy `productionEnvironments`). */
export const DEFAULT_PRODUCTION_ENVIRONMENTS = ['production', 'prod', '生产'] as const;

/**
 * A workspace's approval policy. Stored whole per workspace; a workspace without one has
 * `DEFAULT_CHANGE_POLICY`.
 */
export const changePolicySchema = z
  .object({
    /** Change types approved at submission (recorded as the server's approval). */
    preApproved: z.array(changeTypeSchema).default(['standard']),
    /** Approvals a normal change needs from operators or above who are not the requester. */
    approvals: z.int().min(1).max(10).default(1),
    /** Criticalities that make an item critical (default: critical only; add "high"). */
    criticalLevels: z.array(criticalitySchema).max(4).default(['critical']),
    /** Environment names that are production (compared without case). */
    productionEnvironments: z
      .array(z.string().trim().min(1).max(100))
      .max(CHANGE_LIMITS.environments)
      .default([...DEFAULT_PRODUCTION_ENVIRONMENTS]),
    /** What a normal change on a critical production item needs besides `approvals`. */
    critical: z
      .object({
        admin: z.boolean().default(true),
        ownerTeam: z.boolean().default(true)
      })
      .default({ admin: true, ownerTeam: true }),
    /** Teams by the name items carry as `owner`: their members' user ids. */
    teams: z.record(z.string().trim().min(1).max(100), z.array(idSchema).max(500)).default({}),
    /** When set for a type, only these users' approvals count for it. */
    approvers: z
      .object({
        standard: z.array(idSchema).max(CHANGE_LIMITS.approvers).optional(),
        normal: z.array(idSchema).max(CHANGE_LIMITS.approvers).optional(),
        emergency: z.array(idSchema).max(CHANGE_LIMITS.approvers).optional()
      })
      .default({}),
    /** Emergency changes need a review approval after they start. */
    emergencyReview: z.boolean().default(true)
  })
  .meta({ id: 'ChangePolicy', description: 'A workspace’s change approval policy.' });
export type ChangePolicy = z.infer<typeof changePolicySchema>;

export const DEFAULT_CHANGE_POLICY: ChangePolicy = changePolicySchema.parse({});

/** One thing a change's policy asks for, and whether it is met. */
export const requirementSchema = z
  .object({
    what: z
      .enum(['approvals', 'admin', 'owner_team', 'review', 'pre_approved'])
      .describe(
        'approvals: `count` approvals by operators or above; admin: one by an admin; ' +
          'owner_team: one by a member of `team` (the owner team of `item`); review: the ' +
          'post-implementation review of an emergency change; pre_approved: a standard change.'
      ),
    met: z.boolean(),
    count: z.int().optional().describe('approvals: how many are needed.'),
    have: z.int().optional().describe('approvals: how many count so far.'),
    team: z.string().optional().describe('owner_team: the team named by the item’s owner.'),
    item: z.string().optional().describe('owner_team, admin: the critical item that asks it.'),
    unknownTeam: z
      .boolean()
      .optional()
      .describe('owner_team: the policy names no members for this team (or the item has no owner).')
  })
  .meta({ id: 'ChangeRequirement' });
export type Requirement = z.infer<typeof requirementSchema>;

const windowValue = z
  .string()
  .trim()
  .min(10)
  .max(40)
  .describe(
    'ISO 8601 with an offset (`2026-11-01T01:30:00-04:00`, `…Z`), or a local date-time ' +
      '(`2026-11-01T09:30`) read in `timeZone`.'
  );

const planText = z.string().max(CHANGE_LIMITS.planChars);

export const changeCreateSchema = z
  .object({
    title: z.string().trim().min(1).max(CHANGE_LIMITS.titleChars),
    type: changeTypeSchema,
    items: z.array(idSchema).max(CHANGE_LIMITS.items).default([]),
    windowStart: windowValue,
    windowEnd: windowValue,
    timeZone: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .describe('The requester’s IANA time zone (default UTC); local window times are read in it.'),
    risk: changeRiskSchema.optional().describe('Default "medium".'),
    impact: z.string().max(CHANGE_LIMITS.impactChars).optional(),
    plan: planText.optional().describe('Implementation plan, Markdown.'),
    rollbackPlan: planText.optional().describe('Rollback plan, Markdown.'),
    testPlan: planText.optional().describe('Test plan, Markdown.'),
    approvers: z.array(idSchema).max(CHANGE_LIMITS.approvers).optional()
  })
  .strict()
  .meta({ id: 'ChangeCreate' });
export type ChangeCreate = z.infer<typeof changeCreateSchema>;

export const changePatchSchema = changeCreateSchema
  .omit({ type: true })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'the patch changes nothing')
  .meta({ id: 'ChangePatch', description: 'Fields to change; only while the change is a draft.' });
export type ChangePatch = z.infer<typeof changePatchSchema>;

export const changeTransitionSchema = z
  .object({
    to: changeStateSchema,
    comment: z.string().trim().max(CHANGE_LIMITS.commentChars).optional()
  })
  .strict()
  .meta({ id: 'ChangeTransition' });

export const approvalCreateSchema = z
  .object({
    decision: approvalDecisionSchema,
    comment: z.string().trim().max(CHANGE_LIMITS.commentChars).optional()
  })
  .strict()
  .meta({ id: 'ApprovalCreate' });

export const freezeCreateSchema = z
  .object({
    start: windowValue,
    end: windowValue,
    timeZone: z.string().trim().min(1).max(64).optional(),
    reason: z.string().trim().min(1).max(CHANGE_LIMITS.reasonChars),
    environments: z
      .array(z.string().trim().min(1).max(100))
      .min(1)
      .max(CHANGE_LIMITS.environments)
      .nullable()
      .optional()
      .describe('Environments it applies to (compared without case); absent or null: all.')
  })
  .strict()
  .meta({ id: 'FreezeCreate' });

export const freezeSchema = z
  .object({
    id: idSchema,
    start: z.string(),
    end: z.string(),
    reason: z.string(),
    environments: z.array(z.string()).nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string()
  })
  .meta({ id: 'Freeze' });
export type Freeze = z.infer<typeof freezeSchema>;

export const approvalSchema = z
  .object({
    userId: z.string().nullable().describe('null: the server (a pre-approved standard change).'),
    decision: approvalDecisionSchema,
    kind: approvalKindSchema,
    role: z.string().nullable(),
    comment: z.string().optional(),
    at: z.string()
  })
  .meta({ id: 'ChangeApproval' });
export type Approval = z.infer<typeof approvalSchema>;

export const changeEventSchema = z
  .object({
    seq: z.int(),
    from: changeStateSchema,
    to: changeStateSchema,
    actor: z.string().nullable(),
    comment: z.string().optional(),
    at: z.string()
  })
  .meta({ id: 'ChangeEvent' });
export type ChangeEvent = z.infer<typeof changeEventSchema>;

export const conflictSchema = z
  .object({
    changeId: z.string(),
    key: z.string().nullable(),
    title: z.string(),
    state: changeStateSchema,
    windowStart: z.string(),
    windowEnd: z.string(),
    items: z.array(z.string()).describe('Its items that are this change’s or related to them.'),
    via: z
      .enum(['same_item', 'dependency'])
      .describe('same_item: both touch an item; dependency: their items depend on each other.')
  })
  .meta({ id: 'ChangeConflict' });
export type Conflict = z.infer<typeof conflictSchema>;

export const changeSummarySchema = z
  .object({
    id: z.string(),
    key: z.string().nullable(),
    title: z.string(),
    state: changeStateSchema,
    type: changeTypeSchema,
    risk: changeRiskSchema,
    items: z.array(z.string()),
    windowStart: z.string(),
    windowEnd: z.string(),
    timeZone: z.string(),
    requester: z.string(),
    reviewPending: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string()
  })
  .meta({ id: 'ChangeSummary' });
export type ChangeSummary = z.infer<typeof changeSummarySchema>;

export const changeViewSchema = changeSummarySchema
  .extend({
    impact: z.string(),
    plan: z.string(),
    rollbackPlan: z.string(),
    testPlan: z.string(),
    approvers: z.array(z.string()),
    approvals: z.array(approvalSchema),
    requirements: z.array(requirementSchema),
    conflicts: z.array(conflictSchema),
    events: z.array(changeEventSchema),
    causedIncidents: z.array(z.string()),
    submittedAt: z.string().nullable(),
    approvedAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable()
  })
  .meta({ id: 'Change', description: 'A change request, read from the server’s facts.' });
export type ChangeView = z.infer<typeof changeViewSchema>;

export const changeFiguresSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    finished: z.int().describe('Changes that ended (completed, failed, rolled back) in the range.'),
    completed: z.int(),
    successRate: z.number().nullable().describe('completed / finished; null without any.'),
    causedIncidents: z.int().describe('Finished changes marked as the cause of an incident.'),
    failureRate: z
      .number()
      .nullable()
      .describe('Changes that failed, were rolled back or caused an incident / finished.'),
    leadTimeSeconds: z
      .object({ median: z.number().nullable(), mean: z.number().nullable() })
      .describe('From created to completed.')
  })
  .meta({ id: 'ChangeFigures' });
export type ChangeFigures = z.infer<typeof changeFiguresSchema>;
