/**
 * Task activity records (`task_activity`): who changed what on a task, and when. Written only
 * by the server (activity-recorder.ts derives them from the transactions it applies), read by
 * the task page and its export. Rows are ordered by `at`, then `id`: ids of rows written by
 * this process sort in the order they were written, ids of imported rows in their old order.
 */
import type { ActivityAction, ActivityEntry } from '../../shared/board/schema';
import { activityActionSchema } from '../../shared/board/schema';
import type { Records } from '../db/records';
import type { TaskActivityTable } from '../db/schema';

type ActivityValue = string | number | boolean | null;

/** One fact to record, for task `taskId`. */
export interface ActivityRecord {
  taskId: string;
  at: string;
  by: string | null;
  action: ActivityAction;
  field?: string;
  from?: ActivityValue;
  to?: ActivityValue;
}

/** A recorded entry as the API returns it. */
export interface TaskActivityEntry extends ActivityEntry {
  id: string;
  taskId: string;
}

/** Rows per insert statement (well under SQLite's and PostgreSQL's parameter limits). */
const INSERT_BATCH = 200;

let lastMillis = 0;
let counter = 0;

/**
 * A new row id: the time in base 36, a counter within the millisecond and a random tail, so
 * the rows one process writes sort in the order it wrote them (two nodes' rows at the same
 * millisecond sort by their random tails, which is as good as any order for simultaneous acts).
 */
export function newActivityId(now = Date.now()): string {
  if (now === lastMillis) counter++;
  else {
    lastMillis = now;
    counter = 0;
  }
  const random = Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${now.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${random}`;
}

/** Id of the `index`th entry of a task's old in-document log: the same on every import. */
export function importedActivityId(taskId: string, index: number): string {
  return `import-${taskId}-${String(index).padStart(6, '0')}`;
}

function encode(value: ActivityValue | undefined): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function decode(text: string | null): ActivityValue | undefined {
  if (text === null) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      return value;
    }
  } catch {
    // A row not written by this code: shown without the value.
  }
  return undefined;
}

function toRow(workspaceId: string, id: string, record: ActivityRecord): TaskActivityTable {
  return {
    workspace_id: workspaceId,
    id,
    task_id: record.taskId,
    at: record.at,
    actor_id: record.by,
    action: record.action,
    field: record.field ?? null,
    from_value: encode(record.from),
    to_value: encode(record.to)
  };
}

function fromRow(row: TaskActivityTable): TaskActivityEntry | null {
  const action = activityActionSchema.safeParse(row.action);
  if (!action.success) return null;
  const entry: TaskActivityEntry = {
    id: row.id,
    taskId: row.task_id,
    at: row.at,
    by: row.actor_id,
    action: action.data
  };
  if (row.field !== null) entry.field = row.field;
  const from = decode(row.from_value);
  if (from !== undefined) entry.from = from;
  const to = decode(row.to_value);
  if (to !== undefined) entry.to = to;
  return entry;
}

export class TaskActivityStore {
  constructor(private readonly records: Records) {}

  /** Appends `entries` of workspace `workspaceId`, in order. */
  async append(workspaceId: string, entries: readonly ActivityRecord[]): Promise<void> {
    const rows = entries.map((entry) => toRow(workspaceId, newActivityId(), entry));
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await this.records.db
        .insertInto('task_activity')
        .values(rows.slice(i, i + INSERT_BATCH))
        .execute();
    }
  }

  /** Whether the workspace's board was already converted from in-document activity. */
  async isImported(workspaceId: string): Promise<boolean> {
    const row = await this.records.db
      .selectFrom('task_activity_imports')
      .select('workspace_id')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Imports the old in-document logs of a board (task id → entries, oldest first) and marks
   * the workspace imported, in one transaction; false (nothing written) when it already was.
   * Ids are derived from task and position, so a repeated import writes no row twice.
   */
  async importLegacy(
    workspaceId: string,
    logs: ReadonlyMap<string, readonly ActivityEntry[]>,
    now = new Date().toISOString()
  ): Promise<boolean> {
    return this.records.transaction(async (trx) => {
      const done = await trx
        .selectFrom('task_activity_imports')
        .select('workspace_id')
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      if (done) return false;
      const rows: TaskActivityTable[] = [];
      for (const [taskId, entries] of logs) {
        entries.forEach((entry, index) => {
          rows.push(toRow(workspaceId, importedActivityId(taskId, index), { ...entry, taskId }));
        });
      }
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        await trx
          .insertInto('task_activity')
          .values(rows.slice(i, i + INSERT_BATCH))
          .onConflict((conflict) => conflict.columns(['workspace_id', 'id']).doNothing())
          .execute();
      }
      // Two nodes loading the board at once both get here: the second waits on the first's row
      // and then writes nothing (its activity rows were the same ids, also skipped).
      await trx
        .insertInto('task_activity_imports')
        .values({ workspace_id: workspaceId, imported_at: now, entries: rows.length })
        .onConflict((conflict) => conflict.column('workspace_id').doNothing())
        .execute();
      return true;
    });
  }

  /** One page of a task's activity, oldest first, and the number of entries in all. */
  async page(
    workspaceId: string,
    taskId: string,
    page: { limit: number; offset: number }
  ): Promise<{ total: number; entries: TaskActivityEntry[] }> {
    const count = await this.records.db
      .selectFrom('task_activity')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('task_id', '=', taskId)
      .executeTakeFirstOrThrow();
    const rows = await this.records.db
      .selectFrom('task_activity')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('task_id', '=', taskId)
      .orderBy(this.records.queries.byteOrder('at'))
      .orderBy(this.records.queries.byteOrder('id'))
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return { total: Number(count.n), entries: rows.flatMap((row) => fromRow(row) ?? []) };
  }

  /** The newest `limit` entries of a task, oldest first (the task detail's `activity`). */
  async latest(workspaceId: string, taskId: string, limit: number): Promise<TaskActivityEntry[]> {
    const rows = await this.records.db
      .selectFrom('task_activity')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('task_id', '=', taskId)
      .orderBy(this.records.queries.byteOrder('at'), 'desc')
      .orderBy(this.records.queries.byteOrder('id'), 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().flatMap((row) => fromRow(row) ?? []);
  }
}
