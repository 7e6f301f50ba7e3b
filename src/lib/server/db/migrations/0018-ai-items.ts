/**
 * The AI index (ai/ai-store.ts, docs/ai.md): one row per task, incident, runbook and CI of a
 * workspace, archived ones included, with the text's hash, the embedder that made the vector
 * and the vector itself (ai/vector-codec.ts: sparse or dense float32). Derived data: rebuilt
 * from the tasks, archive, runbooks and CMDB, not backed up. `item_type` is `task`, `incident`,
 * `runbook` or `ci`; `status` is `open`, `done` or `archived`; `finished_at` is when a task was
 * done or an incident resolved (ISO), null while open.
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE ai_items (
  workspace_id TEXT NOT NULL,
  item_type    TEXT NOT NULL,
  item_id      TEXT NOT NULL,
  item_key     TEXT,
  title        TEXT NOT NULL,
  status       TEXT NOT NULL,
  finished_at  TEXT,
  text_hash    TEXT NOT NULL,
  embedder_id  TEXT NOT NULL,
  vector       ${d.blob} NOT NULL,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (workspace_id, item_type, item_id)
${d.tableEnd};
`;
