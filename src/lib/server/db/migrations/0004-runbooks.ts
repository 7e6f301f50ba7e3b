/**
 * Runbooks: the library index and its full-text table (derived from the runbook documents and
 * rebuildable), saved versions (Yjs states), and uploaded files (bytes on disk in
 * DATA_DIR/files, addressed by their sha256).
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE runbooks (
  row_id               ${d.rowKey},
  workspace_id         TEXT NOT NULL,
  id                   TEXT NOT NULL,
  title                TEXT NOT NULL,
  tags                 TEXT NOT NULL,
  owner_id             TEXT,
  services             TEXT NOT NULL,
  cis                  TEXT NOT NULL,
  alert_matchers       TEXT NOT NULL,
  reviewed_at          TEXT,
  review_interval_days INTEGER,
  created_at           TEXT NOT NULL,
  created_by           TEXT,
  updated_at           TEXT NOT NULL,
  archived_at          TEXT,
  plain_text           TEXT NOT NULL,
  UNIQUE (workspace_id, id)
${d.tableEnd};

CREATE INDEX runbooks_by_updated ON runbooks (workspace_id, updated_at);

-- Pre-segmented text (see runbooks/search-text.ts): Chinese words and character bigrams,
-- English lower-cased stems, separated by spaces. rowid = runbooks.row_id.
${d.fullTextTable('runbook_search', 'runbooks', ['title', 'body'])}

CREATE TABLE runbook_versions (
  id           TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  runbook_id   TEXT NOT NULL,
  name         TEXT,
  kind         TEXT NOT NULL CHECK (kind IN ('named', 'auto')),
  created_at   TEXT NOT NULL,
  created_by   TEXT,
  state        ${d.blob} NOT NULL
${d.tableEnd};

CREATE INDEX runbook_versions_by_runbook
  ON runbook_versions (workspace_id, runbook_id, created_at);

CREATE TABLE files (
  workspace_id TEXT NOT NULL,
  id           TEXT NOT NULL,
  mime         TEXT NOT NULL,
  bytes        ${d.bigint} NOT NULL,
  created_at   TEXT NOT NULL,
  created_by   TEXT,
  PRIMARY KEY (workspace_id, id)
${d.tableEnd};
`;
