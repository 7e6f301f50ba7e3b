/**
 * The workspace's work history as the prediction models read it (issue 17, items 3, 4 and 8):
 * tasks and incidents of the live board and of the archive, with their lifecycle timestamps,
 * assignee, kind, priority and label names. A helper: read-only, structural interfaces only (the
 * board's `Task` shape, the archive store's `list`), so it can be fed from the stores, an
 * import file or the evaluation set alike.
 */

export type HistoryKind = 'task' | 'incident' | 'change';
export type HistoryPriority = 'urgent' | 'high' | 'medium' | 'low' | 'none';

/** One piece of work as the models see it. */
export interface HistoryItem {
  id: string;
  title: string;
  description: string;
  kind: HistoryKind;
  priority: HistoryPriority;
  /** Label names (not ids), so a reason can name the topic. */
  labels: readonly string[];
  /** Member id, or null. */
  assignee: string | null;
  createdAt: string;
  startedAt: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  doneAt: string | null;
  /** When it was finished (resolved for an incident, done otherwise), or null while open. */
  finishedAt: string | null;
  /** Creation to finish in minutes, or null while open. */
  durationMinutes: number | null;
}

/** The fields of a board task this module reads (src/lib/shared/board/schema.ts `Task`). */
export interface TaskLike {
  id: string;
  title: string;
  description?: string;
  kind: HistoryKind;
  priority: HistoryPriority;
  labels: readonly string[];
  assignee: string | null;
  createdAt: string;
  startedAt: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  doneAt: string | null;
}

/** What `ArchiveStore.list` offers (src/lib/server/archive/archive-store.ts). */
export interface ArchiveLike {
  list(
    workspaceId: string,
    query: { cursor?: string; limit?: number }
  ): Promise<{ items: readonly { task: TaskLike }[]; nextCursor: string | null }>;
}

/** When an item was finished: resolved for an incident (done if never resolved), else done. */
export function finishOf(task: Pick<TaskLike, 'kind' | 'resolvedAt' | 'doneAt'>): string | null {
  if (task.kind === 'incident') return task.resolvedAt ?? task.doneAt;
  return task.doneAt;
}

/**
 * A board or archived task as a history item; `labelNames` maps label ids to names (unknown ids
 * are kept as they are).
 */
export function historyItemOfTask(
  task: TaskLike,
  labelNames: ReadonlyMap<string, string> = new Map()
): HistoryItem {
  const finishedAt = finishOf(task);
  const minutes =
    finishedAt === null ? null : (Date.parse(finishedAt) - Date.parse(task.createdAt)) / 60_000;
  return {
    id: task.id,
    title: task.title,
    description: task.description ?? '',
    kind: task.kind,
    priority: task.priority,
    labels: task.labels.map((id) => labelNames.get(id) ?? id),
    assignee: task.assignee,
    createdAt: task.createdAt,
    startedAt: task.startedAt,
    acknowledgedAt: task.acknowledgedAt,
    resolvedAt: task.resolvedAt,
    doneAt: task.doneAt,
    finishedAt,
    durationMinutes: minutes === null || !Number.isFinite(minutes) || minutes < 0 ? null : minutes
  };
}

export interface ReadHistoryOptions {
  workspaceId: string;
  /** The live board's tasks (open and finished). */
  boardTasks: readonly TaskLike[];
  labels: readonly { id: string; name: string }[];
  archive?: ArchiveLike;
  /** Keep at most this many items, the most recently created (default 20,000). */
  maxItems?: number;
  /** Archive page size (default 500, the archive's largest). */
  pageSize?: number;
}

/**
 * The workspace's history: the live board's tasks and every archived one (an id found in both
 * is taken from the board, which is newer), oldest first, capped to the newest `maxItems`.
 */
export async function readHistory(options: ReadHistoryOptions): Promise<HistoryItem[]> {
  const names = new Map(options.labels.map((l) => [l.id, l.name]));
  const byId = new Map<string, HistoryItem>();
  if (options.archive) {
    let cursor: string | undefined;
    for (;;) {
      const page = await options.archive.list(options.workspaceId, {
        cursor,
        limit: options.pageSize ?? 500
      });
      for (const { task } of page.items) byId.set(task.id, historyItemOfTask(task, names));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
  }
  for (const task of options.boardTasks) byId.set(task.id, historyItemOfTask(task, names));
  const items = [...byId.values()].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)
  );
  const max = options.maxItems ?? 20_000;
  return items.length > max ? items.slice(items.length - max) : items;
}

/** The text a model embeds for an item: title, then the start of the description. */
export function historyText(item: Pick<HistoryItem, 'title' | 'description'>): string {
  const description = item.description.trim();
  return description ? `${item.title}\n${description.slice(0, 500)}` : item.title;
}

/** Items still open at `at` (created before it, not finished by it), per assignee. */
export function openLoad(items: readonly HistoryItem[], at: string): Map<string, number> {
  const load = new Map<string, number>();
  for (const item of items) {
    if (!item.assignee || item.createdAt > at) continue;
    if (item.finishedAt !== null && item.finishedAt <= at) continue;
    load.set(item.assignee, (load.get(item.assignee) ?? 0) + 1);
  }
  return load;
}
