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
      .describe('Who is paged while its incidents are not acknowledged (an escalation policy).')
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

export const occurrenceSchema = z
  .object({
    fingerprint: z.string(),
    startsAt: isoDateTimeSchema,
    endsAt: isoDateTimeSchema.optional().describe('When it resolved; absent while it fires.'),
    status: z.enum(['firing', 'resolved']),
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
    generatorURL: z.string().optional(),
    lastReceivedAt: isoDateTimeSchema
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
