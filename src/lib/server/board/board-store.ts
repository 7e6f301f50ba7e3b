/** The board's records: the per-workspace counter behind human task keys (`OPS-142`). */
import { sql } from 'kysely';
import type { Records } from '../db/records';

export class BoardStore {
  constructor(private readonly records: Records) {}

  /**
   * Reserves `count` consecutive task numbers of `workspaceId` and returns the first. Atomic on
   * both databases (one upsert); a number handed out is never handed out again, even if the
   * caller then fails to use it (a gap, never a duplicate).
   */
  async reserveTaskNumbers(workspaceId: string, count = 1): Promise<number> {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`bad count ${count}`);
    const row = await this.records.db
      .insertInto('task_key_counters')
      .values({ workspace_id: workspaceId, last_number: count })
      .onConflict((conflict) =>
        conflict
          .column('workspace_id')
          .doUpdateSet({ last_number: sql<number>`task_key_counters.last_number + ${count}` })
      )
      .returning('last_number')
      .executeTakeFirstOrThrow();
    return row.last_number - count + 1;
  }

  /**
   * The number of each of `taskIds` (keyless tasks of `workspaceId`), given once for every node:
   * a task numbered before (by this node or another) keeps its number (`given: false`), the
   * others take the next ones of the counter in the order given (`given: true`). Two nodes
   * asking at once for the same task get the same number: the workspace's counter row is locked
   * first, so the second waits for the first and then reads its rows.
   */
  async assignTaskNumbers(
    workspaceId: string,
    taskIds: readonly string[]
  ): Promise<Map<string, { number: number; given: boolean }>> {
    const result = new Map<string, { number: number; given: boolean }>();
    // Bounded statements (bind parameters) for a board found with thousands of keyless tasks.
    for (let start = 0; start < taskIds.length; start += ASSIGN_CHUNK) {
      const chunk = [...new Set(taskIds.slice(start, start + ASSIGN_CHUNK))].filter(
        (id) => !result.has(id)
      );
      if (chunk.length === 0) continue;
      await this.records.transaction(async (trx) => {
        // The lock: an upsert that changes nothing but holds the counter row to the commit.
        await trx
          .insertInto('task_key_counters')
          .values({ workspace_id: workspaceId, last_number: 0 })
          .onConflict((conflict) =>
            conflict
              .column('workspace_id')
              .doUpdateSet({ last_number: sql<number>`task_key_counters.last_number` })
          )
          .execute();
        const known = await trx
          .selectFrom('task_key_assignments')
          .select(['task_id', 'number'])
          .where('workspace_id', '=', workspaceId)
          .where('task_id', 'in', chunk)
          .execute();
        for (const row of known) result.set(row.task_id, { number: row.number, given: false });
        const missing = chunk.filter((id) => !result.has(id));
        if (missing.length === 0) return;
        const counter = await trx
          .updateTable('task_key_counters')
          .set({ last_number: sql<number>`last_number + ${missing.length}` })
          .where('workspace_id', '=', workspaceId)
          .returning('last_number')
          .executeTakeFirstOrThrow();
        const first = counter.last_number - missing.length + 1;
        await trx
          .insertInto('task_key_assignments')
          .values(
            missing.map((id, i) => ({ workspace_id: workspaceId, task_id: id, number: first + i }))
          )
          .execute();
        missing.forEach((id, i) => result.set(id, { number: first + i, given: true }));
      });
    }
    return result;
  }
}

/** Task ids per statement of `assignTaskNumbers`. */
const ASSIGN_CHUNK = 500;
