/**
 * Alert intake and incidents (docs/alerts.md): server facts, written only by server code.
 *
 * - `integrations`: a workspace's alert sources (Alertmanager, Grafana, generic JSON), each with
 *   the SHA-256 of its secret (shown once) and its settings as JSON.
 * - `incidents`: one row per incident, keyed by the board task that shows it (`id` is the task's
 *   id). `dedupe_key` is the Alertmanager group key or an alert's fingerprint, per the
 *   integration's settings; `board_state` is the state last written to the board card, so a
 *   write the process did not finish is done again (alerts-service.ts).
 * - `alert_occurrences`: one row per (integration, fingerprint, startsAt): re-sends of a group
 *   update the row, never add one.
 * - `incident_events`: the incident's timeline (opened, alert fired or resolved, acknowledged,
 *   resolved, reopened, flapping, closed, notes).
 *
 * Times are ISO strings (UTC, `toISOString`), so they compare as text.
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE integrations (
  id               TEXT PRIMARY KEY,
  workspace_id     TEXT NOT NULL,
  type             TEXT NOT NULL,
  name             TEXT NOT NULL,
  secret_hash      ${d.blob} NOT NULL,
  settings         TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  created_by       TEXT,
  last_received_at TEXT
${d.tableEnd};

CREATE INDEX integrations_by_workspace ON integrations (workspace_id, created_at);

CREATE TABLE incidents (
  id              TEXT PRIMARY KEY,
  workspace_id    TEXT NOT NULL,
  integration_id  TEXT NOT NULL,
  dedupe_key      TEXT NOT NULL,
  title           TEXT NOT NULL,
  severity        TEXT NOT NULL,
  state           TEXT NOT NULL,
  labels          TEXT NOT NULL,
  annotations     TEXT NOT NULL,
  opened_at       TEXT NOT NULL,
  acknowledged_at TEXT,
  acknowledged_by TEXT,
  resolved_at     TEXT,
  resolved_by     TEXT,
  closed_at       TEXT,
  closed_by       TEXT,
  alerts_cleared_at TEXT,
  reopen_count    ${d.int} NOT NULL,
  flapping        ${d.int} NOT NULL,
  board_state     TEXT NOT NULL,
  task_key        TEXT,
  updated_at      TEXT NOT NULL
${d.tableEnd};

CREATE INDEX incidents_by_dedupe ON incidents (integration_id, dedupe_key, opened_at);
CREATE INDEX incidents_by_workspace ON incidents (workspace_id, opened_at);
CREATE INDEX incidents_by_key ON incidents (workspace_id, task_key);

CREATE TABLE alert_occurrences (
  integration_id    TEXT NOT NULL,
  fingerprint       TEXT NOT NULL,
  starts_at         TEXT NOT NULL,
  workspace_id      TEXT NOT NULL,
  incident_id       TEXT,
  status            TEXT NOT NULL,
  ends_at           TEXT,
  labels            TEXT NOT NULL,
  annotations       TEXT NOT NULL,
  generator_url     TEXT,
  first_received_at TEXT NOT NULL,
  last_received_at  TEXT NOT NULL,
  PRIMARY KEY (integration_id, fingerprint, starts_at)
${d.tableEnd};

CREATE INDEX alert_occurrences_by_incident ON alert_occurrences (incident_id, starts_at);
CREATE INDEX alert_occurrences_by_workspace ON alert_occurrences (workspace_id, last_received_at);

CREATE TABLE incident_events (
  seq          ${d.serialKey},
  workspace_id TEXT NOT NULL,
  incident_id  TEXT NOT NULL,
  at           TEXT NOT NULL,
  type         TEXT NOT NULL,
  actor        TEXT,
  data         TEXT NOT NULL
${d.tableEnd};

CREATE INDEX incident_events_by_incident ON incident_events (incident_id, seq);
`;
