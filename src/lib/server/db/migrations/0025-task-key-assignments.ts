/**
 * `task_key_assignments`: the number each keyless task was given (board-store.ts
 * `assignTaskNumbers`). With several nodes, two that load or receive the same keyless task at
 * once both ask for its number; the first one's row decides, so the task gets one key, the same
 * on every node, and no number is spent twice (board-extension.ts, issue 18).
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE task_key_assignments (
  workspace_id TEXT NOT NULL,
  task_id      TEXT NOT NULL,
  number       INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, task_id)
${d.tableEnd};
`;
