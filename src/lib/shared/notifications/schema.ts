/**
 * Schemas of notification channels and the outbox (docs/notifications.md). Channel types and
 * the generic webhook's body are contracts (docs/design.md §2).
 */
import { z } from 'zod';
import { idSchema } from '../model/ids';
import { isoDateTimeSchema } from '../board/schema';
import { LOCALES } from '../locale';

export const CHANNEL_TYPES = [
  'slack',
  'mattermost',
  'webhook',
  'dingtalk',
  'wecom',
  'feishu',
  'email'
] as const;
export const channelTypeSchema = z
  .enum(CHANNEL_TYPES)
  .meta({ id: 'ChannelType', description: 'Where the messages go.' });
export type ChannelType = z.infer<typeof channelTypeSchema>;

/** Events a channel can get. */
export const NOTIFICATION_EVENTS = [
  'incident.opened',
  'incident.acknowledged',
  'incident.resolved',
  'incident.reopened',
  'incident.closed',
  'change.submitted',
  'change.approved',
  'change.rejected',
  // Job runs that ended (docs/automation.md): never a default, a channel subscribes to them.
  'run.succeeded',
  /** Failed, timed out or interrupted; a cancelled run sends nothing. */
  'run.failed'
] as const;
export const notificationEventSchema = z.enum(NOTIFICATION_EVENTS);
export type NotificationEvent = z.infer<typeof notificationEventSchema>;
/** What a channel created without rules gets (docs/design.md §2). */
export const DEFAULT_CHANNEL_EVENTS: readonly NotificationEvent[] = [
  'incident.opened',
  'incident.acknowledged',
  'incident.resolved'
];
/**
 * Every message kind: the events channels subscribe to, pages of an escalation (sent to the
 * channel its step names, not by subscription), the test message and the weekly report (sent to
 * the channel its settings name) and the anomaly message (the same).
 */
export type MessageEvent =
  | NotificationEvent
  | 'incident.escalated'
  | 'test'
  | 'report.weekly'
  /** A new anomaly event (docs/ai.md, "Anomalies"): sent to the channel its settings name. */
  | 'ai.anomaly';

export const MAX_CHANNEL_NAME_LENGTH = 80;
export const MAX_RECIPIENTS = 50;

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .describe('The robot or webhook URL (with its access token).');
const smtpUrl = z
  .url({ protocol: /^smtps?$/ })
  .max(2000)
  .describe('E-mail: the SMTP server, `smtp(s)://user:password@host:port?from=ops@example.com`.');

const recipientsSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(/[,;\s]+/))
      .map((address) => address.trim())
      .filter((address) => address !== '')
  )
  .pipe(z.array(z.email()).max(MAX_RECIPIENTS))
  .describe('E-mail: the recipients (an array, or one string separated by commas).');

export const channelCreateSchema = z
  .object({
    type: channelTypeSchema,
    name: z.string().trim().min(1).max(MAX_CHANNEL_NAME_LENGTH),
    url: z.string().trim().max(2000).optional(),
    secret: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .describe(
        'Signing secret: DingTalk and Feishu robots with signing on, the generic webhook (HMAC).'
      ),
    to: recipientsSchema.optional(),
    events: z
      .array(notificationEventSchema)
      .max(NOTIFICATION_EVENTS.length)
      .optional()
      .describe('Which events it gets; default: incident opened, acknowledged, resolved.'),
    locale: z.enum(LOCALES).optional().describe('The language of its messages.')
  })
  .strict()
  .superRefine((input, ctx) => {
    const url = input.type === 'email' ? smtpUrl : httpUrl;
    const parsed = url.safeParse(input.url);
    if (!parsed.success) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message:
          input.type === 'email'
            ? 'an smtp:// or smtps:// URL of the mail server'
            : 'an http(s) URL of the robot or webhook'
      });
    }
    if (input.type === 'email' && (input.to ?? []).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'at least one recipient' });
    }
  })
  .meta({ id: 'ChannelCreate', description: 'A new notification channel.' });
export type ChannelCreate = z.output<typeof channelCreateSchema>;

export const channelPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(MAX_CHANNEL_NAME_LENGTH).optional(),
    events: z.array(notificationEventSchema).max(NOTIFICATION_EVENTS.length).optional(),
    locale: z.enum(LOCALES).optional()
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'the patch changes nothing')
  .meta({ id: 'ChannelPatch', description: 'Changes to a channel (not its URL or secret).' });

export const channelSchema = z
  .object({
    id: idSchema,
    type: channelTypeSchema,
    name: z.string(),
    target: z.string().describe('Where it sends, without credentials (host, or recipients).'),
    hasSecret: z.boolean(),
    to: z.array(z.string()),
    events: z.array(notificationEventSchema),
    locale: z.enum(LOCALES),
    createdAt: isoDateTimeSchema
  })
  .meta({ id: 'Channel', description: 'A notification channel (never its URL or secret).' });
export type Channel = z.infer<typeof channelSchema>;

export const OUTBOX_STATES = ['pending', 'delivered', 'dead'] as const;
export const outboxStateSchema = z.enum(OUTBOX_STATES);
export type OutboxState = z.infer<typeof outboxStateSchema>;

export const outboxMessageSchema = z
  .object({
    id: idSchema,
    channelId: idSchema,
    event: z.string(),
    idempotencyKey: z.string(),
    state: outboxStateSchema,
    attempts: z.int().min(0),
    nextAttemptAt: isoDateTimeSchema.nullable().describe('Pending: when it is tried next.'),
    lastError: z.string().nullable(),
    createdAt: isoDateTimeSchema,
    deliveredAt: isoDateTimeSchema.nullable()
  })
  .meta({ id: 'OutboxMessage', description: 'A message on its way, delivered, or dead.' });
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;
