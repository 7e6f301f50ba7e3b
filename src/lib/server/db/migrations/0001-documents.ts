/** Yjs documents: a snapshot per document plus an append-only update log. */
import type { DialectSql } from '../dialect';

// On PostgreSQL the same tables as sync-server/storage/postgres-storage.ts creates when it is
// used on its own (sync-core tests); whichever runs first records version 1.
export const sql = (d: DialectSql) => `
CREATE TABLE document_snapshots (
  name        TEXT PRIMARY KEY,
  snapshot    ${d.blob} NOT NULL,
  through_seq ${d.bigint} NOT NULL,
  updated_at  ${d.bigint} NOT NULL
${d.tableEnd};

CREATE TABLE document_updates (
  seq        ${d.serialKey},
  name       TEXT NOT NULL,
  data       ${d.blob} NOT NULL,
  created_at ${d.bigint} NOT NULL
${d.tableEnd};

CREATE INDEX document_updates_by_name ON document_updates (name, seq);
`;
