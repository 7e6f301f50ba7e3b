/**
 * This process's Prometheus metrics (GET /metrics, docs/metrics.md): process metrics, HTTP and
 * sync figures, and the per-workspace ops KPIs of shared/reports/kpi-definitions.ts. The KPIs are
 * live: the services call the `on…` methods as the events happen (wired in the composition
 * root), and the one level that is current state (open incidents) is read from the records at
 * each scrape, with the list of workspaces. Nothing is recomputed on a timer.
 *
 * Every workspace's series exist from the start at zero (each fixed-enum label value, each
 * histogram's buckets): a series that first appeared at 1 would hide that first event from
 * Prometheus' increase() and rate(). A workspace created here starts its series at once
 * (`addWorkspace`); one created on another node or by the admin CLI at the next scrape; a
 * deleted workspace's series are removed.
 *
 * Several nodes: each exposes its own /metrics with the events it handled; Prometheus sums the
 * counters and histograms across instances, and takes the max of `incidents_open`, which every
 * node reads from the same records (docs/metrics.md). The series that describe the node itself
 * (process, HTTP, sync, fan-out, rate limits) carry its name as `node`; the workspace series do
 * not: they are the workspace's business, summed across nodes, and `instance` already keeps
 * two scrapes apart.
 *
 * One Registry per process, never prom-client's global one: the SvelteKit bundle and the process
 * entry are separate module graphs, so a global would be two registries.
 *
 * Cardinality is bounded by construction: labels are the workspace id (the workspaces that
 * exist), fixed enums (severity, change outcome, run state, direction), the HTTP method, the
 * SvelteKit route id (never the path) and the status class. No item id is ever a label.
 */
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type LabelValues
} from 'prom-client';
import type { ChangeState } from '../../shared/changes/schema';
import type { RunState } from '../../shared/automation/schema';
import type { Severity } from '../../shared/alerts/schema';
import {
  INCIDENT_DURATION_BUCKETS_SECONDS,
  KPI_DEFINITIONS,
  KPI_LABEL_VALUES,
  type KpiDefinition
} from '../../shared/reports/kpi-definitions';
import { hostname } from 'node:os';
import type { Logger } from '../log';
import type { MetricsStore } from './metrics-store';

/** The prefix of every metric, the process metrics included. */
export const METRIC_PREFIX = 'runboard_';

/** Buckets of request durations: 5 ms to 10 s. */
const HTTP_DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The HTTP methods kept as they are; anything else is `other` (bounded label values). */
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** What the metrics read from the sync server, at scrape time (cheap counters it keeps). */
export interface SyncFigures {
  connections(): number;
  documentsLoaded(): number;
  messages(): { in: number; out: number };
  /** The Redis fan-out's figures (sync-server/fanout/fanout.ts); null on a single node. */
  fanout?(): {
    connected: boolean;
    published: number;
    received: number;
    resyncs: number;
  } | null;
}

/** What the metrics read from the rate limits, at scrape time (auth/redis-rate-limit.ts). */
export interface RateLimitFigures {
  /** Checks this node made against its own buckets because the shared ones were unreachable. */
  fallbacks: number;
}

export interface MetricsServiceDeps {
  store: Pick<MetricsStore, 'openIncidentsByWorkspace'>;
  logger: Logger;
  /** This node's name, the `node` label of its own series (config.ts `nodeNameOf`); default: the hostname. */
  node?: string;
  /** The shared rate limits' figures; absent (or null: no REDIS_URL): the fallbacks stay at 0. */
  rateLimits?: () => RateLimitFigures | null;
  /** The sync server's figures; absent: the sync metrics stay at 0. */
  sync?: () => SyncFigures | null;
  /** Whether to collect prom-client's process metrics (default true). */
  processMetrics?: boolean;
}

/** An incident as the lifecycle events report it. */
export interface IncidentTimes {
  severity: Severity;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
}

function definition(metric: string): KpiDefinition {
  const found = KPI_DEFINITIONS.find((d) => d.metric === metric);
  if (!found) throw new Error(`no definition for the metric ${metric}`);
  return found;
}

/** The HELP line of `metric`: its English definition text (shared/reports/kpi-definitions.ts). */
function help(metric: string): string {
  return definition(metric).text.en;
}

/** Seconds between two ISO times, never negative (a clock step back is 0, not a negative bucket). */
function secondsBetween(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}

/** The status class label of an HTTP status: `2xx` … `5xx`. */
export function statusClass(status: number): string {
  const hundreds = Math.floor(status / 100);
  return hundreds >= 1 && hundreds <= 5 ? `${hundreds}xx` : 'other';
}

export class MetricsService {
  readonly registry = new Registry();
  /** This node's name: the `node` label of every series that describes the node itself. */
  readonly node: string;
  private readonly httpRequests: Counter<'method' | 'route' | 'status' | 'node'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status' | 'node'>;
  private readonly incidentsOpen: Gauge<'workspace'>;
  private readonly acknowledgeSeconds: Histogram<'workspace' | 'severity'>;
  private readonly resolveSeconds: Histogram<'workspace' | 'severity'>;
  private readonly alertsReceived: Counter<'workspace'>;
  private readonly changesFinished: Counter<'workspace' | 'outcome'>;
  private readonly automationRuns: Counter<'workspace' | 'state'>;
  private readonly tasksDone: Counter<'workspace'>;
  /** Sync messages already added to the counter, so a scrape adds only what is new. */
  private readonly messagesCounted = { in: 0, out: 0 };
  /**
   * The workspaces whose series exist, each with the turn of `workspaceTurn` it was added at, so
   * a scrape removes only workspaces that the records lacked after they were added here.
   */
  private readonly workspaces = new Map<string, number>();
  private workspaceTurn = 0;

  constructor(private readonly deps: MetricsServiceDeps) {
    const registers = [this.registry];
    const node = (this.node = deps.node ?? hostname());
    if (deps.processMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX, labels: { node } });
      // prom-client names three gauges `…_total` (active handles, requests, resources): `_total`
      // is for counters only, and the same figures are there by type without the suffix.
      for (const metric of this.registry.getMetricsAsArray()) {
        const { name, type } = metric as unknown as { name: string; type: string };
        if (name.endsWith('_total') && type !== 'counter') this.registry.removeSingleMetric(name);
      }
    }
    this.httpRequests = new Counter({
      name: 'runboard_http_requests_total',
      help: help('runboard_http_requests_total'),
      labelNames: ['method', 'route', 'status', 'node'],
      registers
    });
    this.httpDuration = new Histogram({
      name: 'runboard_http_request_duration_seconds',
      help: help('runboard_http_request_duration_seconds'),
      labelNames: ['method', 'route', 'status', 'node'],
      buckets: HTTP_DURATION_BUCKETS_SECONDS,
      registers
    });
    const sync = () => deps.sync?.() ?? null;
    new Gauge({
      name: 'runboard_sync_connections',
      help: help('runboard_sync_connections'),
      labelNames: ['node'],
      registers,
      // The sync server counts its sockets itself; the scrape reads the count as it is now.
      collect() {
        this.set({ node }, sync()?.connections() ?? 0);
      }
    });
    new Gauge({
      name: 'runboard_sync_documents_loaded',
      help: help('runboard_sync_documents_loaded'),
      labelNames: ['node'],
      registers,
      collect() {
        this.set({ node }, sync()?.documentsLoaded() ?? 0);
      }
    });
    const counted = this.messagesCounted;
    new Counter({
      name: 'runboard_sync_messages_total',
      help: help('runboard_sync_messages_total'),
      labelNames: ['direction', 'node'],
      registers,
      collect() {
        const now = sync()?.messages() ?? { in: 0, out: 0 };
        for (const direction of ['in', 'out'] as const) {
          // A new sync server (tests restart it) starts again from 0: never count backwards.
          const delta = now[direction] - counted[direction];
          this.inc({ direction, node }, Math.max(0, delta));
          counted[direction] = now[direction];
        }
      }
    });
    const fanout = () => sync()?.fanout?.() ?? null;
    new Gauge({
      name: 'runboard_fanout_connected',
      help: help('runboard_fanout_connected'),
      labelNames: ['node'],
      registers,
      collect() {
        this.set({ node }, fanout()?.connected ? 1 : 0);
      }
    });
    const fanoutCounted = { in: 0, out: 0, resyncs: 0 };
    new Counter({
      name: 'runboard_fanout_messages_total',
      help: help('runboard_fanout_messages_total'),
      labelNames: ['direction', 'node'],
      registers,
      collect() {
        const figures = fanout();
        const now = { in: figures?.received ?? 0, out: figures?.published ?? 0 };
        for (const direction of ['in', 'out'] as const) {
          this.inc({ direction, node }, Math.max(0, now[direction] - fanoutCounted[direction]));
          fanoutCounted[direction] = now[direction];
        }
      }
    });
    new Counter({
      name: 'runboard_fanout_resyncs_total',
      help: help('runboard_fanout_resyncs_total'),
      labelNames: ['node'],
      registers,
      collect() {
        const now = fanout()?.resyncs ?? 0;
        this.inc({ node }, Math.max(0, now - fanoutCounted.resyncs));
        fanoutCounted.resyncs = now;
      }
    });
    const rateLimitsCounted = { fallbacks: 0 };
    new Counter({
      name: 'runboard_rate_limit_fallbacks_total',
      help: help('runboard_rate_limit_fallbacks_total'),
      labelNames: ['node'],
      registers,
      collect() {
        const now = deps.rateLimits?.()?.fallbacks ?? 0;
        this.inc({ node }, Math.max(0, now - rateLimitsCounted.fallbacks));
        rateLimitsCounted.fallbacks = now;
      }
    });
    this.incidentsOpen = new Gauge({
      name: 'runboard_incidents_open',
      help: help('runboard_incidents_open'),
      labelNames: ['workspace'],
      registers
    });
    this.acknowledgeSeconds = new Histogram({
      name: 'runboard_incident_acknowledge_seconds',
      help: help('runboard_incident_acknowledge_seconds'),
      labelNames: ['workspace', 'severity'],
      buckets: [...INCIDENT_DURATION_BUCKETS_SECONDS],
      registers
    });
    this.resolveSeconds = new Histogram({
      name: 'runboard_incident_resolve_seconds',
      help: help('runboard_incident_resolve_seconds'),
      labelNames: ['workspace', 'severity'],
      buckets: [...INCIDENT_DURATION_BUCKETS_SECONDS],
      registers
    });
    this.alertsReceived = new Counter({
      name: 'runboard_alerts_received_total',
      help: help('runboard_alerts_received_total'),
      labelNames: ['workspace'],
      registers
    });
    this.changesFinished = new Counter({
      name: 'runboard_changes_finished_total',
      help: help('runboard_changes_finished_total'),
      labelNames: ['workspace', 'outcome'],
      registers
    });
    this.automationRuns = new Counter({
      name: 'runboard_automation_runs_total',
      help: help('runboard_automation_runs_total'),
      labelNames: ['workspace', 'state'],
      registers
    });
    this.tasksDone = new Counter({
      name: 'runboard_tasks_done_total',
      help: help('runboard_tasks_done_total'),
      labelNames: ['workspace'],
      registers
    });
  }

  /**
   * Starts every workspace's series at zero and reads the open incidents (one query). Called by
   * the composition root before any service can report an event.
   */
  async start(): Promise<void> {
    await this.readRecords();
  }

  /** Content type and body of the exposition (Prometheus text format). */
  async exposition(): Promise<{ contentType: string; body: string }> {
    try {
      await this.readRecords();
    } catch (err) {
      // The counters are still right; the scrape must not fail because the store is down.
      this.deps.logger.warn('metrics: reading workspaces and open incidents failed', {
        error: String(err)
      });
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** The workspaces and their open incidents from the records: add, set, and remove. */
  private async readRecords(): Promise<void> {
    const turn = ++this.workspaceTurn;
    const open = await this.deps.store.openIncidentsByWorkspace();
    for (const [workspace, count] of open) {
      this.addWorkspace(workspace);
      this.incidentsOpen.set({ workspace }, count);
    }
    for (const [workspace, added] of this.workspaces) {
      // Added after the query began (created here meanwhile): the records may not show it yet.
      if (!open.has(workspace) && added < turn) this.removeWorkspace(workspace);
    }
  }

  /**
   * Starts `workspaceId`'s series at zero: every counter for each of its fixed-enum label values,
   * both incident histograms (zero buckets) for each severity, and the open-incidents level.
   * Idempotent; never resets a series that exists.
   */
  addWorkspace(workspaceId: string): void {
    if (this.workspaces.has(workspaceId)) return;
    this.workspaces.set(workspaceId, this.workspaceTurn);
    const workspace = workspaceId;
    this.incidentsOpen.inc({ workspace }, 0);
    this.alertsReceived.inc({ workspace }, 0);
    this.tasksDone.inc({ workspace }, 0);
    for (const outcome of KPI_LABEL_VALUES.outcome)
      this.changesFinished.inc({ workspace, outcome }, 0);
    for (const state of KPI_LABEL_VALUES.state) this.automationRuns.inc({ workspace, state }, 0);
    for (const severity of KPI_LABEL_VALUES.severity) {
      // zero() replaces the series; the workspace is new here, so nothing was observed yet.
      this.acknowledgeSeconds.zero({ workspace, severity });
      this.resolveSeconds.zero({ workspace, severity });
    }
  }

  /** Removes `workspaceId`'s series (a deleted workspace), so the registry does not grow. */
  removeWorkspace(workspaceId: string): void {
    if (!this.workspaces.delete(workspaceId)) return;
    const workspace = workspaceId;
    this.incidentsOpen.remove({ workspace });
    this.alertsReceived.remove({ workspace });
    this.tasksDone.remove({ workspace });
    for (const outcome of KPI_LABEL_VALUES.outcome)
      this.changesFinished.remove({ workspace, outcome });
    for (const state of KPI_LABEL_VALUES.state) this.automationRuns.remove({ workspace, state });
    for (const severity of KPI_LABEL_VALUES.severity) {
      this.acknowledgeSeconds.remove({ workspace, severity });
      this.resolveSeconds.remove({ workspace, severity });
    }
  }

  /** One answered HTTP request: `route` is SvelteKit's route id (null: no route matched). */
  observeRequest(method: string, route: string | null, status: number, seconds: number): void {
    const labels: LabelValues<'method' | 'route' | 'status' | 'node'> = {
      method: HTTP_METHODS.has(method) ? method : 'other',
      route: route ?? 'unmatched',
      status: statusClass(status),
      node: this.node
    };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** `count` new alert occurrences arrived for `workspaceId` (alerts-service.ts `receive`). */
  onAlertReceived(workspaceId: string, count: number): void {
    this.addWorkspace(workspaceId);
    if (count > 0) this.alertsReceived.inc({ workspace: workspaceId }, count);
  }

  /**
   * An incident opened or reopened. The open level itself is read from the records at the
   * scrape (the same on every node); here the workspace's series are made sure of.
   */
  onIncidentOpened(workspaceId: string): void {
    this.addWorkspace(workspaceId);
  }

  /** An incident was acknowledged (or resolved unacknowledged, which acknowledges it). */
  onIncidentAcknowledged(workspaceId: string, incident: IncidentTimes): void {
    this.addWorkspace(workspaceId);
    if (incident.acknowledgedAt === null) return;
    this.acknowledgeSeconds.observe(
      { workspace: workspaceId, severity: incident.severity },
      secondsBetween(incident.openedAt, incident.acknowledgedAt)
    );
  }

  /** An open incident was resolved: its time to resolve (the open level: `onIncidentOpened`). */
  onIncidentResolved(workspaceId: string, incident: IncidentTimes): void {
    this.addWorkspace(workspaceId);
    if (incident.resolvedAt === null) return;
    this.resolveSeconds.observe(
      { workspace: workspaceId, severity: incident.severity },
      secondsBetween(incident.openedAt, incident.resolvedAt)
    );
  }

  /** A change reached a final state (changes-service.ts). */
  onChangeFinished(workspaceId: string, outcome: ChangeState): void {
    this.addWorkspace(workspaceId);
    this.changesFinished.inc({ workspace: workspaceId, outcome });
  }

  /** An automation run ended (automation-service.ts `finish`). */
  onRunFinished(workspaceId: string, state: RunState): void {
    this.addWorkspace(workspaceId);
    this.automationRuns.inc({ workspace: workspaceId, state });
  }

  /** A plain task was moved to done (board/activity-recorder.ts). */
  onTaskDone(workspaceId: string): void {
    this.addWorkspace(workspaceId);
    this.tasksDone.inc({ workspace: workspaceId });
  }
}
