/**
 * Schemas of alert intake and incidents (docs/alerts.md): integrations and their settings, the
 * incident lifecycle, severities and the timeline. The server validates with them at every
 * boundary; the pages read the same types. The payload formats of the sources themselves
 * (Alertmanager, Grafana, generic JSON) are in src/lib/server/alerts/payloads.ts.
 */
import { z } from 'zod';
import { idSchema } from '../model/ids';
import { isoDateTimeSchema } from '../board/schema';

export const INTEGRATION_TYPES = ['alertmanager', 'grafana', 'generic'] as const;
export const integrationTypeSchema = z
  .enum(INTEGRATION_TYPES)
  .meta({ id: 'IntegrationType', description: 'Where the alerts come from.' });
export type IntegrationType = z.infer<typeof integrationTypeSchema>;

/** Incident states, in lifecycle order (triggered → acknowledged → resolved → closed). */
export const INCIDENT_STATES = ['triggered', 'acknowledged', 'resolved', 'closed'] as const;
export const incidentStateSchema = z.enum(INCIDENT_STATES).meta({
  id: 'IncidentState',
  description: 'triggered → acknowledged → resolved → closed (after review).'
});
export type IncidentState = z.infer<typeof incidentStateSchema>;

/** Severities, most severe first. */
export const SEVERITIES = ['critical', 'high', 'warning', 'info'] as const;
export const severitySchema = z.enum(SEVERITIES).meta({
  id: 'Severity',
  description: 'How bad the incident is, from its labels (see `severityLabel`).'
});
export type Severity = z.infer<typeof severitySchema>;

/** Longest integration name, in characters. */
export const MAX_INTEGRATION_NAME_LENGTH = 80;
/** Longest reopen window, in minutes (one week). */
export const MAX_REOPEN_WINDOW_MINUTES = 7 * 24 * 60;

const fieldPathSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'a dotted path such as alert.labels.host');

/**
 * Where a generic JSON payload keeps each field: dotted paths into the body (or into each item
 * of `alerts`, when given). Only `title` is required; the fingerprint defaults to a hash of the
 * labels, the status to firing.
 */
export const genericMappingSchema = z
  .object({
    alerts: fieldPathSchema
      .optional()
      .describe('Path of an array of alerts in the body; absent: the body is one alert.'),
    title: fieldPathSchema.describe('Path of the alert title.'),
    fingerprint: fieldPathSchema
      .optional()
      .describe('Path of a stable alert id; absent: a hash of the labels.'),
    status: fieldPathSchema
      .optional()
      .describe(
        'Path of the status; "resolved", "ok", "closed" and "recovered" resolve, the rest fires.'
      ),
    severity: fieldPathSchema.optional().describe('Path of the severity.'),
    startsAt: fieldPathSchema.optional().describe('Path of when it started (ISO or epoch s/ms).'),
    endsAt: fieldPathSchema.optional().describe('Path of when it ended.'),
    description: fieldPathSchema.optional().describe('Path of a longer text.'),
    url: fieldPathSchema.optional().describe('Path of a link back to the source.'),
    labels: z
      .record(z.string().min(1).max(100), fieldPathSchema)
      .optional()
      .describe('Labels to read: label name → path.')
  })
  .strict()
  .meta({ id: 'GenericMapping', description: 'Field mapping of a generic JSON integration.' });
export type GenericMapping = z.infer<typeof genericMappingSchema>;

export const DEFAULT_GENERIC_MAPPING: GenericMapping = {
  title: 'title',
  fingerprint: 'id',
  status: 'status',
  severity: 'severity',
  startsAt: 'startsAt',
  endsAt: 'endsAt',
  description: 'description',
  url: 'url'
};

/** Longest label matcher value (a regular expression included), in characters. */
export const MAX_MATCHER_VALUE_LENGTH = 200;
export const MAX_RULES = 50;

/**
 * A condition on one label, as Alertmanager writes them: `=` equal, `!=` not equal, `=~` matches
 * the regular expression (anchored, whole value), `!~` does not. A missing label is the empty
 * string.
 */
export const labelMatcherSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    op: z.enum(['=', '!=', '=~', '!~']).optional().describe('Default `=`.'),
    value: z.string().max(MAX_MATCHER_VALUE_LENGTH)
  })
  .strict()
  .refine(
    (matcher) => {
      if (matcher.op !== '=~' && matcher.op !== '!~') return true;
      try {
        new RegExp(`^(?:${matcher.value})$`, 'u');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression', path: ['value'] }
  )
  .meta({ id: 'LabelMatcher', description: 'A condition on one alert label.' });
export type LabelMatcher = z.output<typeof labelMatcherSchema>;

/** Whether `labels` satisfy every matcher. */
export function matchesLabels(
  matchers: readonly LabelMatcher[],
  labels: Readonly<Record<string, string>>
): boolean {
  return matchers.every((matcher) => {
    const value = labels[matcher.name] ?? '';
    switch (matcher.op ?? '=') {
      case '=':
        return value === matcher.value;
      case '!=':
        return value !== matcher.value;
      case '=~':
        return new RegExp(`^(?:${matcher.value})$`, 'u').test(value);
      case '!~':
        return !new RegExp(`^(?:${matcher.value})$`, 'u').test(value);
    }
  });
}

/**
 * A routing rule: for incidents whose first alerts match, what to set. The first matching rule
 * of an integration applies.
 */
export const routingRuleSchema = z
  .object({
    match: z.array(labelMatcherSchema).min(1).max(20),
    severity: severitySchema.optional().describe('Replaces the severity read from the labels.'),
    labels: z
      .record(z.string().min(1).max(100), z.string().max(200))
      .optional()
      .describe('Added to the incident’s labels.'),
    assignee: idSchema.optional().describe('A member the incident card is assigned to.'),
    escalationPolicyId: idSchema.optional().describe('Replaces the integration’s policy.'),
    channels: z
      .array(idSchema)
      .max(20)
      .optional()
      .describe('Only these channels get the incident’s messages (each by the events it gets).')
  })
  .strict()
  .meta({ id: 'RoutingRule', description: 'What an incident whose alerts match gets.' });
export type RoutingRule = z.output<typeof routingRuleSchema>;

export const integrationSettingsSchema = z
  .object({
    groupBy: z
      .enum(['group', 'fingerprint'])
      .default('group')
      .describe('One incident per alert group (group key) or per alert (fingerprint).'),
    autoResolve: z
      .enum(['resolve', 'mark'])
      .default('resolve')
      .describe(
        'When every alert of an incident is resolved: resolve it, or only note it on the timeline.'
      ),
    reopenWindowMinutes: z
      .int()
      .min(0)
      .max(MAX_REOPEN_WINDOW_MINUTES)
      .default(60)
      .describe(
        'An alert firing again this soon after its incident resolved reopens it; later, it opens a new one.'
      ),
    severityLabel: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .default('severity')
      .describe('The label the severity is read from.'),
    mapping: genericMappingSchema.optional().describe('Generic JSON only: where the fields are.'),
    escalationPolicyId: idSchema
      .optional()
      .describe('Who is paged while its incidents are not acknowledged (an escalation policy).'),
    serviceLabel: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('The label that names the service, for runbook links (absent: `service`).'),
    alertnameLabel: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('The label that names the alert, for runbook links (absent: `alertname`).'),
    ciLabels: z
      .array(z.string().trim().min(1).max(100))
      .max(10)
      .optional()
      .describe(
        'Labels whose values name configuration items, linked to the incident by item name ' +
          '(absent: instance, host, hostname, node, nodename, job, cluster; the service label ' +
          'and `runboard_ci` always count).'
      ),
    rules: z
      .array(routingRuleSchema)
      .max(MAX_RULES)
      .default([])
      .describe('Routing rules by labels; the first that matches applies.')
  })
  .strict()
  .meta({
    id: 'IntegrationSettings',
    description: 'How an integration turns alerts into incidents.'
  });
export type IntegrationSettings = z.output<typeof integrationSettingsSchema>;

export const integrationCreateSchema = z
  .object({
    type: integrationTypeSchema,
    name: z.string().trim().min(1).max(MAX_INTEGRATION_NAME_LENGTH),
    settings: integrationSettingsSchema.optional()
  })
  .strict()
  .meta({ id: 'IntegrationCreate', description: 'A new integration.' });
export type IntegrationCreate = z.output<typeof integrationCreateSchema>;

export const integrationPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(MAX_INTEGRATION_NAME_LENGTH).optional(),
    settings: integrationSettingsSchema.optional()
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'the patch changes nothing')
  .meta({ id: 'IntegrationPatch', description: 'Changes to an integration.' });

export const integrationSchema = z
  .object({
    id: idSchema,
    type: integrationTypeSchema,
    name: z.string(),
    settings: integrationSettingsSchema,
    createdAt: isoDateTimeSchema,
    lastReceivedAt: isoDateTimeSchema.nullable().describe('When it last delivered alerts.'),
    hookPath: z.string().describe('Where the source posts: `/api/v1/hooks/<type>/<id>`.')
  })
  .meta({ id: 'Integration', description: 'An alert source of the workspace (never its secret).' });
export type Integration = z.infer<typeof integrationSchema>;

export const maintenanceWindowCreateSchema = z
  .object({
    integrationId: idSchema.optional().describe('Only alerts of this integration; absent: all.'),
    matchers: z.array(labelMatcherSchema).min(1).max(20),
    start: isoDateTimeSchema,
    end: isoDateTimeSchema,
    reason: z.string().trim().min(1).max(500)
  })
  .strict()
  .refine((w) => Date.parse(w.end) > Date.parse(w.start), {
    message: 'end must be after start',
    path: ['end']
  })
  .meta({ id: 'MaintenanceWindowCreate', description: 'A new maintenance window.' });

export const maintenanceWindowSchema = z
  .object({
    id: idSchema,
    integrationId: idSchema.nullable(),
    matchers: z.array(labelMatcherSchema),
    start: isoDateTimeSchema,
    end: isoDateTimeSchema,
    reason: z.string(),
    createdAt: isoDateTimeSchema,
    createdBy: idSchema.nullable()
  })
  .meta({
    id: 'MaintenanceWindow',
    description:
      'Alerts whose labels match, while it lasts, open no incident; they stay listed as held.'
  });
export type MaintenanceWindow = z.infer<typeof maintenanceWindowSchema>;

export const occurrenceSchema = z
  .object({
    fingerprint: z.string(),
    startsAt: isoDateTimeSchema,
    endsAt: isoDateTimeSchema.optional().describe('When it resolved; absent while it fires.'),
    status: z.enum(['firing', 'resolved']),
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
    generatorURL: z.string().optional(),
    lastReceivedAt: isoDateTimeSchema,
    heldBy: idSchema
      .optional()
      .describe('The maintenance window that held it back from opening an incident.')
  })
  .meta({ id: 'AlertOccurrence', description: 'One alert firing: (fingerprint, startsAt).' });
export type Occurrence = z.infer<typeof occurrenceSchema>;

export const INCIDENT_EVENT_TYPES = [
  'opened',
  'alert_firing',
  'alert_resolved',
  'alerts_cleared',
  'acknowledged',
  'resolved',
  'reopened',
  'flapping',
  'escalated',
  'review_started',
  'note',
  'closed'
] as const;
export const incidentEventSchema = z
  .object({
    seq: z.int(),
    at: isoDateTimeSchema,
    type: z.enum(INCIDENT_EVENT_TYPES),
    actor: idSchema.nullable().describe('Member id, or null for the server (intake).'),
    data: z.record(z.string(), z.unknown())
  })
  .meta({ id: 'IncidentEvent', description: 'One entry of an incident timeline.' });
export type IncidentEvent = z.infer<typeof incidentEventSchema>;

export const incidentSchema = z
  .object({
    id: idSchema.describe('The incident board task id.'),
    key: z.string().nullable().describe('The task key, e.g. OPS-42.'),
    title: z.string(),
    state: incidentStateSchema,
    severity: severitySchema,
    integrationId: idSchema,
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
    openedAt: isoDateTimeSchema,
    acknowledgedAt: isoDateTimeSchema.nullable(),
    acknowledgedBy: idSchema.nullable(),
    resolvedAt: isoDateTimeSchema.nullable(),
    resolvedBy: idSchema.nullable(),
    closedAt: isoDateTimeSchema.nullable(),
    alertsClearedAt: isoDateTimeSchema.nullable(),
    reopenCount: z.int().min(0),
    flapping: z.boolean(),
    occurrences: z.array(occurrenceSchema).describe('Oldest first.')
  })
  .meta({
    id: 'Incident',
    description: 'An incident: its board task plus the server facts (state, occurrences).'
  });
export type Incident = z.infer<typeof incidentSchema>;

export const incidentNoteSchema = z
  .object({ text: z.string().trim().min(1).max(2000) })
  .strict()
  .meta({ id: 'IncidentNote', description: 'A note for the incident’s timeline.' });

/** A message sent about an incident, as its page lists them. */
export const sentMessageSchema = z
  .object({
    id: idSchema,
    event: z.string(),
    state: z.enum(['pending', 'delivered', 'dead']),
    attempts: z.int().min(0),
    createdAt: isoDateTimeSchema,
    deliveredAt: isoDateTimeSchema.nullable(),
    lastError: z.string().nullable(),
    channel: z.string().nullable().describe('The channel’s name; null once it was deleted.'),
    channelType: z.string().nullable()
  })
  .meta({ id: 'SentMessage', description: 'A notification about the incident.' });
export type SentMessage = z.infer<typeof sentMessageSchema>;

/** A runbook step checked (or unchecked) on the incident's card, from its activity. */
export const runbookStepSchema = z
  .object({
    at: isoDateTimeSchema,
    by: idSchema.nullable(),
    step: z.string().describe('The step’s text.'),
    done: z.boolean()
  })
  .meta({ id: 'IncidentRunbookStep', description: 'A runbook step done during the incident.' });
export type RunbookStep = z.infer<typeof runbookStepSchema>;

export const incidentActionSchema = z
  .object({ comment: z.string().trim().max(2000).optional() })
  .strict()
  .meta({ id: 'IncidentAction', description: 'An optional comment for the timeline.' });

/** Whether `to` may follow `from` when a person moves the incident. */
export function canMoveIncident(from: IncidentState, to: IncidentState): boolean {
  switch (to) {
    case 'acknowledged':
      return from === 'triggered';
    case 'resolved':
      return from === 'triggered' || from === 'acknowledged';
    case 'closed':
      return from === 'resolved';
    case 'triggered':
      return false;
  }
}

/** A configuration item an incident is about, linked from its alerts' labels at intake. */
export const incidentItemSchema = z
  .object({ id: idSchema, name: z.string(), type: z.string() })
  .meta({ id: 'IncidentItem', description: 'A configuration item named by the alerts.' });
export type IncidentItem = z.infer<typeof incidentItemSchema>;

/**
 * The label an integration's alerts name their service by: its `serviceLabel` setting, else
 * `service`. Takes the stored settings as they are read back (any JSON object).
 */
export function serviceLabelOf(settings: Readonly<Record<string, unknown>>): string {
  const label = settings['serviceLabel'];
  return typeof label === 'string' && label !== '' ? label : 'service';
}
