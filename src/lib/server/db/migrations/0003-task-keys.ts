/** The per-workspace counter behind human task keys (`OPS-142`). */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE task_key_counters (
  workspace_id TEXT PRIMARY KEY,
  last_number  INTEGER NOT NULL
${d.tableEnd};
`;
