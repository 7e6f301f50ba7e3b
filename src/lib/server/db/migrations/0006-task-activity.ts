/**
 * Task activity as records: who changed what on a task, and when, written by the server from
 * the transactions it applies to a board (board/activity-recorder.ts), never by clients.
 * `from_value` and `to_value` hold the JSON of the value (string, number, boolean or null).
 * `task_activity_imports` marks the workspaces whose board was converted from the old
 * in-document activity arrays, so the conversion runs once.
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE task_activity (
  workspace_id TEXT NOT NULL,
  id           TEXT NOT NULL,
  task_id      TEXT NOT NULL,
  at           TEXT NOT NULL,
  actor_id     TEXT,
  action       TEXT NOT NULL,
  field        TEXT,
  from_value   TEXT,
  to_value     TEXT,
  PRIMARY KEY (workspace_id, id)
${d.tableEnd};

CREATE INDEX task_activity_by_task ON task_activity (workspace_id, task_id, at, id);

CREATE TABLE task_activity_imports (
  workspace_id TEXT PRIMARY KEY,
  imported_at  TEXT NOT NULL,
  entries      ${d.int} NOT NULL
${d.tableEnd};
`;
