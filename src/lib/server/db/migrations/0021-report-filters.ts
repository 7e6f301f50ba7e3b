/**
 * What the reports' new figures read by (reports/reports-store.ts, docs/kpis.md):
 * - `task_cards.resolved_at`: when a card first entered a done column (the card's `resolvedAt`;
 *   plain tasks carry it too from now on), so throughput counts each task once, at its first
 *   completion, as the counter `runboard_tasks_done_total` does; filled from the card JSON;
 *   cards by first completion and by due time, so a report reads only the cards of its range,
 *   and an index holding the columns of the levels (work in progress, overdue), so the database
 *   counts them from the index without reading the cards;
 * - incident timeline events by workspace, type and time (pages of escalations and reopens in
 *   a range);
 * - alert occurrences by workspace and first arrival (alerts received per bucket).
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
ALTER TABLE task_cards ADD COLUMN resolved_at TEXT;
UPDATE task_cards SET resolved_at = ${
  d.name === 'postgres' ? `card::json ->> 'resolvedAt'` : `json_extract(card, '$.resolvedAt')`
};
CREATE INDEX task_cards_by_resolution ON task_cards (workspace_id, resolved_at);
CREATE INDEX task_cards_by_due ON task_cards (workspace_id, due_at);
CREATE INDEX task_cards_levels ON task_cards (workspace_id, done_at, started_at, due_at, kind);
CREATE INDEX incident_events_by_type ON incident_events (workspace_id, type, at);
CREATE INDEX alert_occurrences_by_arrival ON alert_occurrences (workspace_id, first_received_at);
`;
