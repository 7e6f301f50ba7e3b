/**
 * The weekly report (docs/notifications.md, "Weekly report"): one row per workspace with its
 * settings, and the week it last queued.
 *
 * - `channel_id`: the notification channel it goes to; `weekday` (1 = Monday … 7 = Sunday) and
 *   `hour` (0–23) in `time_zone` say when; `locale` is the language it is written in.
 * - `last_week_start` (the covered week's Monday, `YYYY-MM-DD`) is the claim that makes a week's
 *   report queued once: a scheduler moves it forward with a compare-and-set in the transaction
 *   that writes the outbox row, so two nodes (or a restart) never queue the same week twice.
 * - `active_from` (epoch ms): reports fall due only at times after it (when it was last enabled
 *   or rescheduled), so turning the report on does not send last week's at once.
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE weekly_reports (
  workspace_id    TEXT PRIMARY KEY,
  enabled         ${d.int} NOT NULL,
  channel_id      TEXT,
  weekday         ${d.int} NOT NULL,
  hour            ${d.int} NOT NULL,
  time_zone       TEXT NOT NULL,
  locale          TEXT NOT NULL,
  last_week_start TEXT,
  active_from     ${d.bigint} NOT NULL,
  updated_at      TEXT NOT NULL,
  updated_by      TEXT
${d.tableEnd};

CREATE INDEX weekly_reports_enabled ON weekly_reports (enabled);
`;
