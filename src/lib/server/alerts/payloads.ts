/**
 * The payloads alert sources post, turned into one shape (`IncomingAlert`). Each format is a
 * zod schema of what the source documents, loose where the source adds fields over versions
 * (unknown keys are ignored, never trusted):
 *
 * - Alertmanager's webhook, version 4 (prometheus/alertmanager `notify/webhook`): `groupKey`,
 *   `status`, `alerts[]` with `labels`, `annotations`, `startsAt`, `endsAt`, `generatorURL`,
 *   `fingerprint`, and `truncatedAlerts`. A firing alert's `endsAt` is the zero time
 *   (0001-01-01) or when Alertmanager will consider it resolved if not re-sent: only
 *   `status: "resolved"` ends an occurrence.
 * - Grafana unified alerting's webhook contact point (version "1"): Alertmanager's shape plus
 *   `dashboardURL`, `panelURL`, `silenceURL`, `values`, `orgId`, `title`, `message`.
 * - Generic JSON: one alert or an array of them, read through the integration's field mapping.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../../shared/model/domain-error';
import type { GenericMapping, IntegrationType } from '../../shared/alerts/schema';

/** Most alerts one delivery may carry. */
export const MAX_ALERTS_PER_DELIVERY = 1000;
const MAX_LABELS = 100;
const MAX_TEXT = 8_000;

/** One alert of a delivery, whatever its source. */
export interface IncomingAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  /**
   * ISO, UTC. Null when the source sent none (generic JSON): the alert is then the fingerprint's
   * current occurrence, a new one when it fires after the last resolved.
   */
  startsAt: string | null;
  /** ISO, UTC; only for resolved alerts. */
  endsAt: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorUrl: string | null;
  /** The group it was delivered in (Alertmanager/Grafana group key), or null. */
  groupKey: string | null;
}

export interface Delivery {
  alerts: IncomingAlert[];
  /** Alerts the source left out of this delivery (Alertmanager's `max_alerts`). */
  truncatedAlerts: number;
}

const text = z.string().max(MAX_TEXT);
const stringMap = z
  .record(z.string().max(200), text)
  .refine((map) => Object.keys(map).length <= MAX_LABELS, `at most ${MAX_LABELS} entries`);
const timeSchema = z.string().max(64);

const amAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: stringMap,
  annotations: stringMap.default({}),
  startsAt: timeSchema,
  endsAt: timeSchema.optional(),
  generatorURL: z.string().max(MAX_TEXT).optional(),
  fingerprint: z.string().min(1).max(200).optional(),
  // Grafana's additions.
  dashboardURL: z.string().max(MAX_TEXT).optional(),
  panelURL: z.string().max(MAX_TEXT).optional(),
  silenceURL: z.string().max(MAX_TEXT).optional(),
  valueString: z.string().max(MAX_TEXT).optional()
});

const amPayloadSchema = z.object({
  version: z.string().max(10).optional(),
  groupKey: z.string().max(MAX_TEXT).optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: z.string().max(MAX_TEXT).optional(),
  truncatedAlerts: z.int().min(0).optional(),
  alerts: z.array(amAlertSchema).max(MAX_ALERTS_PER_DELIVERY)
});

/** A time as ISO UTC; null for the zero time or nothing. */
export function normalizeTime(value: unknown): string | null {
  let date: Date;
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Epoch seconds or milliseconds (before 2001-09 in ms would read as seconds: fine for alerts).
    date = new Date(value < 1e12 ? value * 1000 : value);
  } else if (typeof value === 'string' && value !== '') {
    // Digits: epoch seconds, or milliseconds when that large (as for numbers).
    const epoch = /^[0-9.]+$/.test(value) ? Number(value) : NaN;
    date = Number.isFinite(epoch) ? new Date(epoch < 1e12 ? epoch * 1000 : epoch) : new Date(value);
  } else {
    return null;
  }
  const ms = date.getTime();
  // Go's zero time (0001-01-01) means "not set".
  if (!Number.isFinite(ms) || date.getUTCFullYear() < 1971) return null;
  return date.toISOString();
}

/** A fingerprint from the labels, for sources that send none (stable: sorted keys). */
export function labelsFingerprint(labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((key) => [key, labels[key]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

function invalid(message: string, details?: unknown): DomainError {
  return new DomainError('invalid_input', message, details === undefined ? {} : { details });
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw invalid(
      'the payload does not match the format',
      result.error.issues.slice(0, 20).map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message
      }))
    );
  }
  return result.data;
}

function alertmanagerLike(body: unknown, expectVersion: string | null): Delivery {
  const payload = parseWith(amPayloadSchema, body);
  if (
    expectVersion !== null &&
    payload.version !== undefined &&
    payload.version !== expectVersion
  ) {
    throw invalid(`unsupported payload version ${JSON.stringify(payload.version)}`, [
      { path: 'version', message: `expected "${expectVersion}"` }
    ]);
  }
  const alerts = payload.alerts.map((alert, index): IncomingAlert => {
    const startsAt = normalizeTime(alert.startsAt);
    if (startsAt === null) {
      throw invalid('an alert has no valid startsAt', [
        { path: `alerts.${index}.startsAt`, message: 'expected an RFC 3339 time' }
      ]);
    }
    const resolved = alert.status === 'resolved';
    const annotations = { ...alert.annotations };
    // Grafana's links are kept with the annotations, under names the incident page shows.
    if (alert.dashboardURL) annotations['dashboardURL'] ??= alert.dashboardURL;
    if (alert.panelURL) annotations['panelURL'] ??= alert.panelURL;
    if (alert.valueString) annotations['valueString'] ??= alert.valueString;
    return {
      fingerprint: alert.fingerprint ?? labelsFingerprint(alert.labels),
      status: alert.status,
      startsAt,
      endsAt: resolved ? (normalizeTime(alert.endsAt) ?? new Date().toISOString()) : null,
      labels: alert.labels,
      annotations,
      generatorUrl: alert.generatorURL || null,
      groupKey: payload.groupKey ?? null
    };
  });
  return { alerts, truncatedAlerts: payload.truncatedAlerts ?? 0 };
}

/** The value at a dotted path, or undefined. */
function at(source: unknown, path: string | undefined): unknown {
  if (path === undefined) return undefined;
  let value: unknown = source;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function asText(value: unknown): string | null {
  if (typeof value === 'string') return value.slice(0, MAX_TEXT);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

const RESOLVED_WORDS = new Set(['resolved', 'ok', 'closed', 'recovered', 'normal', 'inactive']);

function genericDelivery(body: unknown, mapping: GenericMapping): Delivery {
  if (body === null || typeof body !== 'object') throw invalid('the payload is not a JSON object');
  const list = mapping.alerts === undefined ? [body] : at(body, mapping.alerts);
  if (!Array.isArray(list)) {
    throw invalid('the alerts are not an array', [
      { path: mapping.alerts ?? '', message: 'expected an array' }
    ]);
  }
  if (list.length > MAX_ALERTS_PER_DELIVERY) {
    throw invalid(`more than ${MAX_ALERTS_PER_DELIVERY} alerts in one delivery`);
  }
  const alerts = list.map((item: unknown, index): IncomingAlert => {
    const where = mapping.alerts === undefined ? '' : `${mapping.alerts}.${index}.`;
    const title = asText(at(item, mapping.title));
    if (title === null || title.trim() === '') {
      throw invalid('an alert has no title', [
        { path: `${where}${mapping.title}`, message: 'expected a string' }
      ]);
    }
    const labels: Record<string, string> = { alertname: title.trim().slice(0, 300) };
    for (const [name, path] of Object.entries(mapping.labels ?? {})) {
      const value = asText(at(item, path));
      if (value !== null) labels[name] = value;
    }
    const severity = asText(at(item, mapping.severity));
    if (severity !== null) labels['severity'] = severity;
    const annotations: Record<string, string> = { summary: title.trim() };
    const description = asText(at(item, mapping.description));
    if (description !== null) annotations['description'] = description;
    const statusText = asText(at(item, mapping.status))?.toLowerCase() ?? 'firing';
    const status = RESOLVED_WORDS.has(statusText) ? 'resolved' : 'firing';
    const now = new Date().toISOString();
    const fingerprint = asText(at(item, mapping.fingerprint)) ?? labelsFingerprint(labels);
    return {
      fingerprint: fingerprint.slice(0, 200),
      status,
      startsAt: normalizeTime(at(item, mapping.startsAt)),
      endsAt: status === 'resolved' ? (normalizeTime(at(item, mapping.endsAt)) ?? now) : null,
      labels,
      annotations,
      generatorUrl: asText(at(item, mapping.url)),
      groupKey: null
    };
  });
  return { alerts, truncatedAlerts: 0 };
}

/** Parses a delivery of `type`; throws `invalid_input` with the reason. */
export function parseDelivery(
  type: IntegrationType,
  body: unknown,
  mapping: GenericMapping
): Delivery {
  switch (type) {
    case 'alertmanager':
      return alertmanagerLike(body, '4');
    case 'grafana':
      return alertmanagerLike(body, null);
    case 'generic':
      return genericDelivery(body, mapping);
  }
}
