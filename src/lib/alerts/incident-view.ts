/**
 * What the incident pages show of the server's facts (src/lib/shared/alerts/schema.ts): the
 * moves a state allows, the order of the list, which alert links may be rendered, and the REST
 * calls of the lifecycle. Framework-free, so the unit tests read it as the pages do.
 */
import { z } from 'zod';
import { rest } from '../rest-client';
import {
  SEVERITIES,
  canMoveIncident,
  incidentEventSchema,
  incidentSchema,
  sentMessageSchema,
  runbookStepSchema,
  incidentItemSchema,
  type Incident,
  type IncidentState,
  type Occurrence
} from '../shared/alerts/schema';

/** An incident with its timeline and the notifications sent about it, as `GET …/incidents/<id>` answers. */
export const incidentViewSchema = incidentSchema.extend({
  events: z.array(incidentEventSchema),
  notifications: z.array(sentMessageSchema),
  runbookSteps: z.array(runbookStepSchema),
  items: z.array(incidentItemSchema).default([])
});
export type IncidentView = z.infer<typeof incidentViewSchema>;

/** The moves a person makes, with the REST verb of each. */
export const INCIDENT_MOVES = [
  { verb: 'acknowledge', to: 'acknowledged' },
  { verb: 'resolve', to: 'resolved' },
  { verb: 'close', to: 'closed' }
] as const satisfies readonly { verb: string; to: IncidentState }[];
export type IncidentMove = (typeof INCIDENT_MOVES)[number];
export type IncidentVerb = IncidentMove['verb'];

/** The moves the lifecycle allows from `state`, in lifecycle order. */
export function allowedMoves(state: IncidentState): IncidentMove[] {
  return INCIDENT_MOVES.filter((move) => canMoveIncident(state, move.to));
}

/** Whether the incident still needs someone: triggered or acknowledged. */
export function isOpen(incident: Pick<Incident, 'state'>): boolean {
  return incident.state === 'triggered' || incident.state === 'acknowledged';
}

/**
 * The list order: open incidents first, the worst severity first among them, then newest
 * first; the rest newest first.
 */
export function sortIncidents<T extends Pick<Incident, 'state' | 'severity' | 'openedAt'>>(
  incidents: readonly T[]
): T[] {
  const rank = (incident: T) => SEVERITIES.indexOf(incident.severity);
  return [...incidents].sort((a, b) => {
    const openA = isOpen(a);
    const openB = isOpen(b);
    if (openA !== openB) return openA ? -1 : 1;
    if (openA && rank(a) !== rank(b)) return rank(a) - rank(b);
    return b.openedAt.localeCompare(a.openedAt);
  });
}

/**
 * `value` when it is an absolute http(s) URL, else null: alert payloads come from outside, so a
 * `javascript:` or `data:` link in an annotation is never rendered as a link.
 */
export function httpUrl(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  if (!/^https?:\/\//i.test(trimmed) || trimmed.length > 2000) return null;
  try {
    const url = new URL(trimmed);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The link annotations an occurrence page shows, by the name it gives each. */
export const LINK_ANNOTATIONS = ['runbook_url', 'dashboardURL', 'panelURL'] as const;
export type LinkKind = (typeof LINK_ANNOTATIONS)[number] | 'generatorURL';

/** The annotations shown as text (not links), in this order. */
export const TEXT_ANNOTATIONS = ['summary', 'description', 'message', 'valueString'] as const;

/** The links of one occurrence that may be rendered (http and https only). */
export function occurrenceLinks(occurrence: Occurrence): { kind: LinkKind; href: string }[] {
  const links: { kind: LinkKind; href: string }[] = [];
  for (const kind of LINK_ANNOTATIONS) {
    const href = httpUrl(occurrence.annotations[kind]);
    if (href !== null) links.push({ kind, href });
  }
  const generator = httpUrl(occurrence.generatorURL);
  if (generator !== null) links.push({ kind: 'generatorURL', href: generator });
  return links;
}

/** An occurrence's labels as `[name, value]` chips, by name. */
export function labelChips(labels: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
}

/** Moves the incident `ref` of workspace `ws` with an optional comment for the timeline. */
export function moveIncident(
  ws: string,
  ref: string,
  verb: IncidentVerb,
  comment: string
): Promise<IncidentView> {
  const trimmed = comment.trim();
  return rest(
    'POST',
    `/workspaces/${encodeURIComponent(ws)}/incidents/${encodeURIComponent(ref)}/${verb}`,
    { body: trimmed === '' ? {} : { comment: trimmed }, schema: incidentViewSchema }
  );
}

/** Adds a note to the timeline of incident `ref` of workspace `ws`. */
export function addIncidentNote(ws: string, ref: string, text: string): Promise<IncidentView> {
  return rest(
    'POST',
    `/workspaces/${encodeURIComponent(ws)}/incidents/${encodeURIComponent(ref)}/notes`,
    { body: { text: text.trim() }, schema: incidentViewSchema }
  );
}

/** The review runbook an incident's timeline names, if one was started. */
export function reviewRunbookOf(incident: Pick<IncidentView, 'events'>): string | null {
  const started = incident.events.find((event) => event.type === 'review_started');
  const id = started?.data['runbookId'];
  return typeof id === 'string' ? id : null;
}

/** Starts (or finds) the post-incident review of `ref`; answers its runbook id. */
export async function startReview(ws: string, ref: string): Promise<string> {
  const reply = await rest(
    'POST',
    `/workspaces/${encodeURIComponent(ws)}/incidents/${encodeURIComponent(ref)}/review`,
    { body: {}, schema: z.object({ runbookId: z.string(), created: z.boolean() }) }
  );
  return reply.runbookId;
}
