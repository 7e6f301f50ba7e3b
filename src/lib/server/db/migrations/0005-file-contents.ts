/**
 * The bytes of uploaded files, in the database: with `DATABASE_URL` nothing a node needs may
 * live in DATA_DIR (every node serves every file). One row per workspace and file, beside its
 * `files` row. Files uploaded before this migration keep their bytes on disk in
 * DATA_DIR/files, where reading still finds them.
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE file_contents (
  workspace_id TEXT NOT NULL,
  id           TEXT NOT NULL,
  data         ${d.blob} NOT NULL,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, id) REFERENCES files (workspace_id, id) ON DELETE CASCADE
${d.tableEnd};
`;
