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
}
