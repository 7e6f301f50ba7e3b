/**
 * Alert routing and maintenance (docs/alerts.md): `maintenance_windows` hold back alerts whose
 * labels match, for a time range, from opening incidents (`alert_occurrences.held_by` names the
 * window that held an occurrence; it stays listed); `incidents.routed_channels` is the JSON list
 * of channels a routing rule sent the incident's messages to (null: every channel that gets the
 * event), `incidents.assignee` the member a rule assigned its card to, and
 * `incidents.escalation_policy_id` the policy a rule chose (a reopen escalates by it again).
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE maintenance_windows (
  id             TEXT PRIMARY KEY,
  workspace_id   TEXT NOT NULL,
  integration_id TEXT,
  matchers       TEXT NOT NULL,
  starts_at      TEXT NOT NULL,
  ends_at        TEXT NOT NULL,
  reason         TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  created_by     TEXT
${d.tableEnd};

CREATE INDEX maintenance_windows_by_workspace ON maintenance_windows (workspace_id, ends_at);

ALTER TABLE alert_occurrences ADD COLUMN held_by TEXT;
ALTER TABLE incidents ADD COLUMN routed_channels TEXT;
ALTER TABLE incidents ADD COLUMN assignee TEXT;
ALTER TABLE incidents ADD COLUMN escalation_policy_id TEXT;
`;
