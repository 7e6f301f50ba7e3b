/**
 * Assignee suggestion (issue 17, item 4): the top three people for a new task or incident, each
 * with a machine-readable reason the UI words in the reader's language (i18n area `ai-predict`),
 * and a confidence. A helper: pure functions, no I/O.
 *
 * A candidate's score is the share of the similar past work they finished (neighbours weighted
 * by similarity), plus a small share of how often they take work at all, plus, for an incident,
 * how often incidents at this hour go to whoever is on call (when they are on call now); all
 * divided by a load factor that grows with the work they have open. Only active members who may
 * be assigned work (not viewers) are candidates. The confidence of a suggestion is its share of
 * the candidates' total score; a suggestion is applied without asking only at or above
 * `AUTO_APPLY_CONFIDENCE`, never below.
 *
 * The plain baseline it must beat: the most frequent assignees of past work.
 */
import type { PredictReason } from '../../shared/ai/predict-reason';
import { AUTO_APPLY_CONFIDENCE } from '../../shared/ai/prediction';
import type { Neighbour } from './duration-model';
import type { HistoryItem, HistoryKind } from './history';

/** A suggestion at or above this confidence may be applied without asking; never one below. */
export { AUTO_APPLY_CONFIDENCE };

/**
 * Why a person is suggested; the UI words it (i18n area `ai-predict`, shared/ai/predict-reason.ts):
 * `resolved_similar` (finished `count` similar items, mostly about label `topic`), `on_call`,
 * `frequent` (took `count` items in the history), `light_load` (`open` items open).
 */
export type AssigneeReason = PredictReason;

export interface AssigneeCandidate {
  id: string;
  /** Workspace role; viewers are never suggested. */
  role: string;
  /** An active member (inactive ones keep history attributed but are never suggested). */
  active: boolean;
  onCall: boolean;
  /** Open items assigned to them now. */
  load: number;
}

export interface AssigneeSuggestion {
  id: string;
  score: number;
  /** Share of the candidates' total score, 0–1. */
  confidence: number;
  /** The main reason first. */
  reasons: AssigneeReason[];
}

export type AssigneeItem = Pick<HistoryItem, 'kind' | 'labels' | 'assignee'>;

export interface AssigneeQuery {
  kind: HistoryKind;
  labels?: readonly string[];
}

export interface AssigneeModelOptions {
  k: number;
  minSimilarity: number;
  power: number;
  /** Weight of how often a person takes work at all. */
  frequencyWeight: number;
  /** Weight of the person's share of past work with the query's labels. */
  labelWeight: number;
  /** Share of incidents going to the on-call person when not known from history. */
  onCallShare: number;
  /** Score divided by 1 + loadPenalty × open items. */
  loadPenalty: number;
  limit: number;
}

/** Tuned on the validation split of bench/ai (never on the test split): see docs/ai-models.md. */
export const DEFAULT_ASSIGNEE_OPTIONS: AssigneeModelOptions = {
  k: 15,
  minSimilarity: 0.15,
  power: 1,
  frequencyWeight: 0.05,
  labelWeight: 1,
  onCallShare: 0.3,
  loadPenalty: 0.4,
  limit: 3
};

/** Roles that may be assigned work. */
const ASSIGNABLE_ROLES = new Set(['owner', 'admin', 'operator', 'member']);

/** Whether a suggestion may be applied without asking. */
export function autoApplicable(
  suggestion: Pick<AssigneeSuggestion, 'confidence'> | undefined
): boolean {
  return !!suggestion && suggestion.confidence >= AUTO_APPLY_CONFIDENCE;
}

/** The most common label among `items` that is also on the query, else the most common one. */
function topicOf(items: readonly AssigneeItem[], queryLabels: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const item of items)
    for (const l of new Set(item.labels)) counts.set(l, (counts.get(l) ?? 0) + 1);
  let best: string | null = null;
  let bestScore = 0;
  for (const [label, count] of counts) {
    // a label on the query counts double; earlier query labels (the service) win ties
    const onQuery = queryLabels.indexOf(label);
    const score = count * (onQuery >= 0 ? 2 + 0.01 * (queryLabels.length - onQuery) : 1);
    if (score > bestScore) {
      best = label;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Suggests up to `limit` people for `query`, best first. `neighbours` are similar finished items
 * (any order); `frequency` counts each person's past items (for the frequency share and the
 * `frequent` reason); `labelCounts` counts, per label name, each person's past items with it
 * (`labelCounts` below); `onCallShare`, when known from history, is the share of incidents like
 * this one (e.g. at this hour) that went to the person on call.
 */
export function suggestAssignees(
  query: AssigneeQuery,
  neighbours: readonly Neighbour<AssigneeItem>[],
  candidates: readonly AssigneeCandidate[],
  context: {
    frequency?: ReadonlyMap<string, number>;
    labelCounts?: ReadonlyMap<string, ReadonlyMap<string, number>>;
    onCallShare?: number;
  } = {},
  options: Partial<AssigneeModelOptions> = {}
): AssigneeSuggestion[] {
  const o = { ...DEFAULT_ASSIGNEE_OPTIONS, ...options };
  const eligible = candidates.filter((c) => c.active && ASSIGNABLE_ROLES.has(c.role));
  if (eligible.length === 0) return [];
  const ids = new Set(eligible.map((c) => c.id));
  const used = neighbours
    .filter((n) => n.similarity >= o.minSimilarity)
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, o.k);
  const similar = new Map<string, { weight: number; items: AssigneeItem[] }>();
  let totalWeight = 0;
  for (const n of used) {
    const w = n.similarity ** o.power;
    totalWeight += w;
    const who = n.item.assignee;
    if (!who || !ids.has(who)) continue;
    const s = similar.get(who) ?? { weight: 0, items: [] };
    s.weight += w;
    s.items.push(n.item);
    similar.set(who, s);
  }
  const frequency = context.frequency ?? new Map<string, number>();
  let totalFrequency = 0;
  for (const c of eligible) totalFrequency += frequency.get(c.id) ?? 0;
  // each candidate's mean share of the past work carrying each of the query's labels
  const affinity = new Map<string, number>();
  const queryLabels = [...new Set(query.labels ?? [])].filter((l) => context.labelCounts?.has(l));
  for (const label of queryLabels) {
    const counts = context.labelCounts!.get(label)!;
    let total = 0;
    for (const c of eligible) total += counts.get(c.id) ?? 0;
    if (total === 0) continue;
    for (const c of eligible)
      affinity.set(
        c.id,
        (affinity.get(c.id) ?? 0) + (counts.get(c.id) ?? 0) / total / queryLabels.length
      );
  }
  const onCallShare = query.kind === 'incident' ? (context.onCallShare ?? o.onCallShare) : 0;

  const scored = eligible.map((c) => {
    const sim = similar.get(c.id);
    const simShare = sim && totalWeight > 0 ? sim.weight / totalWeight : 0;
    const freqShare = totalFrequency > 0 ? (frequency.get(c.id) ?? 0) / totalFrequency : 0;
    const raw =
      (1 - onCallShare) *
        (simShare + o.labelWeight * (affinity.get(c.id) ?? 0) + o.frequencyWeight * freqShare) +
      (c.onCall ? onCallShare : 0);
    const score = raw / (1 + o.loadPenalty * Math.max(0, c.load));
    const reasons: AssigneeReason[] = [];
    if (sim)
      reasons.push({
        kind: 'resolved_similar',
        count: sim.items.length,
        topic: topicOf(sim.items, query.labels ?? [])
      });
    if (c.onCall && query.kind === 'incident') reasons.push({ kind: 'on_call' });
    if ((frequency.get(c.id) ?? 0) > 0 && reasons.length === 0)
      reasons.push({ kind: 'frequent', count: frequency.get(c.id)! });
    if (c.load <= 1) reasons.push({ kind: 'light_load', open: c.load });
    return { id: c.id, score, reasons };
  });
  let total = 0;
  for (const s of scored) total += s.score;
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .slice(0, o.limit)
    .map((s) => ({ ...s, confidence: total > 0 ? s.score / total : 0 }));
}

/** The plain baseline: past assignees by how many items they took, most first (ties by id). */
export function mostFrequentAssignees(
  items: readonly Pick<HistoryItem, 'assignee'>[],
  eligible?: ReadonlySet<string>
): string[] {
  return [...assigneeFrequency(items)]
    .filter(([id]) => !eligible || eligible.has(id))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([id]) => id);
}

/** Per label name, how many past items with it each person took. */
export function labelCounts(
  items: readonly Pick<HistoryItem, 'assignee' | 'labels'>[]
): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const item of items) {
    if (!item.assignee) continue;
    for (const label of new Set(item.labels)) {
      const counts = out.get(label) ?? new Map<string, number>();
      counts.set(item.assignee, (counts.get(item.assignee) ?? 0) + 1);
      out.set(label, counts);
    }
  }
  return out;
}

/** How many items each person took. */
export function assigneeFrequency(
  items: readonly Pick<HistoryItem, 'assignee'>[]
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items)
    if (item.assignee) counts.set(item.assignee, (counts.get(item.assignee) ?? 0) + 1);
  return counts;
}
