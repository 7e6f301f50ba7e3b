/**
 * Anomalies on alert and task rates (issue 17 item 5, docs/ai.md "Anomalies"): the detector of
 * anomaly.ts run over hourly counts computed from the records: alert occurrences per service
 * and per board label of their incident, and plain tasks created per board label.
 *
 * - `events`: the anomaly events starting in a range, with four weeks of history before it for
 *   the seasonal baseline. Only the busiest `MAX_ANOMALY_GROUPS` groups of each series and
 *   group kind are scored (a filter picks its group first); the answer says how many there were.
 * - The scheduler (`start`, every `tickMs` on each node): for each workspace whose message is
 *   on, every event that started in the last `LOOKBACK_HOURS` (and after the setting was turned
 *   on) is queued once in the outbox, in one transaction with its claim row (migration 22), so
 *   two nodes or a restart never queue the same event twice; the outbox row's idempotency key
 *   `ai.anomaly:<ws>:<series>:<kind>:<group>:<start>` is a second guard. What the message says is
 *   fixed when queued, in the settings' language.
 */
import type { Locale } from '../../shared/locale';
import {
  MAX_ANOMALY_GROUPS,
  type AnomalyEventJson,
  type AnomalyGroupKind,
  type AnomalyMessageContent,
  type AnomalyNotifyPatch,
  type AnomalyNotifySettings,
  type AnomalySeries
} from '../../shared/ai/anomaly';
import { DomainError } from '../../shared/model/domain-error';
import type { RecordsDb, RecordsTransaction } from '../db/records';
import type { Logger } from '../log';
import { checkChannelInput } from '../notifications/channel-input';
import { PeriodicJob } from '../periodic-job';
import type { MessagePayload } from '../notifications/notifications-service';
import {
  DEFAULT_ANOMALY_OPTIONS,
  LABEL_ANOMALY_OPTIONS,
  anomalyEvents,
  bucketCounts,
  detectAnomalies,
  seasonalBaseline,
  type AnomalyOptions
} from '../ai/anomaly';
import type { AnomalySettingsRecord, AnomalyStore } from './anomalies-store';

const HOUR_MS = 3_600_000;
/** History read before a range: the weekly baseline's four weeks and a day. */
export const HISTORY_HOURS = 29 * 24;
/** Events that started this long ago at most are notified (after downtime: no backlog). */
export const LOOKBACK_HOURS = 6;
/** How often each node looks for new anomalies. */
export const DEFAULT_ANOMALY_TICK_MS = 300_000;

export interface AnomalyQuery {
  from: string;
  to: string;
  series?: AnomalySeries | undefined;
  service?: string | undefined;
  label?: string | undefined;
}

export interface AnomalyAnswer {
  /** Newest first. */
  events: AnomalyEventJson[];
  /** Groups there were, and groups scored (at most `MAX_ANOMALY_GROUPS` per series and kind). */
  groups: { total: number; evaluated: number; max: number };
}

/** What the service needs of the notifications (notifications-service.ts). */
export interface AnomalyNotifier {
  enqueueTo(
    db: RecordsDb | RecordsTransaction,
    workspaceId: string,
    channelId: string,
    message: { event: 'ai.anomaly'; idempotencyKey: string; payload: MessagePayload }
  ): Promise<void>;
  kick(): void;
  /** Throws `not_found` when the workspace has no such channel. */
  getChannel(workspaceId: string, id: string): Promise<{ id: string }>;
}

export interface AnomalyServiceDeps {
  store: AnomalyStore;
  notifier: AnomalyNotifier;
  /** The board's labels (id and name). */
  labels(workspaceId: string): Promise<readonly { id: string; name: string }[]>;
  logger: Logger;
  now?: () => number;
  tickMs?: number;
}

interface Group {
  series: AnomalySeries;
  kind: AnomalyGroupKind;
  /** The service name, or the label id. */
  key: string;
  times: number[];
}

function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** The detector's options for a group kind: label series are sums, tuned apart (anomaly.ts). */
export function optionsFor(kind: AnomalyGroupKind): AnomalyOptions {
  return kind === 'label' ? LABEL_ANOMALY_OPTIONS : DEFAULT_ANOMALY_OPTIONS;
}

export class AnomalyService {
  private readonly now: () => number;
  private readonly scheduler: PeriodicJob;

  constructor(private readonly deps: AnomalyServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.scheduler = new PeriodicJob({
      name: 'anomalies',
      everyMs: deps.tickMs ?? DEFAULT_ANOMALY_TICK_MS,
      round: () => this.runDue(),
      logger: deps.logger
    });
  }

  /** The anomaly events starting in [query.from, query.to), newest first. */
  async events(workspaceId: string, query: AnomalyQuery): Promise<AnomalyAnswer> {
    const fromMs = floorHour(Date.parse(query.from));
    const toMs = Math.max(fromMs + HOUR_MS, floorHour(Date.parse(query.to) + HOUR_MS - 1));
    const historyMs = fromMs - HISTORY_HOURS * HOUR_MS;
    const historyIso = new Date(historyMs).toISOString();
    const toIso = new Date(toMs).toISOString();
    const labels = await this.deps.labels(workspaceId);
    const labelName = new Map(labels.map((l) => [l.id, l.name]));
    const wanted = (series: AnomalySeries) => query.series === undefined || query.series === series;
    const groups = new Map<string, Group>();
    const add = (series: AnomalySeries, kind: AnomalyGroupKind, key: string, at: number) => {
      const id = `${series}\u0000${kind}\u0000${key}`;
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { series, kind, key, times: [] }));
      group.times.push(at);
    };
    if (wanted('alerts')) {
      for (const row of await this.deps.store.alerts(workspaceId, historyIso, toIso)) {
        if (row.service !== null) add('alerts', 'service', row.service, row.at);
        for (const id of new Set(row.labelIds)) add('alerts', 'label', id, row.at);
      }
    }
    if (wanted('tasks')) {
      for (const row of await this.deps.store.tasks(workspaceId, historyIso, toIso)) {
        for (const id of new Set(row.labelIds)) add('tasks', 'label', id, row.at);
      }
    }
    const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
    const matches = (g: Group) => {
      if (query.service === undefined && query.label === undefined) return true;
      if (g.kind === 'service') return query.service !== undefined && same(g.key, query.service);
      return (
        query.label !== undefined &&
        (g.key === query.label || same(labelName.get(g.key) ?? g.key, query.label))
      );
    };
    const candidates = [...groups.values()].filter(matches);
    // The busiest groups of each series and kind (ties by name, so the cut is stable).
    const scored: Group[] = [];
    for (const series of ['alerts', 'tasks'] as const) {
      for (const kind of ['service', 'label'] as const) {
        scored.push(
          ...candidates
            .filter((g) => g.series === series && g.kind === kind)
            .sort((a, b) => b.times.length - a.times.length || a.key.localeCompare(b.key))
            .slice(0, MAX_ANOMALY_GROUPS)
        );
      }
    }
    const steps = Math.round((toMs - historyMs) / HOUR_MS);
    const first = Math.round((fromMs - historyMs) / HOUR_MS);
    const events: AnomalyEventJson[] = [];
    for (const group of scored) {
      const values = bucketCounts(group.times, historyMs, HOUR_MS, steps);
      const options = optionsFor(group.kind);
      for (const event of anomalyEvents(detectAnomalies(values, options, first))) {
        let observed = 0;
        let expected = 0;
        for (let i = event.start; i < event.end; i++) {
          observed += values[i]!;
          expected += seasonalBaseline(values, i, options)?.expected ?? 0;
        }
        const start = new Date(historyMs + event.start * HOUR_MS).toISOString();
        const name = group.kind === 'label' ? (labelName.get(group.key) ?? group.key) : group.key;
        events.push({
          id: `${group.series}:${group.kind}:${group.key}:${start}`,
          series: group.series,
          groupKind: group.kind,
          group: name,
          labelId: group.kind === 'label' ? group.key : null,
          start,
          end: new Date(historyMs + event.end * HOUR_MS).toISOString(),
          peakScore: Math.round(event.peakScore * 100) / 100,
          observed,
          expected: Math.round(expected * 10) / 10
        });
      }
    }
    events.sort(
      (a, b) =>
        b.start.localeCompare(a.start) || b.peakScore - a.peakScore || a.id.localeCompare(b.id)
    );
    return {
      events,
      groups: { total: candidates.length, evaluated: scored.length, max: MAX_ANOMALY_GROUPS }
    };
  }

  // -------------------------------------------------------------------------------------------
  // Notification settings

  private defaults(workspaceId: string, locale: Locale): AnomalySettingsRecord {
    return {
      workspaceId,
      notify: false,
      channelId: null,
      locale,
      activeFrom: this.now(),
      updatedAt: new Date(this.now()).toISOString(),
      updatedBy: null
    };
  }

  private view(record: AnomalySettingsRecord, saved: boolean): AnomalyNotifySettings {
    return {
      notify: record.notify,
      channelId: record.channelId,
      locale: record.locale,
      updatedAt: saved ? record.updatedAt : null
    };
  }

  /** A workspace's settings (off, in `locale`, until an admin saves them). */
  async settings(workspaceId: string, locale: Locale): Promise<AnomalyNotifySettings> {
    const record = await this.deps.store.settings(workspaceId);
    return record ? this.view(record, true) : this.view(this.defaults(workspaceId, locale), false);
  }

  /** Changes a workspace's settings; turning the message on notifies only later events. */
  async update(
    workspaceId: string,
    patch: AnomalyNotifyPatch,
    context: { actorId: string | null; locale: Locale }
  ): Promise<AnomalyNotifySettings> {
    const current =
      (await this.deps.store.settings(workspaceId)) ?? this.defaults(workspaceId, context.locale);
    await checkChannelInput(this.deps.notifier, workspaceId, patch.channelId);
    const next: AnomalySettingsRecord = {
      ...current,
      ...(patch.notify === undefined ? {} : { notify: patch.notify }),
      ...(patch.channelId === undefined ? {} : { channelId: patch.channelId }),
      ...(patch.locale === undefined ? {} : { locale: patch.locale }),
      updatedAt: new Date(this.now()).toISOString(),
      updatedBy: context.actorId
    };
    if (next.notify && next.channelId === null) {
      throw new DomainError('invalid_input', 'the anomaly message needs a channel', {
        details: [{ path: 'channelId', message: 'choose a channel to send the message to' }]
      });
    }
    if (next.notify && !current.notify) next.activeFrom = this.now();
    await this.deps.store.save(next);
    return this.view(next, true);
  }

  // -------------------------------------------------------------------------------------------
  // The scheduler

  /** Queues the message of every new event of every notifying workspace; returns how many. */
  async runDue(): Promise<number> {
    let queued = 0;
    for (const record of await this.deps.store.notifying()) {
      try {
        queued += await this.queueNew(record);
      } catch (error) {
        this.deps.logger.error('anomalies: queueing failed', {
          workspace: record.workspaceId,
          error: String(error)
        });
      }
    }
    if (queued > 0) this.deps.notifier.kick();
    return queued;
  }

  private async queueNew(record: AnomalySettingsRecord): Promise<number> {
    const channelId = record.channelId;
    if (channelId === null) return 0;
    const now = this.now();
    const from = floorHour(now) - (LOOKBACK_HOURS - 1) * HOUR_MS;
    const { events } = await this.events(record.workspaceId, {
      from: new Date(from).toISOString(),
      to: new Date(now).toISOString()
    });
    // Events whose first hour ended before the setting took effect are not new to it.
    const fresh = events.filter((e) => Date.parse(e.start) + HOUR_MS > record.activeFrom);
    let queued = 0;
    const { store, notifier } = this.deps;
    const ws = encodeURIComponent(record.workspaceId);
    for (const event of fresh.reverse()) {
      const day = floorHour(Date.parse(event.start));
      const content: AnomalyMessageContent = {
        locale: record.locale,
        series: event.series,
        groupKind: event.groupKind,
        group: event.group,
        start: event.start,
        end: event.end,
        observed: event.observed,
        expected: event.expected,
        peakScore: event.peakScore,
        reportPath:
          `/w/${ws}/reports?from=${encodeURIComponent(new Date(day - 12 * HOUR_MS).toISOString())}` +
          `&to=${encodeURIComponent(new Date(day + 12 * HOUR_MS).toISOString())}`
      };
      const groupValue = event.labelId ?? event.group;
      const ok = await store.transaction(async (trx) => {
        const claimed = await store.claim(
          trx,
          {
            workspaceId: record.workspaceId,
            series: event.series,
            groupKind: event.groupKind,
            groupValue,
            startAt: event.start
          },
          new Date(now).toISOString()
        );
        if (!claimed) return false;
        await notifier.enqueueTo(trx, record.workspaceId, channelId, {
          event: 'ai.anomaly',
          idempotencyKey:
            `ai.anomaly:${record.workspaceId}:${event.series}:${event.groupKind}:` +
            `${groupValue}:${event.start}`,
          payload: { at: new Date(now).toISOString(), anomaly: content }
        });
        return true;
      });
      if (ok) queued++;
    }
    return queued;
  }

  /** Starts the scheduler of this node. */
  start(): void {
    this.scheduler.start();
  }

  /** Stops the scheduler and waits for a round in flight. */
  stop(): Promise<void> {
    return this.scheduler.stop();
  }
}
