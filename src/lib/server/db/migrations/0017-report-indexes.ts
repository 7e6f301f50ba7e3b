/**
 * What the reports read by (reports/reports-store.ts, docs/kpis.md):
 * - indexes on a workspace's incidents by final resolution and its changes and automation runs
 *   by finish, so a report reads only the rows of its range;
 * - the live board's cards' kind and lifecycle times as columns of `task_cards` (written with
 *   the card by board/card-mirror.ts, filled here from the card JSON of existing rows), so a
 *   report of a board of 100,000 cards reads four short columns instead of parsing every card.
 */
import type { DialectSql } from '../dialect';

const FIELDS = [
  ['kind', 'kind'],
  ['started_at', 'startedAt'],
  ['done_at', 'doneAt'],
  ['due_at', 'dueAt']
] as const;

export const sql = (d: DialectSql) => `
CREATE INDEX incidents_by_resolution ON incidents (workspace_id, resolved_at);
CREATE INDEX changes_by_finish ON changes (workspace_id, finished_at);
CREATE INDEX automation_runs_by_finish ON automation_runs (workspace_id, finished_at);

${FIELDS.map(([column]) => `ALTER TABLE task_cards ADD COLUMN ${column} TEXT;`).join('\n')}
UPDATE task_cards SET ${FIELDS.map(([column, key]) =>
  d.name === 'postgres'
    ? `${column} = card::json ->> '${key}'`
    : `${column} = json_extract(card, '$.${key}')`
).join(', ')};
CREATE INDEX task_cards_by_done ON task_cards (workspace_id, done_at);
`;
