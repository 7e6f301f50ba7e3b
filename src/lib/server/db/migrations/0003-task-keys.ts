/** The per-workspace counter behind human task keys (`OPS-142`). */
export const sql = `
CREATE TABLE task_key_counters (
  workspace_id TEXT PRIMARY KEY,
  last_number  INTEGER NOT NULL
) STRICT;
`;
