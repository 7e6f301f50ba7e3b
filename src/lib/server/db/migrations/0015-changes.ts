/**
 * Change management (docs/changes.md): server facts, written only by server code after a
 * permission check.
 *
 * - `changes`: one row per change request, keyed by the board task that shows it (`id` is the
 *   task's id, kind `change`). `board_state` is the state last written to the card (as for
 *   incidents), so a card write the process did not finish is done again at start. Windows are
 *   ISO strings in UTC (`toISOString`), so they compare as text; `time_zone` is the requester's
 *   IANA zone, for showing the window as it was planned.
 * - `change_items`: the configuration items a change touches, for conflict and "what changed"
 *   queries.
 * - `change_approvals`: one decision per person per change (`kind` `approval`, `review` for an
 *   emergency change's review after the fact, `automatic` for a standard change's pre-approval,
 *   whose `user_id` is `''`). `role` is the approver's role when they decided.
 * - `change_events`: the transition log (from, to, who, when, comment).
 * - `freezes`: blackout windows; `environments` JSON, null for every environment.
 * - `change_policies`: a workspace's approval policy (JSON); none → the defaults.
 * - `incident_change_causes`: changes marked as the cause of an incident.
 * - `incident_items`: the configuration items of an incident (filled from alert labels).
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE changes (
  id             TEXT PRIMARY KEY,
  workspace_id   TEXT NOT NULL,
  task_key       TEXT,
  title          TEXT NOT NULL,
  type           TEXT NOT NULL,
  state          TEXT NOT NULL,
  risk           TEXT NOT NULL,
  impact         TEXT NOT NULL,
  window_start   TEXT NOT NULL,
  window_end     TEXT NOT NULL,
  time_zone      TEXT NOT NULL,
  requester_id   TEXT NOT NULL,
  approvers      TEXT NOT NULL,
  board_state    TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  submitted_at   TEXT,
  approved_at    TEXT,
  started_at     TEXT,
  finished_at    TEXT
${d.tableEnd};

CREATE INDEX changes_by_workspace ON changes (workspace_id, window_start);
CREATE INDEX changes_by_key ON changes (workspace_id, task_key);

CREATE TABLE change_items (
  change_id    TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  item_id      TEXT NOT NULL,
  PRIMARY KEY (change_id, item_id)
${d.tableEnd};

CREATE INDEX change_items_by_item ON change_items (workspace_id, item_id);

CREATE TABLE change_approvals (
  change_id  TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  kind       TEXT NOT NULL,
  decision   TEXT NOT NULL,
  role       TEXT,
  comment    TEXT,
  at         TEXT NOT NULL,
  PRIMARY KEY (change_id, kind, user_id)
${d.tableEnd};

CREATE TABLE change_events (
  seq        ${d.serialKey},
  change_id  TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  actor      TEXT,
  comment    TEXT,
  at         TEXT NOT NULL
${d.tableEnd};

CREATE INDEX change_events_by_change ON change_events (change_id, seq);

CREATE TABLE freezes (
  id           TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  starts_at    TEXT NOT NULL,
  ends_at      TEXT NOT NULL,
  reason       TEXT NOT NULL,
  environments TEXT,
  created_by   TEXT,
  created_at   TEXT NOT NULL
${d.tableEnd};

CREATE INDEX freezes_by_workspace ON freezes (workspace_id, ends_at);

CREATE TABLE change_policies (
  workspace_id TEXT PRIMARY KEY,
  policy       TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  updated_by   TEXT
${d.tableEnd};

CREATE TABLE incident_change_causes (
  incident_id TEXT NOT NULL,
  change_id   TEXT NOT NULL,
  marked_by   TEXT,
  at          TEXT NOT NULL,
  PRIMARY KEY (incident_id, change_id)
${d.tableEnd};

CREATE INDEX incident_change_causes_by_change ON incident_change_causes (change_id);

CREATE TABLE incident_items (
  incident_id TEXT NOT NULL,
  item_id     TEXT NOT NULL,
  PRIMARY KEY (incident_id, item_id)
${d.tableEnd};

CREATE INDEX incident_items_by_item ON incident_items (item_id);
`;
