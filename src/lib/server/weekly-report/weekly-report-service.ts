/**
 * The weekly report (docs/notifications.md, "Weekly report"): per workspace, a message on a
 * chosen channel at a weekday and hour in its time zone, with the last whole week's headline
 * figures (reports-service.ts), their trend against the week before, and the worst incidents.
 *
 * Each node runs the scheduler (`tick` every `tickMs`). A report that falls due is queued in the
 * outbox in one transaction with the claim of its week (`claimWeek`, a compare-and-set on the
 * workspace's row), so it is queued exactly once per workspace and week however many nodes look
 * at once or restart; the outbox row's idempotency key `report.weekly:<ws>:<Monday>` is a second
 * guard. Only the latest due time counts: after downtime, the missed week is sent once, never a
 * backlog. The figures are fixed when queued, so every retry of the outbox says the same.
 */
import type { Locale } from '../../shared/locale';
import { DomainError } from '../../shared/model/domain-error';
import { generateId } from '../../shared/model/ids';
import type { OutboxMessage } from '../../shared/notifications/schema';
import {
  WORST_INCIDENTS,
  type WeeklyFigures,
  type WeeklyReportContent,
  type WeeklyReportPatch,
  type WeeklyReportSettings,
  type WorstIncident
} from '../../shared/weekly-report/schema';
import type { RecordsDb, RecordsTransaction } from '../db/records';
import type { Logger } from '../log';
import { checkChannelInput } from '../notifications/channel-input';
import { PeriodicJob } from '../periodic-job';
import type { MessagePayload } from '../notifications/notifications-service';
import { reportMessage, reportText } from '../notifications/weekly-report-message';
import type { KpiQuery, KpiReport } from '../reports/reports-service';
import { dayText } from '../../shared/zoned-time';
import { latestSlot, previousWeek, slotAfter, weekBefore, type Week } from './report-week';
import type { WeeklyReportRecord, WeeklyReportStore } from './weekly-report-store';

/** The default sending time: Monday 09:00. */
export const DEFAULT_WEEKDAY = 1;
export const DEFAULT_HOUR = 9;
/** How often each node looks for due reports. */
export const DEFAULT_TICK_MS = 60_000;

/** What the service needs of the notifications (notifications-service.ts). */
export interface ReportNotifier {
  enqueueTo(
    db: RecordsDb | RecordsTransaction,
    workspaceId: string,
    channelId: string,
    message: { event: 'report.weekly'; idempotencyKey: string; payload: MessagePayload }
  ): Promise<void>;
  kick(): void;
  /** Throws `not_found` when the workspace has no such channel. */
  getChannel(workspaceId: string, id: string): Promise<{ id: string; locale: Locale }>;
  listMessages(
    workspaceId: string,
    query: { channelId?: string; limit: number }
  ): Promise<{ items: OutboxMessage[] }>;
}

export interface WeeklyReportServiceDeps {
  store: WeeklyReportStore;
  reports: { kpis(workspaceId: string, query: KpiQuery): Promise<KpiReport> };
  notifier: ReportNotifier;
  workspaceName(workspaceId: string): Promise<string | null>;
  logger: Logger;
  now?: () => number;
  tickMs?: number;
}

/** A preview: the message as Markdown and its subject, and what it says. */
export interface WeeklyReportPreview {
  subject: string;
  markdown: string;
  report: WeeklyReportContent;
}

function figuresOf(report: KpiReport): WeeklyFigures {
  return {
    mttaSeconds: report.mttaSeconds,
    mttrSeconds: report.mttrSeconds,
    incidentsOpened: report.figures.incidents.opened,
    incidentsResolved: report.figures.incidents.resolved,
    changeSuccessRate: report.changeSuccessRate,
    changeFailureRate: report.figures.changeFailureRate.value,
    throughput: report.throughput,
    automationSuccessRate: report.figures.automationSuccessRate.value
  };
}

export class WeeklyReportService {
  private readonly now: () => number;
  private readonly scheduler: PeriodicJob;

  constructor(private readonly deps: WeeklyReportServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.scheduler = new PeriodicJob({
      name: 'weekly report',
      everyMs: deps.tickMs ?? DEFAULT_TICK_MS,
      round: () => this.runDue(),
      logger: deps.logger
    });
  }

  private defaults(workspaceId: string, locale: Locale): WeeklyReportRecord {
    return {
      workspaceId,
      enabled: false,
      channelId: null,
      weekday: DEFAULT_WEEKDAY,
      hour: DEFAULT_HOUR,
      timeZone: 'UTC',
      locale,
      lastWeekStart: null,
      activeFrom: this.now(),
      updatedAt: new Date(this.now()).toISOString(),
      updatedBy: null
    };
  }

  private view(record: WeeklyReportRecord, saved: boolean): WeeklyReportSettings {
    let nextAt: string | null = null;
    if (record.enabled && record.channelId !== null) {
      const slot = latestSlot(this.now(), record.weekday, record.hour, record.timeZone);
      const week = dayText(weekBefore(slot.date, record.timeZone).start);
      const pending =
        slot.at >= record.activeFrom &&
        (record.lastWeekStart === null || record.lastWeekStart < week);
      nextAt = new Date(
        pending ? slot.at : slotAfter(slot, record.hour, record.timeZone).at
      ).toISOString();
    }
    return {
      enabled: record.enabled,
      channelId: record.channelId,
      weekday: record.weekday,
      hour: record.hour,
      timeZone: record.timeZone,
      locale: record.locale,
      lastWeekStart: record.lastWeekStart,
      nextAt,
      updatedAt: saved ? record.updatedAt : null
    };
  }

  /** A workspace's settings (the defaults, in `locale`, until an admin saves them). */
  async settings(workspaceId: string, locale: Locale): Promise<WeeklyReportSettings> {
    const record = await this.deps.store.settings(workspaceId);
    return record ? this.view(record, true) : this.view(this.defaults(workspaceId, locale), false);
  }

  /**
   * Changes a workspace's settings. Turning the report on, or moving its time, makes only later
   * times due: nothing is sent at once for a time already past.
   */
  async update(
    workspaceId: string,
    patch: WeeklyReportPatch,
    context: { actorId: string | null; locale: Locale }
  ): Promise<{ settings: WeeklyReportSettings; changed: string[] }> {
    const current =
      (await this.deps.store.settings(workspaceId)) ?? this.defaults(workspaceId, context.locale);
    await checkChannelInput(this.deps.notifier, workspaceId, patch.channelId);
    const next: WeeklyReportRecord = {
      ...current,
      ...(patch.enabled === undefined ? {} : { enabled: patch.enabled }),
      ...(patch.channelId === undefined ? {} : { channelId: patch.channelId }),
      ...(patch.weekday === undefined ? {} : { weekday: patch.weekday }),
      ...(patch.hour === undefined ? {} : { hour: patch.hour }),
      ...(patch.timeZone === undefined ? {} : { timeZone: patch.timeZone }),
      ...(patch.locale === undefined ? {} : { locale: patch.locale }),
      updatedAt: new Date(this.now()).toISOString(),
      updatedBy: context.actorId
    };
    if (next.enabled && next.channelId === null) {
      throw new DomainError('invalid_input', 'the weekly report needs a channel', {
        details: [{ path: 'channelId', message: 'choose a channel to send the report to' }]
      });
    }
    const rescheduled =
      (next.enabled && !current.enabled) ||
      next.weekday !== current.weekday ||
      next.hour !== current.hour ||
      next.timeZone !== current.timeZone;
    if (rescheduled) next.activeFrom = this.now();
    await this.deps.store.save(next);
    const changed = (Object.keys(patch) as (keyof WeeklyReportPatch)[]).filter(
      (key) => patch[key] !== current[key]
    );
    return { settings: this.view(next, true), changed };
  }

  /** What the report of `week` says, in `locale`, with the week before for the trends. */
  async compose(
    workspaceId: string,
    week: Week,
    options: { timeZone: string; locale: Locale }
  ): Promise<WeeklyReportContent> {
    const { timeZone, locale } = options;
    const before = previousWeek(week, timeZone);
    const from = new Date(week.from).toISOString();
    const to = new Date(week.to).toISOString();
    const [current, previous, incidents] = await Promise.all([
      this.deps.reports.kpis(workspaceId, { from, to, timeZone, locale }),
      this.deps.reports.kpis(workspaceId, {
        from: new Date(before.from).toISOString(),
        to: from,
        timeZone,
        locale
      }),
      this.deps.store.incidentsDuring(workspaceId, from, to)
    ]);
    const ws = encodeURIComponent(workspaceId);
    const worst: WorstIncident[] = incidents
      .map((incident) => {
        const resolved = incident.resolvedAt !== null && Date.parse(incident.resolvedAt) < week.to;
        const end = resolved ? Date.parse(incident.resolvedAt!) : week.to;
        return {
          id: incident.id,
          key: incident.key,
          title: incident.title,
          severity: incident.severity,
          open: !resolved,
          seconds: Math.max(0, Math.round((end - Date.parse(incident.openedAt)) / 1000)),
          path: `/w/${ws}/incidents/${encodeURIComponent(incident.key ?? incident.id)}`
        };
      })
      .sort((a, b) => b.seconds - a.seconds || a.id.localeCompare(b.id))
      .slice(0, WORST_INCIDENTS);
    return {
      locale,
      timeZone,
      weekStart: dayText(week.start),
      from,
      to,
      current: figuresOf(current),
      previous: figuresOf(previous),
      worst,
      reportPath: `/w/${ws}/reports?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`
    };
  }

  /** The last whole week before now, in the settings' zone. */
  private lastWeek(record: WeeklyReportRecord): Week {
    const local = latestSlot(this.now(), 1, 0, record.timeZone);
    // The latest Monday 00:00 at or before now ends the last whole week.
    return weekBefore(local.date, record.timeZone);
  }

  private async current(workspaceId: string, locale: Locale): Promise<WeeklyReportRecord> {
    return (await this.deps.store.settings(workspaceId)) ?? this.defaults(workspaceId, locale);
  }

  /** The report of the last whole week as it would be sent, without sending it. */
  async preview(
    workspaceId: string,
    context: { locale: Locale; origin: string }
  ): Promise<WeeklyReportPreview> {
    const record = await this.current(workspaceId, context.locale);
    const report = await this.compose(workspaceId, this.lastWeek(record), record);
    const name = (await this.deps.workspaceName(workspaceId)) ?? workspaceId;
    const message = reportMessage(report, name, context.origin.replace(/\/+$/, ''));
    return { subject: message.title, markdown: reportText(message, 'markdown'), report };
  }

  /** Queues the report of the last whole week on the chosen channel now; answers the message. */
  async sendNow(workspaceId: string, locale: Locale): Promise<OutboxMessage> {
    const record = await this.current(workspaceId, locale);
    if (record.channelId === null) {
      throw new DomainError('invalid_input', 'the weekly report has no channel', {
        details: [{ path: 'channelId', message: 'choose a channel to send the report to' }]
      });
    }
    const channelId = record.channelId;
    await this.deps.notifier.getChannel(workspaceId, channelId);
    const report = await this.compose(workspaceId, this.lastWeek(record), record);
    await this.deps.notifier.enqueueTo(this.deps.store.db, workspaceId, channelId, {
      event: 'report.weekly',
      idempotencyKey: `report.weekly:${workspaceId}:${report.weekStart}:now:${generateId()}`,
      payload: { at: new Date(this.now()).toISOString(), report }
    });
    this.deps.notifier.kick();
    const {
      items: [message]
    } = await this.deps.notifier.listMessages(workspaceId, { channelId, limit: 1 });
    if (!message) throw new DomainError('not_found', 'the report was not queued');
    return message;
  }

  /**
   * Queues every report that is due: for each enabled workspace, the latest sending time at or
   * before now, if after the settings took effect and its week is not claimed yet. Returns the
   * workspaces queued for.
   */
  async runDue(): Promise<string[]> {
    const queued: string[] = [];
    for (const record of await this.deps.store.enabled()) {
      try {
        if (await this.queueDue(record)) queued.push(record.workspaceId);
      } catch (error) {
        this.deps.logger.error('weekly report: queueing failed', {
          workspace: record.workspaceId,
          error: String(error)
        });
      }
    }
    if (queued.length > 0) this.deps.notifier.kick();
    return queued;
  }

  private async queueDue(record: WeeklyReportRecord): Promise<boolean> {
    const channelId = record.channelId;
    if (channelId === null) return false;
    const slot = latestSlot(this.now(), record.weekday, record.hour, record.timeZone);
    if (slot.at < record.activeFrom) return false;
    const week = weekBefore(slot.date, record.timeZone);
    const weekStart = dayText(week.start);
    if (record.lastWeekStart !== null && record.lastWeekStart >= weekStart) return false;
    // Computed before the transaction: on SQLite the transaction holds the only connection.
    const report = await this.compose(record.workspaceId, week, record);
    const { store, notifier } = this.deps;
    return store.transaction(async (trx) => {
      if (!(await store.claimWeek(trx, record.workspaceId, weekStart))) return false;
      await notifier.enqueueTo(trx, record.workspaceId, channelId, {
        event: 'report.weekly',
        idempotencyKey: `report.weekly:${record.workspaceId}:${weekStart}`,
        payload: { at: new Date(slot.at).toISOString(), report }
      });
      return true;
    });
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
