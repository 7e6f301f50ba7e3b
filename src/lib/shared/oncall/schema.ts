/**
 * Schemas of on-call: schedules (a rotation and its overrides) and escalation policies
 * (docs/oncall.md). The server validates with them; the pages read the same types.
 */
import { z } from 'zod';
import { idSchema } from '../model/ids';
import { isoDateTimeSchema } from '../board/schema';

export const MAX_PARTICIPANTS = 100;
export const MAX_ESCALATION_STEPS = 10;
export const MAX_STEP_TARGETS = 10;
/** Longest wait of an escalation step after the incident opened: a day. */
export const MAX_STEP_MINUTES = 24 * 60;

export const rotationSchema = z
  .object({
    participants: z
      .array(idSchema)
      .max(MAX_PARTICIPANTS)
      .describe('Member ids in the order they take their turn.'),
    handoff: z.enum(['daily', 'weekly']).describe('How often the turn passes to the next one.'),
    handoffTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 09:00')
      .describe('When the turn passes, in the schedule’s time zone (HH:MM).'),
    handoffWeekday: z
      .int()
      .min(0)
      .max(6)
      .default(1)
      .describe('Weekly: the day the turn passes, 0 = Sunday … 6 = Saturday.'),
    startDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-12-07')
      .describe(
        'The first participant’s first turn starts at the handoff on (or, weekly, after) this date.'
      )
  })
  .strict()
  .meta({ id: 'Rotation', description: 'Who takes the turn, and when it passes.' });
export type Rotation = z.output<typeof rotationSchema>;

const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .describe('IANA time zone of the handoffs, e.g. Asia/Shanghai.');

export const scheduleCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    timeZone: timeZoneSchema,
    rotation: rotationSchema
  })
  .strict()
  .meta({ id: 'ScheduleCreate', description: 'A new on-call schedule.' });

export const schedulePatchSchema = z
  .object({
    name: z.string().trim().min(1).max(80).optional(),
    timeZone: timeZoneSchema.optional(),
    rotation: rotationSchema.optional()
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'the patch changes nothing')
  .meta({ id: 'SchedulePatch', description: 'Changes to a schedule.' });

export const overrideSchema = z
  .object({
    id: idSchema,
    userId: idSchema,
    start: isoDateTimeSchema,
    end: isoDateTimeSchema
  })
  .meta({ id: 'OnCallOverride', description: 'Someone on call in place of the rotation.' });
export type OnCallOverride = z.infer<typeof overrideSchema>;

export const overrideCreateSchema = z
  .object({ userId: idSchema, start: isoDateTimeSchema, end: isoDateTimeSchema })
  .strict()
  .refine((o) => Date.parse(o.end) > Date.parse(o.start), {
    message: 'end must be after start',
    path: ['end']
  })
  .meta({ id: 'OverrideCreate', description: 'A new override.' });

export const onCallSchema = z
  .object({
    userId: idSchema,
    name: z.string(),
    from: isoDateTimeSchema,
    until: isoDateTimeSchema
  })
  .meta({ id: 'OnCall', description: 'Who is on call, from when until when.' });
export type OnCall = z.infer<typeof onCallSchema>;

export const scheduleSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    timeZone: z.string(),
    rotation: rotationSchema,
    overrides: z.array(overrideSchema).describe('Current and future overrides.'),
    onCallNow: onCallSchema.nullable(),
    feedPath: z.string().describe('The ICS feed (with its token) for calendar apps.'),
    createdAt: isoDateTimeSchema
  })
  .meta({ id: 'Schedule', description: 'An on-call schedule.' });
export type Schedule = z.infer<typeof scheduleSchema>;

export const stepTargetSchema = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('schedule'),
        scheduleId: idSchema,
        channelId: idSchema.describe('The channel the person is paged on.')
      })
      .strict(),
    z.object({ type: z.literal('user'), userId: idSchema, channelId: idSchema }).strict(),
    z.object({ type: z.literal('channel'), channelId: idSchema }).strict()
  ])
  .meta({
    id: 'EscalationTarget',
    description:
      'Who a step pages: whoever a schedule has on call, a member, or a whole channel. A ' +
      'person is named in the message on the channel; on an e-mail channel it goes to their address.'
  });
export type StepTarget = z.infer<typeof stepTargetSchema>;

export const escalationStepSchema = z
  .object({
    afterMinutes: z
      .int()
      .min(0)
      .max(MAX_STEP_MINUTES)
      .describe('Minutes after the incident opened without an acknowledgement.'),
    targets: z.array(stepTargetSchema).min(1).max(MAX_STEP_TARGETS)
  })
  .strict();
export type EscalationStep = z.infer<typeof escalationStepSchema>;

const stepsSchema = z
  .array(escalationStepSchema)
  .min(1)
  .max(MAX_ESCALATION_STEPS)
  .refine(
    (steps) => steps.every((step, i) => i === 0 || step.afterMinutes > steps[i - 1]!.afterMinutes),
    'each step waits longer than the one before'
  );

export const policyCreateSchema = z
  .object({ name: z.string().trim().min(1).max(80), steps: stepsSchema })
  .strict()
  .meta({ id: 'EscalationPolicyCreate', description: 'A new escalation policy.' });

export const policyPatchSchema = z
  .object({ name: z.string().trim().min(1).max(80).optional(), steps: stepsSchema.optional() })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'the patch changes nothing')
  .meta({ id: 'EscalationPolicyPatch', description: 'Changes to an escalation policy.' });

export const policySchema = z
  .object({
    id: idSchema,
    name: z.string(),
    steps: z.array(escalationStepSchema),
    createdAt: isoDateTimeSchema
  })
  .meta({
    id: 'EscalationPolicy',
    description: 'Who is paged, and when, while an incident is not acknowledged.'
  });
export type EscalationPolicy = z.infer<typeof policySchema>;
