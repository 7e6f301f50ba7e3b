/**
 * What the in-app self-evaluation (evaluation-runner.ts, docs/ai-models.md "Evaluate on your
 * own data") replays: a workspace's history as evaluation items, the split, the candidates.
 * A helper: pure functions; the API test builds its expected figures with these too.
 *
 * A workspace's own items carry no paraphrase groups, as the bench's generated ones do, so
 * similar-work recall@5 needs a stand-in for "the same kind of work": an earlier item of the same
 * kind with exactly the same labels (an item without labels is never a query). Its language is
 * Chinese when its title has Han characters, else English; the query's own phrasing (an earlier
 * item with the same title, case and spaces aside) is taken out of the pool, as the bench takes
 * out the same phrasing.
 */
import {
  EVALUATION_MAX_ITEMS,
  EVALUATION_MIN_FINISHED,
  EVALUATION_MIN_SIDE
} from '../../shared/ai/evaluation';
import type { EvalItem } from './evaluation';
import type { HistoryItem } from './history';

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * The history (any order) as evaluation items, oldest first, the newest `max` kept, each with
 * its stand-in group, language and phrasing (see the module comment).
 */
export function evaluationItems(
  history: readonly HistoryItem[],
  max = EVALUATION_MAX_ITEMS
): EvalItem[] {
  const sorted = [...history].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)
  );
  const kept = sorted.length > max ? sorted.slice(sorted.length - max) : sorted;
  const phrasings = new Map<string, number>();
  return kept.map((item) => {
    const title = item.title.trim().toLowerCase().replace(/\s+/g, ' ');
    let variant = phrasings.get(title);
    if (variant === undefined) {
      variant = phrasings.size;
      phrasings.set(title, variant);
    }
    const labels = [...item.labels].sort();
    return {
      ...item,
      group: labels.length > 0 ? `${item.kind}|${labels.join(',')}` : `solo|${item.id}`,
      lang: HAN.test(item.title) ? 'zh' : 'en',
      variant
    };
  });
}

/** The default split: items created from the first finished item of the last quarter on. */
export function lastQuarterSplit(items: readonly HistoryItem[]): string | null {
  const finished = items
    .filter((i) => i.durationMinutes !== null)
    .map((i) => i.createdAt)
    .sort();
  if (finished.length === 0) return null;
  return finished[Math.floor(finished.length * 0.75)] ?? null;
}

export interface HistoryCounts {
  /** Finished items in all. */
  finished: number;
  /** Finished items created before the split. */
  before: number;
  /** Finished items created at or after it. */
  after: number;
}

/** The finished items in all and on each side of `splitAt`. */
export function historyCounts(items: readonly HistoryItem[], splitAt: string): HistoryCounts {
  const split = Date.parse(splitAt);
  let before = 0;
  let after = 0;
  for (const item of items) {
    if (item.durationMinutes === null) continue;
    if (Date.parse(item.createdAt) < split) before++;
    else after++;
  }
  return { finished: before + after, before, after };
}

/** Whether there is enough finished work to train on and to test on. */
export function enoughHistory(counts: HistoryCounts): boolean {
  return (
    counts.finished >= EVALUATION_MIN_FINISHED &&
    counts.before >= EVALUATION_MIN_SIDE &&
    counts.after >= EVALUATION_MIN_SIDE
  );
}

/**
 * Who could be assigned in the replay, sorted by id, all as active: every member, and anyone
 * assigned in the history. The app does not know when people joined or left, and the history
 * import makes the people it does not know inactive viewers, yet they did the work then: whoever
 * was assigned work counts as a member; a viewer never assigned anything stays a viewer (never
 * suggested).
 */
export function evaluationCandidates(
  members: readonly { id: string; role: string }[],
  items: readonly Pick<HistoryItem, 'assignee'>[]
): { id: string; role: string; active: boolean }[] {
  const assigned = new Set(items.flatMap((item) => (item.assignee ? [item.assignee] : [])));
  const byId = new Map(
    members.map((m) => [
      m.id,
      {
        id: m.id,
        role: m.role === 'viewer' && assigned.has(m.id) ? 'member' : m.role,
        active: true
      }
    ])
  );
  for (const id of assigned) {
    if (!byId.has(id)) byId.set(id, { id, role: 'member', active: true });
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
