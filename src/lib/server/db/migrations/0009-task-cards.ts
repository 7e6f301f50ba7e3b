/**
 * The live board's cards as records (board/card-mirror.ts): one `task_cards` row per task entry
 * of a workspace's board document, with the card as JSON (as `readTask` reads it) and its key
 * upper-cased for lookups, so a deep link's card is answered without loading the board.
 * `task_card_mirrors` holds, per workspace, the board's state (a Yjs snapshot: state vector and
 * delete set) when the rows last held all of it: a board loaded in another state is mirrored
 * again in full. Derived data, rebuilt
 * from the board; not backed up. `mirrored_at` is epoch milliseconds.
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE task_cards (
  workspace_id TEXT NOT NULL,
  task_id      TEXT NOT NULL,
  key_upper    TEXT,
  card         TEXT NOT NULL,
  PRIMARY KEY (workspace_id, task_id)
${d.tableEnd};

CREATE INDEX task_cards_by_key ON task_cards (workspace_id, key_upper);

CREATE TABLE task_card_mirrors (
  workspace_id TEXT PRIMARY KEY,
  doc_state    ${d.blob} NOT NULL,
  mirrored_at  ${d.bigint} NOT NULL
${d.tableEnd};
`;
