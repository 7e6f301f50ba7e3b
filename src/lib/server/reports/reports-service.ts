/**
 * Reports (docs/kpis.md): a workspace's KPIs over a range [from, to), computed from the records
 * in one pass over the rows of the range (reports-store.ts). Every figure carries its
 * definition (shared/reports/kpi-definitions.ts), the same text as the metric's HELP line and
 * the docs.
 *
 * What counts where:
 * - MTTA, MTTR and `incidents.opened` take the incidents by their first opening in the range.
 *   MTTA stops at the first acknowledgement (or resolution by a person) if that came before any
 *   resolution; MTTR stops at the final resolution if it is before `to`. Incidents not resolved
 *   by `to` are counted as `open` and are not in MTTR.
 * - Changes and automation runs count by when they finished; tasks by their done time.
 * - Levels (`open`, work in progress, overdue) are as they were at `to`.
 */
import { SEVERITIES } from '../../shared/alerts/schema';
import {
  KPI_DEFINITIONS_VERSION,
  reportFigure,
  type ReportFigureDefinition
} from '../../shared/reports/kpi-definitions';
import type { ReportIncident, ReportTask, ReportsStore } from './reports-store';

export type ReportLocale = 'en' | 'zh-CN';

export interface KpiQuery {
  /** ISO, inclusive. */
  from: string;
  /** ISO, exclusive. */
  to: string;
  /** IANA zone of the per-day buckets; default UTC. */
  timeZone?: string;
  locale?: ReportLocale;
}

/** Mean, median and p90 of a set of durations, and how many. */
export interface DurationStats {
  count: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
}

export interface Figure {
  value: number | null;
  unit: ReportFigureDefinition['unit'];
  definition: { id: string; version: number; text: string };
}

export interface KpiReport {
  from: string;
  to: string;
  timeZone: string;
  definitionsVersion: number;
  /** Mean seconds to acknowledge; null: none acknowledged. */
  mttaSeconds: number | null;
  /** Mean seconds to resolve; null: none resolved. */
  mttrSeconds: number | null;
  /** Incidents opened in the range. */
  incidents: number;
  /** completed / (completed + failed + rolled_back); null: none of those finished. */
  changeSuccessRate: number | null;
  /** Plain tasks done in the range. */
  throughput: number;
  figures: {
    mtta: Figure & DurationStats & { bySeverity: Record<string, DurationStats> };
    mttr: Figure & DurationStats & { bySeverity: Record<string, DurationStats>; open: number };
    incidents: Figure & { opened: number; resolved: number; openAtEnd: number };
    changesFinished: Figure & { byOutcome: Record<string, number> };
    changeSuccessRate: Figure;
    changeFailureRate: Figure & { caused: number; finished: number };
    changeLeadTime: Figure & { count: number; median: number | null; mean: number | null };
    throughput: Figure & { byDay: { day: string; count: number }[] };
    cycleTime: Figure & DurationStats;
    workInProgress: Figure;
    overdue: Figure;
    automationRuns: Figure & { byState: Record<string, number> };
    automationSuccessRate: Figure;
  };
}

const CHANGE_OUTCOMES = ['completed', 'failed', 'rolled_back', 'cancelled', 'rejected'] as const;
const RUN_STATES = ['succeeded', 'failed', 'timed_out', 'cancelled', 'interrupted'] as const;

function seconds(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}

/**
 * Mean, median (the middle value, or the mean of the two middle ones) and p90 (nearest rank:
 * the ⌈0.9·n⌉-th smallest) of `values`.
 */
export function durationStats(values: number[]): DurationStats {
  if (values.length === 0) return { count: 0, mean: null, median: null, p90: null };
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / n;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const p90 = sorted[Math.ceil(0.9 * n) - 1]!;
  return { count: n, mean, median, p90 };
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** The instant `iso` is in [from, to). ISO UTC strings of one form compare as times. */
function within(iso: string | null, from: number, to: number): iso is string {
  if (iso === null) return false;
  const t = Date.parse(iso);
  return t >= from && t < to;
}

/** The calendar day (YYYY-MM-DD) of `iso` in `timeZone`. */
function dayFormatter(timeZone: string): (iso: string) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit'
  });
  return (iso) => format.format(new Date(iso));
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** When an incident was first acknowledged, if before any resolution (MTTA's stop). */
function acknowledgedAt(incident: ReportIncident): string | null {
  for (const event of incident.events) {
    if (event.type === 'acknowledged') return event.at;
    // A person resolving it acknowledges it; an automatic resolution first means no MTTA.
    if (event.type === 'resolved') return event.actor !== null ? event.at : null;
  }
  return null;
}

export class ReportsService {
  constructor(private readonly deps: { store: ReportsStore }) {}

  async kpis(workspaceId: string, query: KpiQuery): Promise<KpiReport> {
    const { store } = this.deps;
    const from = new Date(query.from).toISOString();
    const to = new Date(query.to).toISOString();
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    const timeZone = query.timeZone ?? 'UTC';
    const locale = query.locale ?? 'en';
    const figure = (id: string, value: number | null): Figure => {
      const definition = reportFigure(id);
      return {
        value,
        unit: definition.unit,
        definition: { id, version: KPI_DEFINITIONS_VERSION, text: definition.text[locale] }
      };
    };

    const [opened, resolvedCount, openAtEnd, changes, runs, tasks] = await Promise.all([
      store.incidentsOpened(workspaceId, from, to),
      store.incidentsResolved(workspaceId, from, to),
      store.incidentsOpenAt(workspaceId, to),
      store.changesFinished(workspaceId, from, to),
      store.runsFinished(workspaceId, from, to),
      store.tasks(workspaceId, from, to)
    ]);

    // Incidents: one pass.
    const ack: number[] = [];
    const resolve: number[] = [];
    const ackBy = new Map<string, number[]>(SEVERITIES.map((s) => [s, []]));
    const resolveBy = new Map<string, number[]>(SEVERITIES.map((s) => [s, []]));
    let open = 0;
    for (const incident of opened) {
      const acked = acknowledgedAt(incident);
      if (acked !== null && Date.parse(acked) < toMs) {
        const s = seconds(incident.openedAt, acked);
        ack.push(s);
        ackBy.get(incident.severity)?.push(s);
      }
      if (incident.resolvedAt !== null && Date.parse(incident.resolvedAt) < toMs) {
        const s = seconds(incident.openedAt, incident.resolvedAt);
        resolve.push(s);
        resolveBy.get(incident.severity)?.push(s);
      } else {
        open += 1;
      }
    }
    const bySeverity = (map: Map<string, number[]>) =>
      Object.fromEntries([...map].map(([severity, values]) => [severity, durationStats(values)]));
    const mtta = durationStats(ack);
    const mttr = durationStats(resolve);

    // Changes.
    const byOutcome: Record<string, number> = Object.fromEntries(
      CHANGE_OUTCOMES.map((o) => [o, 0])
    );
    const lead: number[] = [];
    let caused = 0;
    for (const change of changes) {
      byOutcome[change.state] = (byOutcome[change.state] ?? 0) + 1;
      if (change.state !== 'cancelled' && change.state !== 'rejected' && change.caused) caused += 1;
      if (change.state === 'completed' && change.submittedAt !== null) {
        lead.push(seconds(change.submittedAt, change.finishedAt));
      }
    }
    const decided = byOutcome.completed! + byOutcome.failed! + byOutcome.rolled_back!;
    const finishedCounted = changes.length - byOutcome.cancelled! - byOutcome.rejected!;
    const changeSuccessRate = ratio(byOutcome.completed!, decided);
    const leadStats = durationStats(lead);

    // Tasks: the live board and the archive, each task once.
    const dayOf = dayFormatter(timeZone);
    const days = new Map<string, number>();
    const cycle: number[] = [];
    let throughput = 0;
    let wip = 0;
    let overdue = 0;
    const seen = new Set<string>();
    const doneBy = (task: ReportTask, at: number) =>
      task.doneAt !== null && Date.parse(task.doneAt) < at;
    for (const task of [...tasks.archived, ...tasks.live]) {
      if (seen.has(task.id)) continue;
      seen.add(task.id);
      if (within(task.doneAt, fromMs, toMs)) {
        throughput += 1;
        const day = dayOf(task.doneAt);
        days.set(day, (days.get(day) ?? 0) + 1);
        if (task.startedAt !== null) cycle.push(seconds(task.startedAt, task.doneAt));
      }
      if (!doneBy(task, toMs)) {
        if (task.startedAt !== null && Date.parse(task.startedAt) < toMs) wip += 1;
        if (task.dueAt !== null && Date.parse(task.dueAt) < toMs) overdue += 1;
      }
    }
    const cycleStats = durationStats(cycle);

    // Automation runs.
    const byState: Record<string, number> = Object.fromEntries(RUN_STATES.map((s) => [s, 0]));
    for (const [state, n] of runs) byState[state] = (byState[state] ?? 0) + n;
    const runsFinished = [...runs.values()].reduce((sum, n) => sum + n, 0);
    const automationSuccessRate = ratio(byState.succeeded!, runsFinished - byState.cancelled!);

    return {
      from,
      to,
      timeZone,
      definitionsVersion: KPI_DEFINITIONS_VERSION,
      mttaSeconds: mtta.mean,
      mttrSeconds: mttr.mean,
      incidents: opened.length,
      changeSuccessRate,
      throughput,
      figures: {
        mtta: { ...figure('mtta', mtta.mean), ...mtta, bySeverity: bySeverity(ackBy) },
        mttr: { ...figure('mttr', mttr.mean), ...mttr, bySeverity: bySeverity(resolveBy), open },
        incidents: {
          ...figure('incidents', opened.length),
          opened: opened.length,
          resolved: resolvedCount,
          openAtEnd
        },
        changesFinished: { ...figure('changes_finished', changes.length), byOutcome },
        changeSuccessRate: figure('change_success_rate', changeSuccessRate),
        changeFailureRate: {
          ...figure('change_failure_rate', ratio(caused, finishedCounted)),
          caused,
          finished: finishedCounted
        },
        changeLeadTime: {
          ...figure('change_lead_time', leadStats.median),
          count: leadStats.count,
          median: leadStats.median,
          mean: leadStats.mean
        },
        throughput: {
          ...figure('throughput', throughput),
          byDay: [...days]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([day, count]) => ({ day, count }))
        },
        cycleTime: { ...figure('cycle_time', cycleStats.median), ...cycleStats },
        workInProgress: figure('work_in_progress', wip),
        overdue: figure('overdue', overdue),
        automationRuns: { ...figure('automation_runs', runsFinished), byState },
        automationSuccessRate: figure('automation_success_rate', automationSuccessRate)
      }
    };
  }
}
