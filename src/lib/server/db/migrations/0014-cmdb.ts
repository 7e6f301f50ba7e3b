/**
 * The CMDB's records (ARCHITECTURE "The CMDB"). The items and relations live in the `<ws>.cmdb`
 * document; `cmdb_items` and `cmdb_relations` mirror them for queries (filters, impact, the
 * inventory, conflict checks of changes), with `cmdb_mirrors` holding the document state the rows
 * were last known to hold: derived data, rebuilt from the document, not backed up.
 * `cmdb_history` is a server fact: who changed which field of an item, before and after.
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE cmdb_items (
  workspace_id TEXT NOT NULL,
  id           TEXT NOT NULL,
  type         TEXT NOT NULL,
  name         TEXT NOT NULL,
  name_lower   TEXT NOT NULL,
  environment  TEXT,
  criticality  TEXT NOT NULL,
  owner        TEXT,
  tags         TEXT NOT NULL,
  attributes   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id)
${d.tableEnd};

CREATE INDEX cmdb_items_by_name ON cmdb_items (workspace_id, name_lower);
CREATE INDEX cmdb_items_by_type ON cmdb_items (workspace_id, type, name_lower);

CREATE TABLE cmdb_relations (
  workspace_id TEXT NOT NULL,
  id           TEXT NOT NULL,
  from_id      TEXT NOT NULL,
  to_id        TEXT NOT NULL,
  type         TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id)
${d.tableEnd};

CREATE INDEX cmdb_relations_by_to ON cmdb_relations (workspace_id, to_id);
CREATE INDEX cmdb_relations_by_from ON cmdb_relations (workspace_id, from_id);

CREATE TABLE cmdb_mirrors (
  workspace_id TEXT PRIMARY KEY,
  doc_state    ${d.blob} NOT NULL,
  mirrored_at  ${d.bigint} NOT NULL
${d.tableEnd};

CREATE TABLE cmdb_history (
  workspace_id TEXT NOT NULL,
  id           TEXT NOT NULL,
  item_id      TEXT NOT NULL,
  at           TEXT NOT NULL,
  actor_id     TEXT,
  action       TEXT NOT NULL,
  field        TEXT,
  from_value   TEXT,
  to_value     TEXT,
  PRIMARY KEY (workspace_id, id)
${d.tableEnd};

CREATE INDEX cmdb_history_by_item ON cmdb_history (workspace_id, item_id, at, id);
`;
