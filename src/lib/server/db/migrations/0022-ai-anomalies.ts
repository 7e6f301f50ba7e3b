/**
 * Anomaly notifications (docs/ai.md, "Anomalies"): one row per workspace with its settings, and
 * one claim row per anomaly event that was notified.
 *
 * - `ai_anomaly_settings`: `notify` (0/1) turns the message on, `channel_id` is the notification
 *   channel it goes to and `locale` the language it is written in; `active_from` (epoch ms):
 *   only events that start after it notify, so turning it on does not send the backlog.
 * - `ai_anomaly_claims`: the claim that makes an event notified once across nodes and restarts,
 *   keyed by workspace, series (`alerts`, `tasks`), group (kind `service`/`label` and value)
 *   and the event's start (ISO hour). The scheduler inserts it in the transaction that writes
 *   the outbox row; a second insert of the same key fails the primary key and queues nothing.
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE ai_anomaly_settings (
  workspace_id TEXT PRIMARY KEY,
  notify       ${d.int} NOT NULL,
  channel_id   TEXT,
  locale       TEXT NOT NULL,
  active_from  ${d.bigint} NOT NULL,
  updated_at   TEXT NOT NULL,
  updated_by   TEXT
${d.tableEnd};

CREATE INDEX ai_anomaly_settings_notify ON ai_anomaly_settings (notify);

CREATE TABLE ai_anomaly_claims (
  workspace_id TEXT NOT NULL,
  series       TEXT NOT NULL,
  group_kind   TEXT NOT NULL,
  group_value  TEXT NOT NULL,
  start_at     TEXT NOT NULL,
  claimed_at   TEXT NOT NULL,
  PRIMARY KEY (workspace_id, series, group_kind, group_value, start_at)
${d.tableEnd};
`;
