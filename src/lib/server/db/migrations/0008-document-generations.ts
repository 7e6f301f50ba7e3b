/**
 * Retired generations of documents (sync-server/generations.ts; docs/ARCHITECTURE.md,
 * "Rebasing a document"): one row per rebase, with the state vector of the document as it was
 * before, so the server can refuse a client that still holds a copy of that generation.
 * `retired_at` is epoch milliseconds, like the document tables.
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE document_generations (
  name          TEXT NOT NULL,
  generation    TEXT NOT NULL,
  state_vector  ${d.blob} NOT NULL,
  retired_at    ${d.bigint} NOT NULL,
  PRIMARY KEY (name, generation)
${d.tableEnd};

CREATE INDEX document_generations_by_time ON document_generations (name, retired_at);
`;
