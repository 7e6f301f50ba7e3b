/**
 * Reports (docs/kpis.md): a workspace's KPIs over a range [from, to), computed from the records
 * in one pass over the rows of the range (reports-store.ts), filtered there by service, label,
 * team and severity (report-filters.ts). Every figure carries its definition
 * (shared/reports/kpi-definitions.ts), the same text as the metric's HELP line and the docs.
 *
 * What counts where:
 * - MTTA, MTTR, `incidents.opened` and the alert noise take the incidents by their first opening
 *   in the range. MTTA stops at the first acknowledgement (or resolution by a person) if that
 *   came before any resolution; MTTR stops at the final resolution if it is before `to`.
 *   Incidents not resolved by `to` are counted as `open` and are not in MTTR. Both are grouped
 *   by the severity recorded at the stopping event (as the metrics observe it), and by service
 *   and team.
 * - Changes and automation runs count by when they finished; tasks by their first completion.
 * - Levels (`open`, work in progress, overdue) are as they were at `to`.
 *
 * The same pass lists the items each figure counted, so the drill-down (`items`) gives exactly
 * what a figure, a series point or a group counted.
 */
import { SEVERITIES } from '../../shared/alerts/schema';
import {
  KPI_DEFINITIONS_VERSION,
  reportFigure,
  type ReportFigureDefinition
} from '../../shared/reports/kpi-definitions';
import { dayCache } from '../../shared/zoned-time';
import {
  bucketOf,
  bucketUnit,
  buckets,
  localHour,
  type Bucket,
  type BucketUnit
} from './report-buckets';
import type {
  ReportChange,
  ReportFilters,
  ReportIncident,
  ReportRun,
  ReportScope,
  ReportTask,
  ReportsStore
} from './reports-store';

export type ReportLocale = 'en' | 'zh-CN';

export interface KpiQuery {
  /** ISO, inclusive. */
  from: string;
  /** ISO, exclusive. */
  to: string;
  /** IANA zone of the per-day buckets and night hours; default UTC. */
  timeZone?: string | undefined;
  locale?: ReportLocale | undefined;
  /** Filters applied to the rows (report-filters.ts). */
  filters?: ReportFilters | undefined;
  /** `previous`: the headline figures of the range just before, as long. */
  compare?: 'previous' | undefined;
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

/** One point of the series: the figures of one bucket. */
export interface SeriesPoint {
  start: string;
  end: string;
  incidentsOpened: number;
  alertsReceived: number;
  mttaSeconds: number | null;
  mttrSeconds: number | null;
  changesFinished: number;
  /** Changes of the bucket marked as the cause of an incident (change failure rate's count). */
  changesFailed: number;
  changeFailureRate: number | null;
  throughput: number;
  /** Median. */
  cycleTimeSeconds: number | null;
  runsFinished: number;
  runsSucceeded: number;
}

/** The headline figures of the previous range. */
export interface PreviousFigures {
  from: string;
  to: string;
  mttaSeconds: number | null;
  mttrSeconds: number | null;
  incidents: number;
  changeSuccessRate: number | null;
  changeFailureRate: number | null;
  throughput: number;
  cycleTimeSeconds: number | null;
  automationSuccessRate: number | null;
  alertsPerIncident: number | null;
}

type Grouped = Record<string, DurationStats>;

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
  /** Plain tasks done for the first time in the range. */
  throughput: number;
  /** The filters applied, as given. */
  filters: {
    service: string | null;
    label: string | null;
    team: string | null;
    severity: string | null;
  };
  /** Keys of `figures` the given filters could not narrow (e.g. tasks have no team). */
  unfiltered: string[];
  figures: {
    mtta: Figure & DurationStats & { bySeverity: Grouped; byService: Grouped; byTeam: Grouped };
    mttr: Figure &
      DurationStats & { bySeverity: Grouped; byService: Grouped; byTeam: Grouped; open: number };
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
    alertNoise: Figure & {
      alerts: number;
      incidents: number;
      alertsReceived: number;
      autoResolved: Figure & { count: number; resolved: number };
      flapping: Figure & { share: number | null };
    };
    oncallLoad: Figure & {
      nightPages: number;
      byPerson: { person: string; pages: number; nightPages: number }[];
    };
    slaBreaches: Figure & { due: number; met: number; breachRate: number | null };
    dora: {
      deploymentFrequency: Figure & { deployments: number; days: number };
      leadTimeForChanges: Figure & { count: number; median: number | null; mean: number | null };
      changeFailureRate: Figure & { caused: number; finished: number };
      timeToRestore: Figure & { count: number; median: number | null; mean: number | null };
    };
  };
  series: { bucket: BucketUnit; points: SeriesPoint[] };
  previous?: PreviousFigures;
}

/** One item a figure counted (the drill-down). */
export interface ReportItem {
  type: 'incident' | 'task' | 'change' | 'run';
  id: string;
  key: string | null;
  title: string;
  url: string;
  /** The event counted (ISO): what places the item in a series bucket. */
  at: string;
  valueSeconds: number | null;
}

/** A counted item with the groups it falls in (severity, service, team, person). */
interface Counted {
  item: Omit<ReportItem, 'url'>;
  groups: Partial<Record<GroupBy | 'outcome', string>>;
}

export type GroupBy = 'severity' | 'service' | 'team' | 'person';

export interface ItemsQuery extends KpiQuery {
  figure: string;
  /** A series point's start (ISO): only the items of that bucket. */
  bucket?: string | undefined;
  /** Only the items of this group value (severity, service, team or person). */
  group?: string | undefined;
  /** Which grouping `group` names; absent: any of them. */
  groupBy?: GroupBy | undefined;
}

/** The group key of items without a service or team. */
export const NO_GROUP = '(none)';

const CHANGE_OUTCOMES = ['completed', 'failed', 'rolled_back', 'cancelled', 'rejected'] as const;
const RUN_STATES = ['succeeded', 'failed', 'timed_out', 'cancelled', 'interrupted'] as const;
const DAY_MS = 86_400_000;

/** The figures whose items the series is built from. */
const SERIES_FIGURES: ReadonlySet<DrillDownFigure> = new Set<DrillDownFigure>([
  'incidents',
  'mtta',
  'mttr',
  'changes_finished',
  'change_failure_rate',
  'throughput',
  'cycle_time',
  'automation_runs',
  'automation_success_rate'
]);

/** Figures whose items the drill-down lists (kpi-definitions.ts ids). */
export const DRILL_DOWN_FIGURES = [
  'mtta',
  'mttr',
  'incidents',
  'alert_noise',
  'auto_resolved',
  'flapping',
  'oncall_load',
  'changes_finished',
  'change_success_rate',
  'change_failure_rate',
  'change_lead_time',
  'deployment_frequency',
  'time_to_restore',
  'throughput',
  'cycle_time',
  'work_in_progress',
  'overdue',
  'sla_breaches',
  'automation_runs',
  'automation_success_rate'
] as const;
export type DrillDownFigure = (typeof DRILL_DOWN_FIGURES)[number];

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

function before(iso: string | null, ms: number): iso is string {
  return iso !== null && Date.parse(iso) < ms;
}

/** The instant `iso` is in [from, to). */
function within(iso: string | null, from: number, to: number): iso is string {
  if (iso === null) return false;
  const t = Date.parse(iso);
  return t >= from && t < to;
}

function acknowledgement(incident: ReportIncident) {
  for (const event of incident.events) {
    if (event.type === 'acknowledged') return event;
    // A person resolving it acknowledges it; an automatic resolution first means no MTTA.
    if (event.type === 'resolved') return event.actor !== null ? event : null;
  }
  return null;
}

/** The final resolution event (the last `resolved` of the timeline). */
function finalResolution(incident: ReportIncident) {
  for (let i = incident.events.length - 1; i >= 0; i -= 1) {
    const event = incident.events[i]!;
    if (event.type === 'resolved') return event;
  }
  return null;
}

/** Resolved by the server with no acknowledgement or person's resolution before it. */
function autoResolved(incident: ReportIncident, toMs: number): boolean {
  if (!before(incident.resolvedAt, toMs)) return false;
  const final = finalResolution(incident);
  if (!final || final.actor !== null) return false;
  for (const event of incident.events) {
    if (event === final) return true;
    if (event.type === 'acknowledged') return false;
    if (event.type === 'resolved' && event.actor !== null) return false;
  }
  return true;
}

/** When a task was first completed: its first move to done (older cards: its done time). */
function completedAt(task: ReportTask): string | null {
  return task.resolvedAt ?? task.doneAt;
}

/** The rows of one range, read once. */
interface Rows {
  opened: ReportIncident[];
  resolvedCount: number;
  openAtEnd: number;
  changes: ReportChange[];
  runs: ReportRun[];
  tasks: ReportTask[];
  /** The live board's levels at `to`, counted by the database (null: count them from `tasks`). */
  levels: { workInProgress: number; overdue: number } | null;
  pages: { incidentId: string; at: string; person: string; incident: ReportIncident | null }[];
}

/** Everything one pass over the rows yields: the report's figures and what each counted. */
interface Pass {
  report: Omit<KpiReport, 'series' | 'previous' | 'filters' | 'unfiltered'>;
  counted: Map<DrillDownFigure, Counted[]>;
  alertsPerIncident: number | null;
  cycleMedian: number | null;
}

export class ReportsService {
  constructor(private readonly deps: { store: ReportsStore }) {}

  /** The KPIs of `workspaceId` over [from, to), with series and (compare) the previous range. */
  async kpis(workspaceId: string, query: KpiQuery): Promise<KpiReport> {
    const { store } = this.deps;
    const filters = query.filters ?? {};
    const scope = await store.scope(workspaceId, filters);
    const from = new Date(query.from).toISOString();
    const to = new Date(query.to).toISOString();
    const timeZone = query.timeZone ?? 'UTC';
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    const pass = this.compute(await this.read(scope, from, to), from, to, timeZone, query.locale);

    const unit = bucketUnit(fromMs, toMs);
    const list = buckets(fromMs, toMs, timeZone, unit);
    const alerts = await store.alertsReceived(
      scope,
      list.map((b) => [new Date(b.start).toISOString(), new Date(b.end).toISOString()])
    );
    const points = seriesPoints(pass, list, alerts);
    const report: KpiReport = {
      ...pass.report,
      filters: {
        service: filters.service ?? null,
        label: filters.label ?? null,
        team: filters.team ?? null,
        severity: filters.severity ?? null
      },
      unfiltered: unfilteredFigures(filters),
      series: { bucket: unit, points }
    };
    report.figures.alertNoise.alertsReceived = alerts.reduce((sum, n) => sum + n, 0);
    if (query.compare === 'previous') {
      const prevFrom = new Date(fromMs - (toMs - fromMs)).toISOString();
      const prevRows = await this.read(scope, prevFrom, from);
      const prev = this.compute(prevRows, prevFrom, from, timeZone, 'en', new Set());
      const r = prev.report;
      report.previous = {
        from: prevFrom,
        to: from,
        mttaSeconds: r.mttaSeconds,
        mttrSeconds: r.mttrSeconds,
        incidents: r.incidents,
        changeSuccessRate: r.changeSuccessRate,
        changeFailureRate: r.figures.changeFailureRate.value,
        throughput: r.throughput,
        cycleTimeSeconds: prev.cycleMedian,
        automationSuccessRate: r.figures.automationSuccessRate.value,
        alertsPerIncident: prev.alertsPerIncident
      };
    }
    return report;
  }

  /**
   * The items `query.figure` counted over [from, to) with the same filters (all of them, in the
   * order of their event, then id): for a count its items, for a duration the items measured,
   * for a ratio the items of its numerator (docs/kpis.md, "Drill-down").
   */
  async items(workspaceId: string, query: ItemsQuery): Promise<ReportItem[]> {
    const scope = await this.deps.store.scope(workspaceId, query.filters ?? {});
    const from = new Date(query.from).toISOString();
    const to = new Date(query.to).toISOString();
    const timeZone = query.timeZone ?? 'UTC';
    const figure = query.figure as DrillDownFigure;
    const levelRows = figure === 'work_in_progress' || figure === 'overdue';
    const rows = await this.read(scope, from, to, levelRows);
    const pass = this.compute(rows, from, to, timeZone, 'en', new Set([figure]));
    let counted = pass.counted.get(figure) ?? [];
    if (query.bucket !== undefined) {
      const fromMs = Date.parse(from);
      const toMs = Date.parse(to);
      const list = buckets(fromMs, toMs, timeZone, bucketUnit(fromMs, toMs));
      const bucket = list.find((b) => b.start === Date.parse(query.bucket!));
      counted = bucket ? counted.filter((c) => within(c.item.at, bucket.start, bucket.end)) : [];
    }
    if (query.group !== undefined) {
      const group = query.group;
      const keys: GroupBy[] = query.groupBy
        ? [query.groupBy]
        : ['severity', 'service', 'team', 'person'];
      counted = counted.filter((c) => keys.some((k) => c.groups[k] === group));
    }
    const paths = { incident: 'incidents', task: 'tasks', change: 'changes', run: 'runs' } as const;
    return counted
      .map(({ item }) => ({
        ...item,
        url: `/w/${encodeURIComponent(workspaceId)}/${paths[item.type]}/${encodeURIComponent(
          item.type === 'run' ? item.id : (item.key ?? item.id)
        )}`
      }))
      .sort((a, b) =>
        a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
      );
  }

  /** Reads the rows of [from, to), filtered. */
  private async read(
    scope: ReportScope,
    from: string,
    to: string,
    levelRows = false
  ): Promise<Rows> {
    const { store } = this.deps;
    const [opened, resolvedCount, openAtEnd, changes, runs, tasks, pages] = await Promise.all([
      store.incidentsOpened(scope, from, to),
      store.incidentsResolved(scope, from, to),
      store.incidentsOpenAt(scope, to),
      store.changesFinished(scope, from, to),
      store.runsFinished(scope, from, to),
      store.tasks(scope, from, to, levelRows),
      store.pages(scope, from, to)
    ]);
    // The live board and the archive: each task once (the archive's copy first).
    const seen = new Set<string>();
    const all: ReportTask[] = [];
    for (const task of [...tasks.archived, ...tasks.live]) {
      if (seen.has(task.id)) continue;
      seen.add(task.id);
      all.push(task);
    }
    const byId = new Map(opened.map((incident) => [incident.id, incident]));
    return {
      opened,
      resolvedCount,
      openAtEnd,
      changes,
      runs,
      tasks: all,
      levels: tasks.levels,
      pages: pages.map((page) => ({ ...page, incident: byId.get(page.incidentId) ?? null }))
    };
  }

  /** One pass over the rows: every figure, and the items each counted. */
  private compute(
    rows: Rows,
    from: string,
    to: string,
    timeZone: string,
    locale: ReportLocale = 'en',
    wanted: ReadonlySet<DrillDownFigure> = SERIES_FIGURES
  ): Pass {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    const figure = (id: string, value: number | null): Figure => {
      const definition = reportFigure(id);
      return {
        value,
        unit: definition.unit,
        definition: { id, version: KPI_DEFINITIONS_VERSION, text: definition.text[locale] }
      };
    };
    const counted = new Map<DrillDownFigure, Counted[]>(DRILL_DOWN_FIGURES.map((f) => [f, []]));
    // Only the lists asked for are kept (the series' figures, or the drill-down's one).
    const count = (f: DrillDownFigure, item: Counted['item'], groups: Counted['groups'] = {}) => {
      if (wanted.has(f)) counted.get(f)!.push({ item, groups });
    };

    // Incidents: one pass.
    const ack: number[] = [];
    const resolve: number[] = [];
    const restore: number[] = [];
    const groups = () => ({
      severity: new Map<string, number[]>(SEVERITIES.map((s) => [s, []])),
      service: new Map<string, number[]>(),
      team: new Map<string, number[]>()
    });
    const ackBy = groups();
    const resolveBy = groups();
    const add = (map: Map<string, number[]>, key: string, value: number) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    let open = 0;
    let alerts = 0;
    let autoCount = 0;
    let resolvedOfOpened = 0;
    let flapping = 0;
    for (const incident of rows.opened) {
      const ref = {
        type: 'incident' as const,
        id: incident.id,
        key: incident.key,
        title: incident.title,
        at: incident.openedAt
      };
      const service = incident.service ?? NO_GROUP;
      const team = incident.team ?? NO_GROUP;
      const base = { severity: incident.severity, service, team };
      alerts += incident.alerts;
      count('incidents', { ...ref, valueSeconds: null }, base);
      count('alert_noise', { ...ref, valueSeconds: null }, base);
      const acked = acknowledgement(incident);
      if (acked !== null && Date.parse(acked.at) < toMs) {
        const s = seconds(incident.openedAt, acked.at);
        const severity = acked.severity ?? incident.severity;
        ack.push(s);
        add(ackBy.severity, severity, s);
        add(ackBy.service, service, s);
        add(ackBy.team, team, s);
        count('mtta', { ...ref, valueSeconds: s }, { ...base, severity });
      }
      if (before(incident.resolvedAt, toMs)) {
        const s = seconds(incident.openedAt, incident.resolvedAt);
        const severity = finalResolution(incident)?.severity ?? incident.severity;
        resolve.push(s);
        add(resolveBy.severity, severity, s);
        add(resolveBy.service, service, s);
        add(resolveBy.team, team, s);
        count('mttr', { ...ref, valueSeconds: s }, { ...base, severity });
        resolvedOfOpened += 1;
        if (autoResolved(incident, toMs)) {
          autoCount += 1;
          count('auto_resolved', { ...ref, valueSeconds: s }, base);
        }
        if (incident.causedByChange) {
          restore.push(s);
          count('time_to_restore', { ...ref, valueSeconds: s }, base);
        }
      } else {
        open += 1;
      }
      if (incident.events.some((e) => e.type === 'reopened' && Date.parse(e.at) < toMs)) {
        flapping += 1;
        count('flapping', { ...ref, valueSeconds: null }, base);
      }
    }
    const stats = (map: Map<string, number[]>) =>
      Object.fromEntries([...map].map(([key, values]) => [key, durationStats(values)]));
    const mtta = durationStats(ack);
    const mttr = durationStats(resolve);
    const restoreStats = durationStats(restore);
    const opened = rows.opened.length;
    const alertsPerIncident = ratio(alerts, opened);

    // On-call load.
    const hourOf = localHour(timeZone);
    const people = new Map<string, { pages: number; nightPages: number }>();
    let nightPages = 0;
    for (const page of rows.pages) {
      const hour = hourOf(Date.parse(page.at));
      const night = hour >= 22 || hour < 7;
      const person = people.get(page.person) ?? { pages: 0, nightPages: 0 };
      person.pages += 1;
      if (night) {
        person.nightPages += 1;
        nightPages += 1;
      }
      people.set(page.person, person);
      count(
        'oncall_load',
        {
          type: 'incident',
          id: page.incidentId,
          key: page.incident?.key ?? null,
          title: page.incident?.title ?? '',
          at: page.at,
          valueSeconds: null
        },
        { person: page.person }
      );
    }
    const byPerson = [...people]
      .map(([person, load]) => ({ person, ...load }))
      .sort((a, b) => b.pages - a.pages || (a.person < b.person ? -1 : 1));

    // Changes.
    const byOutcome: Record<string, number> = Object.fromEntries(
      CHANGE_OUTCOMES.map((o) => [o, 0])
    );
    const lead: number[] = [];
    let caused = 0;
    for (const change of rows.changes) {
      const ref = {
        type: 'change' as const,
        id: change.id,
        key: change.key,
        title: change.title,
        at: change.finishedAt
      };
      byOutcome[change.state] = (byOutcome[change.state] ?? 0) + 1;
      count('changes_finished', { ...ref, valueSeconds: null }, { outcome: change.state });
      if (change.state !== 'cancelled' && change.state !== 'rejected' && change.caused) {
        caused += 1;
        count('change_failure_rate', { ...ref, valueSeconds: null });
      }
      if (change.state === 'completed') {
        count('change_success_rate', { ...ref, valueSeconds: null });
        count('deployment_frequency', { ...ref, valueSeconds: null });
        if (change.submittedAt !== null) {
          const s = seconds(change.submittedAt, change.finishedAt);
          lead.push(s);
          count('change_lead_time', { ...ref, valueSeconds: s });
        }
      }
    }
    const decided = byOutcome.completed! + byOutcome.failed! + byOutcome.rolled_back!;
    const finishedCounted = rows.changes.length - byOutcome.cancelled! - byOutcome.rejected!;
    const changeSuccessRate = ratio(byOutcome.completed!, decided);
    const changeFailureRate = ratio(caused, finishedCounted);
    const leadStats = durationStats(lead);
    const days = (toMs - fromMs) / DAY_MS;

    // Tasks.
    // The day of each completion, `Intl` asked once per day rather than once per task.
    const dayOfMs = dayCache(timeZone);
    const dayOf = (iso: string) => dayOfMs(Date.parse(iso));
    const byDay = new Map<string, number>();
    const cycle: number[] = [];
    let throughput = 0;
    let wip = 0;
    let overdue = 0;
    let due = 0;
    let breached = 0;
    // Times are ISO strings in UTC of one form (as stored and as `from`/`to`), which compare as
    // the instants they name: no parsing per task on a board of 100,000.
    for (const task of rows.tasks) {
      const completed = completedAt(task);
      const ref = () => ({ type: 'task' as const, id: task.id, key: task.key, title: task.title });
      if (completed !== null && completed >= from && completed < to) {
        throughput += 1;
        const day = dayOf(completed);
        byDay.set(day, (byDay.get(day) ?? 0) + 1);
        const s = task.startedAt !== null ? seconds(task.startedAt, completed) : null;
        count('throughput', { ...ref(), at: completed, valueSeconds: s });
        if (s !== null) {
          cycle.push(s);
          count('cycle_time', { ...ref(), at: completed, valueSeconds: s });
        }
      }
      const { doneAt, startedAt, dueAt } = task;
      if ((rows.levels === null || !task.live) && (doneAt === null || doneAt >= to)) {
        if (startedAt !== null && startedAt < to) {
          wip += 1;
          count('work_in_progress', { ...ref(), at: startedAt, valueSeconds: null });
        }
        if (dueAt !== null && dueAt < to) {
          overdue += 1;
          count('overdue', { ...ref(), at: dueAt, valueSeconds: null });
        }
      }
      if (dueAt !== null && dueAt >= from && dueAt < to) {
        due += 1;
        if (completed === null || completed > dueAt) {
          breached += 1;
          const end = completed === null || completed > to ? to : completed;
          count('sla_breaches', { ...ref(), at: dueAt, valueSeconds: seconds(dueAt, end) });
        }
      }
    }
    if (rows.levels !== null) {
      wip += rows.levels.workInProgress;
      overdue += rows.levels.overdue;
    }
    const cycleStats = durationStats(cycle);

    // Automation runs.
    const byState: Record<string, number> = Object.fromEntries(RUN_STATES.map((s) => [s, 0]));
    for (const run of rows.runs) {
      byState[run.state] = (byState[run.state] ?? 0) + 1;
      const item = {
        type: 'run' as const,
        id: run.id,
        key: null,
        title: run.title,
        at: run.finishedAt,
        valueSeconds: null
      };
      count('automation_runs', item);
      if (run.state === 'succeeded') count('automation_success_rate', item);
    }
    const runsFinished = rows.runs.length;
    const automationSuccessRate = ratio(byState.succeeded!, runsFinished - byState.cancelled!);

    const changeFailure = {
      ...figure('change_failure_rate', changeFailureRate),
      caused,
      finished: finishedCounted
    };
    const leadTime = {
      ...figure('change_lead_time', leadStats.median),
      count: leadStats.count,
      median: leadStats.median,
      mean: leadStats.mean
    };
    const report: Pass['report'] = {
      from,
      to,
      timeZone,
      definitionsVersion: KPI_DEFINITIONS_VERSION,
      mttaSeconds: mtta.mean,
      mttrSeconds: mttr.mean,
      incidents: opened,
      changeSuccessRate,
      throughput,
      figures: {
        mtta: {
          ...figure('mtta', mtta.mean),
          ...mtta,
          bySeverity: stats(ackBy.severity),
          byService: stats(ackBy.service),
          byTeam: stats(ackBy.team)
        },
        mttr: {
          ...figure('mttr', mttr.mean),
          ...mttr,
          bySeverity: stats(resolveBy.severity),
          byService: stats(resolveBy.service),
          byTeam: stats(resolveBy.team),
          open
        },
        incidents: {
          ...figure('incidents', opened),
          opened,
          resolved: rows.resolvedCount,
          openAtEnd: rows.openAtEnd
        },
        changesFinished: { ...figure('changes_finished', rows.changes.length), byOutcome },
        changeSuccessRate: figure('change_success_rate', changeSuccessRate),
        changeFailureRate: changeFailure,
        changeLeadTime: leadTime,
        throughput: {
          ...figure('throughput', throughput),
          byDay: [...byDay]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([day, n]) => ({ day, count: n }))
        },
        cycleTime: { ...figure('cycle_time', cycleStats.median), ...cycleStats },
        workInProgress: figure('work_in_progress', wip),
        overdue: figure('overdue', overdue),
        automationRuns: { ...figure('automation_runs', runsFinished), byState },
        automationSuccessRate: figure('automation_success_rate', automationSuccessRate),
        alertNoise: {
          ...figure('alert_noise', alertsPerIncident),
          alerts,
          incidents: opened,
          alertsReceived: 0,
          autoResolved: {
            ...figure('auto_resolved', ratio(autoCount, resolvedOfOpened)),
            count: autoCount,
            resolved: resolvedOfOpened
          },
          flapping: { ...figure('flapping', flapping), share: ratio(flapping, opened) }
        },
        oncallLoad: { ...figure('oncall_load', rows.pages.length), nightPages, byPerson },
        slaBreaches: {
          ...figure('sla_breaches', breached),
          due,
          met: due - breached,
          breachRate: ratio(breached, due)
        },
        dora: {
          deploymentFrequency: {
            ...figure('deployment_frequency', byOutcome.completed! / days),
            deployments: byOutcome.completed!,
            days
          },
          leadTimeForChanges: leadTime,
          changeFailureRate: changeFailure,
          timeToRestore: {
            ...figure('time_to_restore', restoreStats.median),
            count: restoreStats.count,
            median: restoreStats.median,
            mean: restoreStats.mean
          }
        }
      }
    };
    return { report, counted, alertsPerIncident, cycleMedian: cycleStats.median };
  }
}

/** The series points: each bucket's figures from the items the pass counted. */
function seriesPoints(
  pass: Pass,
  list: readonly Bucket[],
  alerts: readonly number[]
): SeriesPoint[] {
  const points = list.map((bucket, i) => ({
    bucket,
    ack: [] as number[],
    resolve: [] as number[],
    cycle: [] as number[],
    point: {
      start: new Date(bucket.start).toISOString(),
      end: new Date(bucket.end).toISOString(),
      incidentsOpened: 0,
      alertsReceived: alerts[i] ?? 0,
      mttaSeconds: null as number | null,
      mttrSeconds: null as number | null,
      changesFinished: 0,
      changesFailed: 0,
      changeFailureRate: null as number | null,
      throughput: 0,
      cycleTimeSeconds: null as number | null,
      runsFinished: 0,
      runsSucceeded: 0
    },
    changesCounted: 0
  }));
  const each = (figure: DrillDownFigure, fn: (p: (typeof points)[number], c: Counted) => void) => {
    for (const c of pass.counted.get(figure) ?? []) {
      const i = bucketOf(list, Date.parse(c.item.at));
      if (i >= 0) fn(points[i]!, c);
    }
  };
  each('incidents', (p) => (p.point.incidentsOpened += 1));
  each('mtta', (p, c) => p.ack.push(c.item.valueSeconds!));
  each('mttr', (p, c) => p.resolve.push(c.item.valueSeconds!));
  each('changes_finished', (p) => (p.point.changesFinished += 1));
  each('change_failure_rate', (p) => (p.point.changesFailed += 1));
  each('throughput', (p) => (p.point.throughput += 1));
  each('cycle_time', (p, c) => p.cycle.push(c.item.valueSeconds!));
  each('automation_runs', (p) => (p.point.runsFinished += 1));
  each('automation_success_rate', (p) => (p.point.runsSucceeded += 1));
  // The failure rate's denominator: finished changes that were not cancelled or rejected.
  each('changes_finished', (p, c) => {
    if (c.groups.outcome !== 'cancelled' && c.groups.outcome !== 'rejected') p.changesCounted += 1;
  });
  return points.map((p) => {
    p.point.changeFailureRate = ratio(p.point.changesFailed, p.changesCounted);
    p.point.mttaSeconds = durationStats(p.ack).mean;
    p.point.mttrSeconds = durationStats(p.resolve).mean;
    p.point.cycleTimeSeconds = durationStats(p.cycle).median;
    return p.point;
  });
}

/** Keys of `figures` the filters given do not narrow (nothing there to match). */
function unfilteredFigures(filters: ReportFilters): string[] {
  const out = new Set<string>();
  const tasks = ['throughput', 'cycleTime', 'workInProgress', 'overdue', 'slaBreaches'];
  const changes = [
    'changesFinished',
    'changeSuccessRate',
    'changeFailureRate',
    'changeLeadTime',
    'dora.deploymentFrequency',
    'dora.leadTimeForChanges',
    'dora.changeFailureRate'
  ];
  const runs = ['automationRuns', 'automationSuccessRate'];
  const any =
    filters.service !== undefined ||
    filters.labelIds !== undefined ||
    filters.team !== undefined ||
    filters.severity !== undefined;
  if (any) for (const key of runs) out.add(key);
  if (filters.team !== undefined || filters.severity !== undefined) {
    for (const key of [...tasks, ...changes]) out.add(key);
  }
  return [...out];
}
