/** Yjs documents: a snapshot per document plus an append-only update log. */
export const sql = `
CREATE TABLE document_snapshots (
  name        TEXT PRIMARY KEY,
  snapshot    BLOB NOT NULL,
  through_seq INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE document_updates (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT NOT NULL,
  data       BLOB NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX document_updates_by_name ON document_updates (name, seq);
`;
