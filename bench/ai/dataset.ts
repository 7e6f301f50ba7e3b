/**
 * The bilingual AI evaluation set (issue 17, "Evaluation"): a year of tickets of a fictional ops
 * team (bench/ai/catalog.ts), generated from a seed so every run and every test sees the same
 * data. Used by the `ai` benchmark (bench/ai/index.mjs bundles bench/ai/ai-eval.ts with esbuild)
 * and by tests/unit/ai-*.test.ts; `toRunboardJson` writes it in the `runboard-json` import
 * format (DESIGN.md §2).
 *
 * What is in it, and how each model's signal arises:
 * - items: incidents and tasks of recurring types, each phrased one of several ways in English or
 *   Chinese; `group` names the type, so paraphrase and cross-language recall can be scored;
 * - durations: log-normal around the type's median, scaled by priority, by the assignee's pace
 *   and by whether the service is theirs, with noise;
 * - assignees: mostly an owner of the service, the less loaded one more often; incidents out of
 *   hours go to whoever is on call that week; now and then anyone; one person leaves, one joins;
 * - alert-rate series: hourly alerts per service with a daily and weekly season, a nightly batch
 *   burst on some services, Poisson noise, and injected anomalies (labelled windows); per-label
 *   series are sums of their services.
 */
import {
  PEOPLE,
  SERVICES,
  WORK_TYPES,
  type PersonSpec,
  type Priority,
  type ServiceSpec,
  type WorkType
} from './catalog';

export { PEOPLE, SERVICES, WORK_TYPES };
export type { PersonSpec, Priority, ServiceSpec, WorkType };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface DatasetItem {
  id: string;
  /** The work type (bench/ai/catalog.ts): items of one group are paraphrases of each other. */
  group: string;
  lang: 'en' | 'zh';
  /** Which phrasing of the group's language was used. */
  variant: number;
  title: string;
  description: string;
  kind: 'incident' | 'task';
  priority: Priority;
  /** Label names: the service and its category, `customer-impact` on some urgent incidents. */
  labels: string[];
  service: string;
  /** Person id (PEOPLE). */
  assignee: string;
  createdAt: string;
  startedAt: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  doneAt: string | null;
  /** Creation to resolved (incident) or done (task). */
  durationMinutes: number;
}

export interface AnomalyWindow {
  /** First hour index of the window (inclusive). */
  start: number;
  /** Hour index after the window. */
  end: number;
  kind: 'spike' | 'shift';
}

export interface RateSeries {
  /** `service:<id>` or `label:<name>`. */
  key: string;
  /** Alerts per hour, hour 0 starting at `Dataset.start`. */
  values: number[];
  anomalies: AnomalyWindow[];
}

export interface OnCallShift {
  personId: string;
  from: string;
  to: string;
}

export interface Dataset {
  seed: number;
  /** First instant of the year covered (a Monday, 00:00 UTC). */
  start: string;
  days: number;
  people: readonly PersonSpec[];
  items: DatasetItem[];
  onCall: OnCallShift[];
  series: RateSeries[];
}

export interface DatasetOptions {
  seed?: number;
  days?: number;
  /** Mean incidents per day (default 1.5). */
  incidentsPerDay?: number;
  /** Mean tasks per weekday (default 1). */
  tasksPerWeekday?: number;
  /** Skip the alert-rate series (faster, for tests of the other models). */
  series?: boolean;
}

export const DEFAULT_SEED = 17;
/** 2025-01-06 was a Monday. */
export const DATASET_START = '2025-01-06T00:00:00.000Z';

/** mulberry32 (as tests/helpers/random.ts), kept here so the bench bundle needs nothing else. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function poisson(rand: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rand)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

function pickWeighted<T>(rand: () => number, items: readonly T[], weight: (t: T) => number): T {
  let total = 0;
  for (const item of items) total += weight(item);
  let r = rand() * total;
  for (const item of items) {
    r -= weight(item);
    if (r < 0) return item;
  }
  return items[items.length - 1]!;
}

const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'medium', 'low'];
const PRIORITY_FACTOR: Record<Priority, number> = { urgent: 0.55, high: 0.8, medium: 1, low: 1.5 };

/** Business hours of the team (Beijing 09:00–18:00 on weekdays) as UTC hours 1–9. */
export function isBusinessHour(ms: number): boolean {
  const d = new Date(ms);
  const dow = d.getUTCDay();
  const h = d.getUTCHours();
  return dow >= 1 && dow <= 5 && h >= 1 && h < 10;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function activeOn(person: PersonSpec, day: number): boolean {
  return (person.joinedDay ?? 0) <= day && (person.leftDay === undefined || day < person.leftDay);
}

/** Weekly on-call rotation (Monday 00:00 UTC to Monday) among the active rotation members. */
function onCallRotation(startMs: number, days: number): OnCallShift[] {
  const shifts: OnCallShift[] = [];
  for (let week = 0; week * 7 < days; week++) {
    const rota = PEOPLE.filter((p) => p.onCall && activeOn(p, week * 7));
    const person = rota[week % rota.length]!;
    shifts.push({
      personId: person.id,
      from: iso(startMs + week * 7 * DAY),
      to: iso(startMs + (week + 1) * 7 * DAY)
    });
  }
  return shifts;
}

interface OpenWork {
  assignee: string;
  until: number;
}

function generateItems(
  rand: () => number,
  startMs: number,
  days: number,
  o: Required<DatasetOptions>,
  onCall: OnCallShift[]
): DatasetItem[] {
  const items: DatasetItem[] = [];
  const open: OpenWork[] = [];
  const serviceOf = new Map(SERVICES.map((s) => [s.id, s]));
  const incidentTypes = WORK_TYPES.filter((t) => t.kind === 'incident');
  const taskTypes = WORK_TYPES.filter((t) => t.kind === 'task');
  // creation instants first, in time order, so the open load is known at each
  const events: { at: number; type: WorkType }[] = [];
  for (let day = 0; day < days; day++) {
    const dayMs = startMs + day * DAY;
    const dow = new Date(dayMs).getUTCDay();
    const weekend = dow === 0 || dow === 6;
    for (let n = poisson(rand, o.incidentsPerDay * (weekend ? 0.7 : 1.1)); n > 0; n--) {
      // twice as likely in business hours
      let hour = Math.floor(rand() * 24);
      if (!weekend && rand() < 0.45) hour = 1 + Math.floor(rand() * 9);
      events.push({
        at: dayMs + hour * HOUR + Math.floor(rand() * HOUR),
        type: pickWeighted(rand, incidentTypes, (t) => t.weight)
      });
    }
    if (!weekend)
      for (let n = poisson(rand, o.tasksPerWeekday); n > 0; n--)
        events.push({
          at: dayMs + (1 + rand() * 9) * HOUR,
          type: pickWeighted(rand, taskTypes, (t) => t.weight)
        });
  }
  events.sort((a, b) => a.at - b.at);

  for (const { at, type } of events) {
    const day = Math.floor((at - startMs) / DAY);
    const service = serviceOf.get(type.service)!;
    const lang: 'en' | 'zh' = rand() < 0.55 ? 'zh' : 'en';
    const phrasings = lang === 'en' ? type.en : type.zh;
    const variant = Math.floor(rand() * phrasings.length);
    const host = service.hosts[Math.floor(rand() * service.hosts.length)]!;
    const title = phrasings[variant]!.replaceAll('{host}', host);
    const description = lang === 'en' ? type.descEn : type.descZh;
    const priority = pickWeighted(rand, PRIORITIES, (p) => type.priorities[PRIORITIES.indexOf(p)]!);

    // who takes it
    const active = PEOPLE.filter((p) => p.role !== 'viewer' && activeOn(p, day));
    for (let i = open.length - 1; i >= 0; i--) if (open[i]!.until <= at) open.splice(i, 1);
    const load = (id: string) => open.filter((w) => w.assignee === id).length;
    const owners = active.filter((p) => p.services.includes(service.id));
    const shift = onCall.find((s) => Date.parse(s.from) <= at && at < Date.parse(s.to));
    let person: PersonSpec;
    const r = rand();
    if (type.kind === 'incident' && !isBusinessHour(at) && shift && r < 0.6)
      person = PEOPLE.find((p) => p.id === shift.personId)!;
    else if (owners.length > 0 && r < 0.92)
      person = pickWeighted(rand, owners, (p) => 1 / (1 + load(p.id)) ** 1.5);
    else person = active[Math.floor(rand() * active.length)]!;

    const owner = person.services.includes(service.id);
    const minutes =
      type.medianMinutes *
      PRIORITY_FACTOR[priority] *
      person.pace *
      (owner ? 0.85 : 1.35) *
      Math.exp(0.42 * normal(rand));
    const durationMinutes = Math.max(5, Math.round(minutes));
    const end = at + durationMinutes * MINUTE;
    open.push({ assignee: person.id, until: end });

    const item: DatasetItem = {
      id: `it-${String(items.length + 1).padStart(4, '0')}`,
      group: type.id,
      lang,
      variant,
      title,
      description,
      kind: type.kind,
      priority,
      labels: [service.id, service.category],
      service: service.id,
      assignee: person.id,
      createdAt: iso(at),
      startedAt: null,
      acknowledgedAt: null,
      resolvedAt: null,
      doneAt: iso(end),
      durationMinutes
    };
    if (type.kind === 'incident') {
      if (priority === 'urgent' && rand() < 0.5) item.labels.push('customer-impact');
      const ack = Math.min(
        durationMinutes - 1,
        Math.max(1, Math.round((isBusinessHour(at) ? 4 : 11) * Math.exp(0.6 * normal(rand))))
      );
      item.acknowledgedAt = iso(at + ack * MINUTE);
      item.startedAt = item.acknowledgedAt;
      item.resolvedAt = iso(end);
    } else {
      const wait = Math.min(durationMinutes * 0.4, durationMinutes * rand() * 0.3);
      item.startedAt = iso(at + Math.round(wait) * MINUTE);
    }
    items.push(item);
  }
  return items;
}

/** The season of a service's alerts at hour index `h` (relative mean, 1 ≈ a weekday's average). */
function season(service: ServiceSpec, startMs: number, h: number): number {
  const ms = startMs + h * HOUR;
  const d = new Date(ms);
  const local = (d.getUTCHours() + 8) % 24;
  const dow = d.getUTCDay();
  const daily = 0.25 + Math.exp(-((local - 14) ** 2) / 18);
  const weekly = dow === 0 ? 0.45 : dow === 6 ? 0.55 : 1;
  const batch = service.nightlyBatch && local === 2 ? 2.5 : 0;
  return daily * weekly + batch * (dow === 0 || dow === 6 ? 0.6 : 1);
}

function generateSeries(rand: () => number, startMs: number, days: number): RateSeries[] {
  const hours = days * 24;
  const out: RateSeries[] = [];
  for (const service of SERVICES) {
    const values = new Array<number>(hours);
    const anomalies: AnomalyWindow[] = [];
    // about one anomaly every six weeks, none in the first four weeks (no baseline yet)
    let h = 28 * 24 + Math.floor(rand() * 20 * 24);
    while (h < hours - 24) {
      const kind: AnomalyWindow['kind'] = rand() < 0.65 ? 'spike' : 'shift';
      const length = kind === 'spike' ? 1 + Math.floor(rand() * 4) : 6 + Math.floor(rand() * 7);
      anomalies.push({ start: h, end: Math.min(hours, h + length), kind });
      h += 20 * 24 + Math.floor(rand() * 45 * 24);
    }
    let next = 0;
    for (let i = 0; i < hours; i++) {
      const trend = 1 + 0.15 * Math.sin((2 * Math.PI * i) / (24 * 365));
      let lambda = service.alertPeak * season(service, startMs, i) * trend;
      const a = anomalies[next];
      if (a && i >= a.end) next++;
      const w = anomalies[next];
      if (w && i >= w.start && i < w.end) {
        const scale = w.kind === 'spike' ? 5 + rand() * 5 : 3 + rand();
        lambda = lambda * scale + (w.kind === 'spike' ? 8 : 4);
      }
      values[i] = poisson(rand, lambda);
    }
    out.push({ key: `service:${service.id}`, values, anomalies });
  }
  // per category label: sums of its services (only categories with two or more services)
  const categories = new Map<string, RateSeries[]>();
  for (const s of SERVICES) {
    const own = out.find((x) => x.key === `service:${s.id}`)!;
    categories.set(s.category, [...(categories.get(s.category) ?? []), own]);
  }
  const labelSeries: RateSeries[] = [];
  for (const [label, parts] of categories) {
    if (parts.length < 2) continue;
    const values = new Array<number>(hours).fill(0);
    for (const p of parts) for (let i = 0; i < hours; i++) values[i]! += p.values[i]!;
    labelSeries.push({
      key: `label:${label}`,
      values,
      anomalies: parts.flatMap((p) => p.anomalies).sort((a, b) => a.start - b.start)
    });
  }
  return [...out, ...labelSeries];
}

/** The whole evaluation set; the same for the same options. */
export function generateDataset(options: DatasetOptions = {}): Dataset {
  const o: Required<DatasetOptions> = {
    seed: options.seed ?? DEFAULT_SEED,
    days: options.days ?? 365,
    incidentsPerDay: options.incidentsPerDay ?? 1.5,
    tasksPerWeekday: options.tasksPerWeekday ?? 1,
    series: options.series ?? true
  };
  const startMs = Date.parse(DATASET_START);
  const onCall = onCallRotation(startMs, o.days);
  const items = generateItems(seededRandom(o.seed), startMs, o.days, o, onCall);
  const series = o.series ? generateSeries(seededRandom(o.seed ^ 0x5eed), startMs, o.days) : [];
  return {
    seed: o.seed,
    start: DATASET_START,
    days: o.days,
    people: PEOPLE,
    items,
    onCall,
    series
  };
}

/** One row of the `runboard-json` import format (DESIGN.md §2). */
export interface RunboardJsonRow {
  title: string;
  description?: string;
  kind?: 'task' | 'incident';
  status: string;
  priority?: Priority;
  labels?: string[];
  assignee?: string;
  createdAt: string;
  startedAt?: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  doneAt?: string;
}

/** The items as a `runboard-json` import file; assignees by email, every item finished ("Done"). */
export function toRunboardJson(dataset: Dataset): RunboardJsonRow[] {
  const email = new Map(dataset.people.map((p) => [p.id, p.email]));
  return dataset.items.map((item) => {
    const row: RunboardJsonRow = {
      title: item.title,
      description: item.description,
      kind: item.kind,
      status: 'Done',
      priority: item.priority,
      labels: item.labels,
      assignee: email.get(item.assignee),
      createdAt: item.createdAt
    };
    if (item.startedAt) row.startedAt = item.startedAt;
    if (item.acknowledgedAt) row.acknowledgedAt = item.acknowledgedAt;
    if (item.resolvedAt) row.resolvedAt = item.resolvedAt;
    if (item.doneAt) row.doneAt = item.doneAt;
    return row;
  });
}
