/**
 * On-call (docs/oncall.md): schedules with their rotation (JSON) and the SHA-256 of their
 * calendar feed token, overrides, escalation policies (steps as JSON), and the escalation of each
 * incident that has one: the next step and when it is due (epoch ms), with the round (how many
 * times it started: a reopened incident escalates again, under new idempotency keys).
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE oncall_schedules (
  id              TEXT PRIMARY KEY,
  workspace_id    TEXT NOT NULL,
  name            TEXT NOT NULL,
  time_zone       TEXT NOT NULL,
  rotation        TEXT NOT NULL,
  feed_token_hash ${d.blob} NOT NULL,
  created_at      TEXT NOT NULL,
  created_by      TEXT
${d.tableEnd};

CREATE INDEX oncall_schedules_by_workspace ON oncall_schedules (workspace_id, created_at);

CREATE TABLE oncall_overrides (
  id           TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  schedule_id  TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  starts_at    TEXT NOT NULL,
  ends_at      TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  created_by   TEXT
${d.tableEnd};

CREATE INDEX oncall_overrides_by_schedule ON oncall_overrides (schedule_id, ends_at);

CREATE TABLE escalation_policies (
  id           TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name         TEXT NOT NULL,
  steps        TEXT NOT NULL,
  created_at   TEXT NOT NULL
${d.tableEnd};

CREATE INDEX escalation_policies_by_workspace ON escalation_policies (workspace_id, created_at);

CREATE TABLE incident_escalations (
  incident_id  TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  policy_id    TEXT NOT NULL,
  round        ${d.int} NOT NULL,
  started_at   ${d.bigint} NOT NULL,
  next_step    ${d.int} NOT NULL,
  next_at      ${d.bigint},
  updated_at   TEXT NOT NULL
${d.tableEnd};

CREATE INDEX incident_escalations_due ON incident_escalations (next_at);
`;
