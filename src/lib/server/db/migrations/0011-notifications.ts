/**
 * Notifications out (docs/notifications.md): a workspace's channels and the outbox.
 *
 * - `notification_channels`: where messages go (Slack, Mattermost, DingTalk, WeCom, Feishu,
 *   e-mail, a generic webhook). `url` and `secret` are sealed (auth/secret-box.ts): a robot URL
 *   carries its access token. `events` is the JSON list of events the channel gets.
 * - `outbox`: one row per message to deliver, written in the transaction of the fact it tells
 *   (an incident opened, acknowledged…), so a message is never lost nor made twice. Unique per
 *   (channel, idempotency key); the key goes with every attempt, so a receiver that saw an
 *   attempt whose answer was lost can drop the repeat. `state`: pending → delivered, or dead
 *   after the last attempt (admins can send it again). `locked_until` (epoch ms) claims a row
 *   for one delivery attempt; an attempt that never finished (a crash) is retried after it.
 *   `incident_id` names the incident a message is about (its page lists what was sent).
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE notification_channels (
  id           TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  type         TEXT NOT NULL,
  name         TEXT NOT NULL,
  url          TEXT,
  secret       TEXT,
  recipients   TEXT NOT NULL,
  events       TEXT NOT NULL,
  locale       TEXT NOT NULL,
  base_url     TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  created_by   TEXT
${d.tableEnd};

CREATE INDEX notification_channels_by_workspace ON notification_channels (workspace_id, created_at);

CREATE TABLE outbox (
  id              TEXT PRIMARY KEY,
  workspace_id    TEXT NOT NULL,
  channel_id      TEXT NOT NULL,
  event           TEXT NOT NULL,
  incident_id     TEXT,
  idempotency_key TEXT NOT NULL,
  payload         TEXT NOT NULL,
  state           TEXT NOT NULL,
  attempts        ${d.int} NOT NULL,
  next_attempt_at ${d.bigint} NOT NULL,
  locked_until    ${d.bigint},
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  delivered_at    TEXT,
  UNIQUE (channel_id, idempotency_key)
${d.tableEnd};

CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_workspace ON outbox (workspace_id, state, created_at);
CREATE INDEX outbox_by_incident ON outbox (incident_id, created_at);
`;
