/**
 * The task archive (docs/ARCHITECTURE.md, "Board scale"): finished tasks moved out of the live
 * board document after `ARCHIVE_AFTER_DAYS`. One row per moved task with the card as JSON (as
 * `readTask` read it), the list columns it is filtered and sorted by, the Yjs ids of the moved
 * entry (`item_client`/`item_clock`) and of its field values (`item_ids`, JSON), so an edit a
 * client made offline to the moved task can still be applied to the row, and pre-segmented
 * search text with its full-text table (the same segmentation as runbook search).
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE archived_tasks (
  row_id       ${d.rowKey},
  workspace_id TEXT NOT NULL,
  task_id      TEXT NOT NULL,
  task_key     TEXT,
  title        TEXT NOT NULL,
  kind         TEXT NOT NULL,
  status       TEXT NOT NULL,
  assignee     TEXT,
  labels       TEXT NOT NULL,
  finished_at  TEXT NOT NULL,
  archived_at  TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  card         TEXT NOT NULL,
  item_client  ${d.bigint},
  item_clock   ${d.bigint},
  item_ids     TEXT NOT NULL,
  search_text  TEXT NOT NULL,
  UNIQUE (workspace_id, task_id)
${d.tableEnd};

CREATE INDEX archived_tasks_by_finished ON archived_tasks (workspace_id, finished_at, task_id);
CREATE INDEX archived_tasks_by_key ON archived_tasks (workspace_id, task_key);
CREATE INDEX archived_tasks_by_assignee ON archived_tasks (workspace_id, assignee, finished_at);
CREATE INDEX archived_tasks_by_kind ON archived_tasks (workspace_id, kind, finished_at);

-- Pre-segmented text (runbooks/search-text.ts): key, title, labels. rowid = archived_tasks.row_id.
${d.fullTextTable('archived_task_search', 'archived_tasks', ['body'])}
`;
