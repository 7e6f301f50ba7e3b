/**
 * Runs a compiled question (shared/ai/question.ts) over a workspace's items: the tasks,
 * incidents and change tasks of the live board (archived cards included) and the task archive.
 * Filters are applied first, then the remaining `text` ranks what is left. Nothing is built from
 * the question but comparisons of plain values: the query is data, never SQL.
 *
 * Permissions: every item of a workspace's board and archive may be read by every member of it
 * (shared/permissions.ts: the board is readable by viewers), so the caller's check is the
 * workspace membership the operation's `auth` makes; only items of that workspace are read.
 *
 * Ranking: by the AI index's similarity (the embedder's cosine, which bridges Chinese and
 * English through the glossary) combined with a plain term overlap — words and CJK character
 * pairs of the text found in the item's key, title, labels and description — which also covers
 * items the index has not caught up with yet (it refreshes a moment after a change). An item is
 * kept when it shares a term with the text or its similarity reaches `ASK_MIN_SIMILARITY`; its
 * score is the larger of the two.
 */
import type { AskQuery, AskStatus, QuestionVocabulary } from '../../shared/ai/question';
import { ASSIGNEE_ME, ASSIGNEE_NONE } from '../../shared/ai/question';
import type { Column, Label, Task } from '../../shared/board/schema';

/** Most results one question answers with. */
export const ASK_MAX_LIMIT = 100;
export const ASK_DEFAULT_LIMIT = 20;
/** The similarity from which an item sharing no term with the text still matches it. */
export const ASK_MIN_SIMILARITY = 0.1;
/** Most archived tasks read for one question (pages of the archive). */
export const ASK_MAX_ARCHIVED = 20_000;
const ARCHIVE_PAGE = 500;
const PRIORITY_RANK: Record<Task['priority'], number> = {
  urgent: 4,
  high: 3,
  medium: 2,
  low: 1,
  none: 0
};

/** What a question reads of a workspace (structural, so tests and the API wire it). */
export interface AskSources {
  board(workspaceId: string): Promise<{ tasks: Task[]; columns: Column[]; labels: Label[] }>;
  archivePage(
    workspaceId: string,
    query: { kind?: string; from?: string; cursor?: string; limit: number }
  ): Promise<{ items: { task: Task }[]; nextCursor: string | null }>;
  cis(workspaceId: string): Promise<{ id: string; name: string }[]>;
  members(workspaceId: string): Promise<{ userId: string; name: string; email: string }[]>;
}

/** Similarity of each item to `text` in [0, 1], by id; absent ids did not match. */
export type AskRanker = (
  workspaceId: string,
  text: string,
  items: readonly { id: string; text: string }[]
) => Promise<Map<string, number>>;

export interface AskHit {
  task: Task;
  archived: boolean;
  state: Exclude<AskStatus, 'open'>;
  score: number;
}

export interface AskAnswer {
  hits: AskHit[];
  /** Items that matched the filters (and the text, when there is one), before the limit. */
  total: number;
}

/** The lifecycle stage of a live task from its column (archived cards are done). */
function stateOf(task: Task, categories: Map<string, Column['category']>): AskHit['state'] {
  if (task.archivedAt !== null) return 'done';
  return categories.get(task.status) ?? 'todo';
}

function statusMatches(status: AskStatus | undefined, state: AskHit['state']): boolean {
  if (status === undefined) return true;
  if (status === 'open') return state !== 'done';
  return status === state;
}

/** Words (lowercase, a plural `s` off) and CJK character pairs of a text. */
export function termsOf(text: string): string[] {
  const terms: string[] = [];
  const lower = text.normalize('NFKC').toLowerCase();
  for (const word of lower.match(/[a-z0-9][a-z0-9_.-]*/g) ?? []) {
    terms.push(word.length > 3 && word.endsWith('s') ? word.slice(0, -1) : word);
  }
  for (const run of lower.match(/[\u3400-\u9fff]+/g) ?? []) {
    if (run.length === 1) terms.push(run);
    for (let i = 0; i + 1 < run.length; i++) terms.push(run.slice(i, i + 2));
  }
  return terms;
}

/** The fallback ranker: the share of the text's distinct terms found in each item. */
export const termOverlapRanker: AskRanker = (_workspaceId, text, items) => {
  const wanted = [...new Set(termsOf(text))];
  const scores = new Map<string, number>();
  if (wanted.length === 0) return Promise.resolve(scores);
  for (const item of items) {
    const have = new Set(termsOf(item.text));
    const found = wanted.filter((t) => have.has(t)).length;
    if (found > 0) scores.set(item.id, found / wanted.length);
  }
  return Promise.resolve(scores);
};

/**
 * The ranker of ai/ask: `similarity` (the index's scores for the given ids) combined with the
 * term overlap (see the file comment).
 */
export function combinedRanker(
  similarity: (workspaceId: string, text: string, ids: string[]) => Promise<Map<string, number>>
): AskRanker {
  return async (workspaceId, text, items) => {
    const [similar, overlap] = await Promise.all([
      similarity(
        workspaceId,
        text,
        items.map((i) => i.id)
      ),
      termOverlapRanker(workspaceId, text, items)
    ]);
    const scores = new Map<string, number>();
    for (const { id } of items) {
      const s = similar.get(id) ?? 0;
      const o = overlap.get(id) ?? 0;
      if (o > 0 || s >= ASK_MIN_SIMILARITY) scores.set(id, Math.min(1, Math.max(s, o)));
    }
    return scores;
  };
}

/**
 * The items of `workspaceId` matching `query`, best first, at most `limit`. `actorId` stands for
 * `me`; an unknown label, CI or member in the query matches nothing (it was asked for).
 */
export async function askItems(
  sources: AskSources,
  workspaceId: string,
  query: AskQuery,
  options: { actorId: string; limit: number; rank?: AskRanker }
): Promise<AskAnswer> {
  const [board, cis, members] = await Promise.all([
    sources.board(workspaceId),
    query.cis?.length ? sources.cis(workspaceId) : Promise.resolve([]),
    query.assignee && query.assignee !== ASSIGNEE_ME && query.assignee !== ASSIGNEE_NONE
      ? sources.members(workspaceId)
      : Promise.resolve([])
  ]);
  const categories = new Map(board.columns.map((c) => [c.id, c.category]));
  const labelNames = new Map(board.labels.map((l) => [l.id, l.name]));

  // Filters as plain values.
  const from = query.from ? Date.parse(query.from) : -Infinity;
  const to = query.to ? Date.parse(query.to) : Infinity;
  let labelIds: string[] | null = null;
  if (query.labels?.length) {
    labelIds = query.labels.map(
      (name) =>
        board.labels.find((l) => l.name.toLowerCase() === name.toLowerCase())?.id ?? '\u0000'
    );
  }
  let ciIds: Set<string> | null = null;
  let ciNames: string[] = [];
  if (query.cis?.length) {
    const wanted = new Set(query.cis.map((n) => n.toLowerCase()));
    ciIds = new Set(cis.filter((c) => wanted.has(c.name.toLowerCase())).map((c) => c.id));
    ciNames = [...wanted];
  }
  let assignee: string | null | undefined;
  if (query.assignee === ASSIGNEE_ME) assignee = options.actorId;
  else if (query.assignee === ASSIGNEE_NONE) assignee = null;
  else if (query.assignee !== undefined) {
    const a = query.assignee.toLowerCase();
    const member = members.find(
      (m) =>
        m.userId === query.assignee || m.email.toLowerCase() === a || m.name.toLowerCase() === a
    );
    assignee = member?.userId ?? '\u0000';
  }
  const minPriority = query.priority ? PRIORITY_RANK[query.priority] : 0;

  const matches = (task: Task, state: AskHit['state']): boolean => {
    const created = Date.parse(task.createdAt);
    if (created < from || created >= to) return false;
    if (query.kind !== undefined && task.kind !== query.kind) return false;
    if (!statusMatches(query.status, state)) return false;
    if (minPriority > 0 && PRIORITY_RANK[task.priority] < minPriority) return false;
    if (assignee !== undefined && task.assignee !== assignee) return false;
    if (labelIds && !labelIds.every((id) => task.labels.includes(id))) return false;
    if (ciIds) {
      const linked = task.links.some((l) => l.type === 'ci' && ciIds.has(l.target));
      const text = `${task.title}\n${task.description}`.toLowerCase();
      if (!linked && !ciNames.some((name) => text.includes(name))) return false;
    }
    return true;
  };

  const candidates: AskHit[] = [];
  const seen = new Set<string>();
  for (const task of board.tasks) {
    const state = stateOf(task, categories);
    seen.add(task.id);
    if (matches(task, state)) candidates.push({ task, archived: false, state, score: 1 });
  }
  // The archive holds finished tasks only; one finished after `from` if created after it.
  if (query.status === undefined || query.status === 'done') {
    let cursor: string | undefined;
    let read = 0;
    do {
      const page = await sources.archivePage(workspaceId, {
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(cursor ? { cursor } : {}),
        limit: ARCHIVE_PAGE
      });
      for (const { task } of page.items) {
        if (seen.has(task.id)) continue;
        seen.add(task.id);
        if (matches(task, 'done'))
          candidates.push({ task, archived: true, state: 'done', score: 1 });
      }
      read += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor && read < ASK_MAX_ARCHIVED);
  }

  let hits = candidates;
  if (query.text) {
    const rank = options.rank ?? termOverlapRanker;
    const scores = await rank(
      workspaceId,
      query.text,
      candidates.map(({ task }) => ({
        id: task.id,
        text: [
          task.key ?? '',
          task.title,
          ...task.labels.map((id) => labelNames.get(id) ?? ''),
          task.description
        ].join('\n')
      }))
    );
    hits = [];
    for (const hit of candidates) {
      const score = scores.get(hit.task.id);
      if (score !== undefined && score > 0) hits.push({ ...hit, score });
    }
  }
  // Best first; equal scores: the most recently created first.
  hits.sort(
    (a, b) =>
      b.score - a.score ||
      Date.parse(b.task.createdAt) - Date.parse(a.task.createdAt) ||
      (a.task.id < b.task.id ? -1 : 1)
  );
  return { hits: hits.slice(0, options.limit), total: hits.length };
}

/** The vocabulary the compiler matches in a question: labels, members and CI names. */
export async function vocabularyOf(
  sources: AskSources,
  workspaceId: string
): Promise<QuestionVocabulary> {
  const [board, members, cis] = await Promise.all([
    sources.board(workspaceId),
    sources.members(workspaceId),
    sources.cis(workspaceId)
  ]);
  return {
    labels: board.labels.map((l) => ({ name: l.name })),
    members: members.map((m) => ({ id: m.userId, name: m.name, email: m.email })),
    cis: cis.map((c) => ({ name: c.name }))
  };
}
