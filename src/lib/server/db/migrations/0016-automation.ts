/**
 * Automation (docs/automation.md): server facts, written only by server code after a permission
 * check.
 *
 * - `automation_jobs`: a workspace's jobs; `definition` is the JSON of everything but the name
 *   and kind (source, inventory, parameters, credentials, gating, limits, schedule, remediation).
 *   `next_run_at` is the next cron time of a scheduled job (ISO UTC), claimed by one scheduler.
 * - `automation_credentials`: SSH keys, passwords, vault passwords and tokens, `sealed` with
 *   AES-256-GCM under the secret key (auth/secret-box.ts); never returned by the API.
 * - `automation_runs`: the durable queue and the record of every run: who asked, from where,
 *   under which change (`gate`), the job as it was at the request (`spec`, with credential ids,
 *   not values), the parameters (secret values sealed), the outcome. `claimed_by` is the node or
 *   runner that runs it and `heartbeat_at` when it last said so; `cancel_requested` asks
 *   whoever runs it to stop.
 * - `automation_run_output`: output of runs still going, in chunks, so a follower on any node
 *   and a restart see it; folded into `automation_run_logs` when the run ends.
 * - `automation_run_logs`: a finished run's output, gzip-compressed, capped.
 * - `automation_runners`: remote runner processes, each with a hashed token.
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE automation_jobs (
  id           TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL,
  definition   TEXT NOT NULL,
  next_run_at  TEXT,
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
${d.tableEnd};

CREATE UNIQUE INDEX automation_jobs_by_name ON automation_jobs (workspace_id, name);
CREATE INDEX automation_jobs_due ON automation_jobs (next_run_at);

CREATE TABLE automation_credentials (
  id           TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL,
  username     TEXT,
  sealed       TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
${d.tableEnd};

CREATE UNIQUE INDEX automation_credentials_by_name ON automation_credentials (workspace_id, name);

CREATE TABLE automation_runs (
  id             TEXT PRIMARY KEY,
  workspace_id   TEXT NOT NULL,
  job_id         TEXT NOT NULL,
  job_name       TEXT NOT NULL,
  kind           TEXT NOT NULL,
  state          TEXT NOT NULL,
  origin         TEXT NOT NULL,
  purpose        TEXT,
  check_mode     ${d.int} NOT NULL,
  parameters     TEXT NOT NULL,
  spec           TEXT NOT NULL,
  max_concurrent ${d.int} NOT NULL,
  requested_by   TEXT NOT NULL,
  task_id        TEXT,
  change_id      TEXT,
  incident_id    TEXT,
  runbook_id     TEXT,
  runbook_block  TEXT,
  gate           TEXT,
  runner_id      TEXT,
  claimed_by     TEXT,
  exit_code      ${d.int},
  reason         TEXT,
  summary        TEXT,
  log_bytes      ${d.bigint} NOT NULL,
  log_truncated  ${d.int} NOT NULL,
  created_at     TEXT NOT NULL,
  started_at     TEXT,
  finished_at    TEXT,
  heartbeat_at   TEXT,
  cancel_requested ${d.int} NOT NULL
${d.tableEnd};

CREATE INDEX automation_runs_queue ON automation_runs (state, created_at);
CREATE INDEX automation_runs_by_workspace ON automation_runs (workspace_id, created_at);
CREATE INDEX automation_runs_by_job ON automation_runs (job_id, created_at);
CREATE INDEX automation_runs_by_task ON automation_runs (workspace_id, task_id);
CREATE INDEX automation_runs_by_change ON automation_runs (workspace_id, change_id);
CREATE INDEX automation_runs_by_incident ON automation_runs (workspace_id, incident_id);
CREATE INDEX automation_runs_by_runbook ON automation_runs (workspace_id, runbook_id);

CREATE TABLE automation_run_output (
  run_id TEXT NOT NULL,
  seq    ${d.int} NOT NULL,
  data   TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
${d.tableEnd};

CREATE TABLE automation_run_logs (
  run_id       TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  content      ${d.blob} NOT NULL
${d.tableEnd};

CREATE TABLE automation_runners (
  id           TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_seen_at TEXT
${d.tableEnd};

CREATE UNIQUE INDEX automation_runners_by_token ON automation_runners (token_hash);
`;
