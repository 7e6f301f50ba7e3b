/**
 * Time-ordered evaluation of the AI models (issue 17, "Evaluation" and item 8): replays a
 * history in time order, training on the past and testing on the future, and scores each model
 * against its plain baseline. Used by the `ai` benchmark on the generated evaluation set
 * (bench/ai/) and by the in-app self-evaluation on a workspace's own history
 * (evaluation-runner.ts, which runs it in slices so the server stays responsive). A helper:
 * pure functions over history items and their embedding vectors, no I/O.
 *
 * The replay: every item created in [splitAt, endAt) is a test item. The models are retrained
 * every `retrainDays` on what was finished by then (priors, paces, assignee frequencies, the
 * on-call share); for each test item, its neighbours are the items finished before it was
 * created, so nothing from its future is used. Scores:
 * - similar items (only when items carry a `group`): recall@5 of a paraphrase (a top-5 item of
 *   the same group, the query's own phrasing taken out of the pool) and across languages (the
 *   pool only items in the other language);
 * - duration: mean absolute error of p50 in minutes against the median of past items of the
 *   same kind, and calibration (share of actual durations inside p10–p90; 0.8 is ideal);
 * - assignee: top-1 and top-3 accuracy against the most frequent past assignees, and how often
 *   a suggestion reaches the auto-apply confidence and how often it is then right.
 */
import {
  AUTO_APPLY_CONFIDENCE,
  assigneeFrequency,
  labelCounts,
  mostFrequentAssignees,
  suggestAssignees,
  type AssigneeCandidate,
  type AssigneeModelOptions
} from './assignee-model';
import { anomalyEvents, detectAnomalies, type AnomalyOptions } from './anomaly';
import {
  medianBaseline,
  predictDuration,
  trainDurationPriors,
  weightedMedian,
  type DurationModelOptions,
  type Neighbour
} from './duration-model';
import type { HistoryItem } from './history';

/** A history item with, in a labelled evaluation set, its paraphrase group and language. */
export interface EvalItem extends HistoryItem {
  group?: string;
  lang?: string;
  variant?: number;
}

export interface ReplayOptions {
  /** Items created at or after this instant are test items. */
  splitAt: string;
  /** Items created at or after this instant are left out (default: none). */
  endAt?: string;
  /** Retrain the priors every this many days (default 7). */
  retrainDays?: number;
  /** The members who could be assigned at an instant (role, active); load and on-call are
   *  filled in by the replay. Default: everyone who was ever assigned, as active members. */
  membersAt?: (at: string) => readonly Pick<AssigneeCandidate, 'id' | 'role' | 'active'>[];
  /** Who was on call at an instant, if known. */
  onCallAt?: (at: string) => string | null;
  duration?: Partial<DurationModelOptions>;
  assignee?: Partial<AssigneeModelOptions>;
  /** Weigh the vectors by inverse document frequency over all the items, as the search index
   *  does for an embedder with `termWeighting: 'idf'` (the lexical one; ai-index.ts). */
  idf?: boolean;
  /** What a pace is measured against: the prior of the item's kind, priority and labels
   *  (default, what the app does), or the weighted median of the item's own neighbours (needs
   *  every pairwise similarity; no better on the validation split: ratio 0.496 against 0.493). */
  paceAgainst?: 'neighbours' | 'prior';
  /** Neighbours kept per query, best first (default 30). */
  neighbours?: number;
  /** Called with (done, total) test items as the replay goes. */
  progress?: (done: number, total: number) => void;
}

export interface RecallFigure {
  recall: number;
  queries: number;
}

export interface ReplayReport {
  /** Items created before the split. */
  trainItems: number;
  testItems: number;
  similar: { paraphrase: RecallFigure; crossLanguage: RecallFigure } | null;
  duration: {
    n: number;
    mae: number;
    baselineMae: number;
    /** mae / baselineMae (target ≤ 0.7). */
    ratio: number;
    /** Share of actuals inside p10–p90. */
    calibration: number;
    byKind: Record<string, { n: number; mae: number; baselineMae: number }>;
  };
  assignee: {
    n: number;
    top1: number;
    top3: number;
    baselineTop1: number;
    baselineTop3: number;
    autoApply: { threshold: number; coverage: number; accuracy: number };
  };
}

/** A vector as its non-zero entries, for fast dot products of sparse (lexical) vectors. */
interface Sparse {
  index: Int32Array;
  value: Float32Array;
}

function sparse(v: Float32Array): Sparse {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) n++;
  const index = new Int32Array(n);
  const value = new Float32Array(n);
  n = 0;
  for (let i = 0; i < v.length; i++)
    if (v[i] !== 0) {
      index[n] = i;
      value[n++] = v[i]!;
    }
  return { index, value };
}

/** All pairwise cosine similarities of L2-normalised vectors (row-major n × n). */
export function similarityMatrix(vectors: readonly Float32Array[]): Float32Array {
  return runSteps(similaritySteps(vectors));
}

/** `similarityMatrix` a row at a time: yields after each row (the sliced replay's pauses). */
function* similaritySteps(vectors: readonly Float32Array[]): Generator<void, Float32Array> {
  const n = vectors.length;
  const out = new Float32Array(n * n);
  const sp = vectors.map(sparse);
  for (let i = 0; i < n; i++) {
    const a = sp[i]!;
    for (let j = i; j < n; j++) {
      const b = vectors[j]!;
      let s = 0;
      for (let k = 0; k < a.index.length; k++) s += a.value[k]! * b[a.index[k]!]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
    yield;
  }
  return out;
}

/** Runs a generator of steps to its end, synchronously. */
function runSteps<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The vectors weighed by the smoothed inverse document frequency of each dimension over all of
 * them, `ln((N + 1) / (df + 1)) + 1`, and re-normalised (the search index's weighting).
 */
export function idfWeighted(vectors: readonly Float32Array[]): Float32Array[] {
  if (vectors.length === 0) return [];
  const dims = vectors[0]!.length;
  const df = new Uint32Array(dims);
  for (const v of vectors) for (let d = 0; d < dims; d++) if (v[d] !== 0) df[d]!++;
  const idf = new Float32Array(dims);
  for (let d = 0; d < dims; d++) idf[d] = Math.log((vectors.length + 1) / (df[d]! + 1)) + 1;
  return vectors.map((v) => {
    const w = new Float32Array(dims);
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      w[d] = v[d]! * idf[d]!;
      norm += w[d]! * w[d]!;
    }
    if (norm > 0) for (let d = 0; d < dims; d++) w[d] = w[d]! / Math.sqrt(norm);
    return w;
  });
}

/** The `k` best of `pool` by `score`, best first (ties by position). */
function topK(pool: readonly number[], score: (j: number) => number, k: number): number[] {
  const best: number[] = [];
  for (const j of pool) {
    const s = score(j);
    if (best.length === k && s <= score(best[k - 1]!)) continue;
    let at = best.length;
    while (at > 0 && score(best[at - 1]!) < s) at--;
    best.splice(at, 0, j);
    if (best.length > k) best.pop();
  }
  return best;
}

const DAY_MS = 86_400_000;
const ms = (iso: string) => Date.parse(iso);

/**
 * Replays `items` (any order) with their embedding vectors (same order, L2-normalised) and
 * scores the models; see the module comment.
 */
export function replay(
  itemsIn: readonly EvalItem[],
  vectorsIn: readonly Float32Array[],
  options: ReplayOptions
): ReplayReport {
  return runSteps(replaySteps(itemsIn, vectorsIn, options));
}

/** How far a sliced replay is: steps done of the steps it will take (matrix rows, queries). */
export interface ReplayStep {
  done: number;
  total: number;
}

/**
 * `replay`, giving the event loop back every `sliceMs` of work (the in-app evaluation runs it
 * inside the server: requests keep being answered). The same steps in the same order, so the
 * report is exactly `replay`'s. `onStep` is told how far it is at every pause.
 */
export async function replayInSlices(
  itemsIn: readonly EvalItem[],
  vectorsIn: readonly Float32Array[],
  options: ReplayOptions & { sliceMs?: number; onStep?: (step: ReplayStep) => void }
): Promise<ReplayReport> {
  const steps = replaySteps(itemsIn, vectorsIn, options);
  const sliceMs = options.sliceMs ?? 20;
  let until = performance.now() + sliceMs;
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() >= until) {
      options.onStep?.(step.value);
      await new Promise((resolve) => setImmediate(resolve));
      until = performance.now() + sliceMs;
    }
  }
}

/** The replay as steps; yields how far it is after each matrix row and each test query. */
function* replaySteps(
  itemsIn: readonly EvalItem[],
  vectorsIn: readonly Float32Array[],
  options: ReplayOptions
): Generator<ReplayStep, ReplayReport> {
  if (itemsIn.length !== vectorsIn.length) throw new Error('one vector per item');
  const order = itemsIn
    .map((_, i) => i)
    .sort((a, b) => itemsIn[a]!.createdAt.localeCompare(itemsIn[b]!.createdAt));
  const items = order.map((i) => itemsIn[i]!);
  const ordered = order.map((i) => vectorsIn[i]!);
  const n = items.length;
  const created = items.map((i) => ms(i.createdAt));
  const split = ms(options.splitAt);
  const end = options.endAt ? ms(options.endAt) : Infinity;
  const tests = items.map((_, i) => i).filter((i) => created[i]! >= split && created[i]! < end);
  const labelled = items.some((i) => i.group !== undefined);
  // steps: the matrix rows, the similar-item queries (when labelled) and the model queries
  const total = n + (labelled ? tests.length : 0) + tests.length;
  let done = 0;
  const rows = similaritySteps(options.idf ? idfWeighted(ordered) : ordered);
  let sim: Float32Array;
  for (;;) {
    const row = rows.next();
    if (row.done) {
      sim = row.value;
      break;
    }
    yield { done: ++done, total };
  }
  const S = (i: number, j: number) => sim[i * n + j]!;
  const finished = items.map((i) => (i.finishedAt ? ms(i.finishedAt) : Infinity));
  const kNeighbours = options.neighbours ?? 30;
  const everyone = [...new Set(items.map((i) => i.assignee).filter((a): a is string => !!a))];
  const membersAt =
    options.membersAt ?? (() => everyone.map((id) => ({ id, role: 'member', active: true })));

  // ---- similar items ----
  let similar: ReplayReport['similar'] = null;
  if (labelled) {
    const para = { hits: 0, queries: 0 };
    const cross = { hits: 0, queries: 0 };
    for (const q of tests) {
      yield { done: ++done, total };
      const item = items[q]!;
      const before: number[] = [];
      for (let j = 0; j < n; j++) if (j !== q && created[j]! < created[q]!) before.push(j);
      const paraPool = before.filter(
        (j) =>
          !(
            items[j]!.group === item.group &&
            items[j]!.lang === item.lang &&
            items[j]!.variant === item.variant
          )
      );
      const crossPool = before.filter((j) => items[j]!.lang !== item.lang);
      for (const [pool, tally] of [
        [paraPool, para],
        [crossPool, cross]
      ] as const) {
        if (!pool.some((j) => items[j]!.group === item.group)) continue;
        tally.queries++;
        if (topK(pool, (j) => S(q, j), 5).some((j) => items[j]!.group === item.group)) tally.hits++;
      }
    }
    similar = {
      paraphrase: { recall: para.queries ? para.hits / para.queries : NaN, queries: para.queries },
      crossLanguage: {
        recall: cross.queries ? cross.hits / cross.queries : NaN,
        queries: cross.queries
      }
    };
  }

  // ---- duration and assignee, retrained every retrainDays ----
  const retrainMs = (options.retrainDays ?? 7) * DAY_MS;
  const dur = { n: 0, err: 0, base: 0, inside: 0 };
  const byKind: Record<string, { n: number; err: number; base: number }> = {};
  const asg = { n: 0, top1: 0, top3: 0, b1: 0, b3: 0, auto: 0, autoRight: 0 };
  const trainItems = items.filter((_, j) => created[j]! < split).length;
  let t = 0;
  while (t < tests.length) {
    const trainAt = created[tests[t]!]!;
    const batch: number[] = [];
    while (t < tests.length && created[tests[t]!]! < trainAt + retrainMs) batch.push(tests[t++]!);
    const history = items.map((_, j) => j).filter((j) => finished[j]! <= trainAt);
    const trainSet = history.map((j) => items[j]!);
    // typical duration of each item's work: the weighted median of its own neighbours
    const typical = (j: number) => {
      const near = topK(
        history.filter((h) => h !== j && items[h]!.kind === items[j]!.kind),
        (h) => S(j, h),
        10
      ).filter((h) => S(j, h) >= 0.15);
      if (near.length < 3) return NaN;
      return weightedMedian(
        near.map((h) => Math.log(Math.max(1, items[h]!.durationMinutes!))),
        near.map((h) => S(j, h) ** 2)
      );
    };
    const priors = trainDurationPriors(
      trainSet,
      options.duration,
      options.paceAgainst === 'neighbours' ? (_item, index) => typical(history[index]!) : undefined
    );
    const baseline = medianBaseline(trainSet);
    const frequency = assigneeFrequency(trainSet);
    const byLabel = labelCounts(trainSet);
    const onCallShareByHour = onCallShares(trainSet, options.onCallAt);
    for (const q of batch) {
      yield { done: ++done, total };
      const item = items[q]!;
      const at = item.createdAt;
      const past = items.map((_, j) => j).filter((j) => finished[j]! <= created[q]!);
      const near: Neighbour<EvalItem>[] = topK(past, (j) => S(q, j), kNeighbours).map((j) => ({
        item: items[j]!,
        similarity: S(q, j)
      }));
      if (item.durationMinutes !== null) {
        const p = predictDuration(item, near, priors, options.duration);
        const actual = item.durationMinutes;
        const e = Math.abs(p.p50Minutes - actual);
        const b = Math.abs(baseline(item.kind) - actual);
        dur.n++;
        dur.err += e;
        dur.base += b;
        if (actual >= p.p10Minutes && actual <= p.p90Minutes) dur.inside++;
        const k = (byKind[item.kind] ??= { n: 0, err: 0, base: 0 });
        k.n++;
        k.err += e;
        k.base += b;
      }
      if (item.assignee) {
        const members = membersAt(at);
        const onCall = options.onCallAt?.(at) ?? null;
        const load = new Map<string, number>();
        for (let j = 0; j < n; j++) {
          const who = items[j]!.assignee;
          if (j !== q && who && created[j]! < created[q]! && finished[j]! > created[q]!)
            load.set(who, (load.get(who) ?? 0) + 1);
        }
        const candidates = members.map((m) => ({
          ...m,
          onCall: m.id === onCall,
          load: load.get(m.id) ?? 0
        }));
        const eligible = new Set(
          candidates.filter((c) => c.active && c.role !== 'viewer').map((c) => c.id)
        );
        if (!eligible.has(item.assignee)) continue;
        const hour = new Date(at).getUTCHours();
        const suggestions = suggestAssignees(
          item,
          near,
          candidates,
          { frequency, labelCounts: byLabel, onCallShare: onCallShareByHour?.[hour] },
          options.assignee
        );
        const ids = suggestions.map((s) => s.id);
        const base = mostFrequentAssignees(trainSet, eligible);
        asg.n++;
        if (ids[0] === item.assignee) asg.top1++;
        if (ids.slice(0, 3).includes(item.assignee)) asg.top3++;
        if (base[0] === item.assignee) asg.b1++;
        if (base.slice(0, 3).includes(item.assignee)) asg.b3++;
        if (suggestions[0] && suggestions[0].confidence >= AUTO_APPLY_CONFIDENCE) {
          asg.auto++;
          if (ids[0] === item.assignee) asg.autoRight++;
        }
      }
    }
    options.progress?.(t, tests.length);
  }
  const kinds: ReplayReport['duration']['byKind'] = {};
  for (const [kind, k] of Object.entries(byKind))
    kinds[kind] = { n: k.n, mae: k.err / k.n, baselineMae: k.base / k.n };
  const mae = dur.n ? dur.err / dur.n : NaN;
  const baselineMae = dur.n ? dur.base / dur.n : NaN;
  return {
    trainItems,
    testItems: tests.length,
    similar,
    duration: {
      n: dur.n,
      mae,
      baselineMae,
      ratio: mae / baselineMae,
      calibration: dur.n ? dur.inside / dur.n : NaN,
      byKind: kinds
    },
    assignee: {
      n: asg.n,
      top1: asg.n ? asg.top1 / asg.n : NaN,
      top3: asg.n ? asg.top3 / asg.n : NaN,
      baselineTop1: asg.n ? asg.b1 / asg.n : NaN,
      baselineTop3: asg.n ? asg.b3 / asg.n : NaN,
      autoApply: {
        threshold: AUTO_APPLY_CONFIDENCE,
        coverage: asg.n ? asg.auto / asg.n : NaN,
        accuracy: asg.auto ? asg.autoRight / asg.auto : NaN
      }
    }
  };
}

/**
 * Per hour of the day (UTC), the share of past incidents that went to whoever was on call,
 * shrunk towards the overall share by 5 pseudo-incidents; null when on-call is unknown.
 */
export function onCallShares(
  items: readonly Pick<HistoryItem, 'kind' | 'assignee' | 'createdAt'>[],
  onCallAt?: (at: string) => string | null
): number[] | null {
  if (!onCallAt) return null;
  const hits = new Array<number>(24).fill(0);
  const all = new Array<number>(24).fill(0);
  for (const item of items) {
    if (item.kind !== 'incident' || !item.assignee) continue;
    const who = onCallAt(item.createdAt);
    if (!who) continue;
    const h = new Date(item.createdAt).getUTCHours();
    all[h]!++;
    if (who === item.assignee) hits[h]!++;
  }
  const total = all.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const overall = hits.reduce((a, b) => a + b, 0) / total;
  return hits.map((h, i) => (h + 5 * overall) / (all[i]! + 5));
}

export interface LabelledSeries {
  key: string;
  values: readonly number[];
  anomalies: readonly { start: number; end: number }[];
}

export interface AnomalyReport {
  series: number;
  windows: number;
  events: number;
  precision: number;
  recall: number;
}

/**
 * Scores the anomaly detector on series with labelled anomaly windows, over steps [from, to):
 * precision = detected events that overlap a labelled window / detected events; recall =
 * labelled windows overlapped by a detected event / labelled windows.
 */
export function evaluateAnomalies(
  series: readonly LabelledSeries[],
  from: number,
  to: number,
  options: Partial<AnomalyOptions> = {}
): AnomalyReport {
  let events = 0;
  let trueEvents = 0;
  let windows = 0;
  let found = 0;
  for (const s of series) {
    const detected = anomalyEvents(detectAnomalies(s.values.slice(0, to), options, from));
    const inRange = s.anomalies.filter((w) => w.start >= from && w.start < to);
    const overlaps = (e: { start: number; end: number }, w: { start: number; end: number }) =>
      e.start < w.end && w.start < e.end;
    events += detected.length;
    trueEvents += detected.filter((e) => s.anomalies.some((w) => overlaps(e, w))).length;
    windows += inRange.length;
    found += inRange.filter((w) => detected.some((e) => overlaps(e, w))).length;
  }
  return {
    series: series.length,
    windows,
    events,
    precision: events ? trueEvents / events : NaN,
    recall: windows ? found / windows : NaN
  };
}
