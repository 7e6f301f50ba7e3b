/**
 * The record tables as the query builder sees them (one row type per table, column names as in
 * the migrations). Times are epoch milliseconds (`number`) in the account tables and ISO
 * strings in the runbook tables, as each was first written; flags are 0/1 on both databases.
 */
import type { ColumnType, Generated } from 'kysely';

export interface DocumentSnapshotsTable {
  name: string;
  snapshot: Uint8Array;
  through_seq: number;
  updated_at: number;
}

export interface DocumentUpdatesTable {
  seq: Generated<number>;
  name: string;
  data: Uint8Array;
  created_at: number;
}

export interface DocumentGenerationsTable {
  name: string;
  generation: string;
  state_vector: Uint8Array;
  retired_at: number;
}

export interface TaskCardsTable {
  workspace_id: string;
  task_id: string;
  /** The task's key upper-cased (keys are looked up case-insensitively); null while keyless. */
  key_upper: string | null;
  /** JSON of the card as `readTask` reads it. */
  card: string;
  /** The card's kind and lifecycle times, as in `card`, for the reports (migration 17). */
  kind: string | null;
  started_at: string | null;
  done_at: string | null;
  due_at: string | null;
  /** When the card first entered a done column (`resolvedAt`; migration 21); optional on insert. */
  resolved_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface TaskCardMirrorsTable {
  workspace_id: string;
  /** `Y.encodeSnapshot` of the board when the rows last held all of it. */
  doc_state: Uint8Array;
  mirrored_at: number;
}

/** Alert sources of a workspace (migration 10). */
export interface IntegrationsTable {
  id: string;
  workspace_id: string;
  type: string;
  name: string;
  /** SHA-256 of the secret (auth/secrets.ts). */
  secret_hash: Uint8Array;
  /** JSON of `IntegrationSettings`. */
  settings: string;
  created_at: string;
  created_by: string | null;
  last_received_at: string | null;
}

/** One incident; `id` is its board task's id. */
export interface IncidentsTable {
  id: string;
  workspace_id: string;
  integration_id: string;
  dedupe_key: string;
  title: string;
  severity: string;
  state: string;
  /** JSON object: the labels common to its alerts when it opened. */
  labels: string;
  /** JSON object: the annotations of its first alert. */
  annotations: string;
  opened_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  closed_at: string | null;
  closed_by: string | null;
  /** When every alert of it resolved last (also when that did not resolve the incident). */
  alerts_cleared_at: string | null;
  reopen_count: number;
  /** 0/1. */
  flapping: number;
  /** The state last written to the board card ('' before the card exists). */
  board_state: string;
  task_key: string | null;
  updated_at: string;
  /** JSON array of channel ids a routing rule chose; null: every channel (migration 13). */
  routed_channels: string | null;
  /** The member a routing rule assigned the card to (migration 13). */
  assignee: string | null;
  /** The escalation policy a routing rule chose (migration 13); null: the integration's. */
  escalation_policy_id: string | null;
}

/** One alert occurrence: (integration, fingerprint, startsAt). */
export interface AlertOccurrencesTable {
  integration_id: string;
  fingerprint: string;
  starts_at: string;
  workspace_id: string;
  incident_id: string | null;
  status: string;
  ends_at: string | null;
  labels: string;
  annotations: string;
  generator_url: string | null;
  first_received_at: string;
  last_received_at: string;
  /** The maintenance window that held it back (migration 13); null when not held. */
  held_by: string | null;
}

/** An incident's timeline. */
export interface IncidentEventsTable {
  seq: Generated<number>;
  workspace_id: string;
  incident_id: string;
  at: string;
  type: string;
  /** User id, or null for the server (intake, timers). */
  actor: string | null;
  /** JSON object with the event's details. */
  data: string;
}

/** Where a workspace's messages go (migration 11). */
export interface NotificationChannelsTable {
  id: string;
  workspace_id: string;
  type: string;
  name: string;
  /** Sealed (auth/secret-box.ts). */
  url: string | null;
  /** Sealed. */
  secret: string | null;
  /** JSON array of e-mail addresses. */
  recipients: string;
  /** JSON array of event names. */
  events: string;
  locale: string;
  /** The Runboard address links in messages start with. */
  base_url: string;
  created_at: string;
  created_by: string | null;
}

/** A message to deliver. */
export interface OutboxTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  event: string;
  /** The incident the message is about, if any. */
  incident_id: string | null;
  idempotency_key: string;
  /** JSON of the message facts (rendered per channel when sent). */
  payload: string;
  state: string;
  attempts: number;
  /** Epoch ms. */
  next_attempt_at: number;
  /** Epoch ms; null when no attempt holds the row. */
  locked_until: number | null;
  /** The node whose attempt holds the row (migration 24); null when none does. */
  claimed_by: string | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** A workspace's weekly report settings and the week it last queued (migration 19). */
/** Anomaly notification settings of a workspace (migration 22). */
export interface AiAnomalySettingsTable {
  workspace_id: string;
  notify: number;
  channel_id: string | null;
  locale: string;
  /** Epoch ms: only events that start after it notify. */
  active_from: number;
  updated_at: string;
  updated_by: string | null;
}

/** An anomaly event that was notified (migration 22): the claim that makes it once. */
export interface AiAnomalyClaimsTable {
  workspace_id: string;
  series: string;
  group_kind: string;
  group_value: string;
  /** The event's first hour (ISO). */
  start_at: string;
  claimed_at: string;
}

export interface WeeklyReportsTable {
  workspace_id: string;
  enabled: number;
  channel_id: string | null;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  hour: number;
  time_zone: string;
  locale: string;
  /** The Monday (YYYY-MM-DD) of the last week whose report was queued. */
  last_week_start: string | null;
  /** Epoch ms: reports fall due only after it. */
  active_from: number;
  updated_at: string;
  updated_by: string | null;
}

/** On-call schedules (migration 12). */
export interface OncallSchedulesTable {
  id: string;
  workspace_id: string;
  name: string;
  time_zone: string;
  /** JSON of `Rotation`. */
  rotation: string;
  feed_token_hash: Uint8Array;
  created_at: string;
  created_by: string | null;
}

export interface OncallOverridesTable {
  id: string;
  workspace_id: string;
  schedule_id: string;
  user_id: string;
  starts_at: string;
  ends_at: string;
  created_at: string;
  created_by: string | null;
}

export interface EscalationPoliciesTable {
  id: string;
  workspace_id: string;
  name: string;
  /** JSON of `EscalationStep[]`. */
  steps: string;
  created_at: string;
}

/** An incident's escalation in progress (or finished: `next_at` null). */
export interface IncidentEscalationsTable {
  incident_id: string;
  workspace_id: string;
  policy_id: string;
  round: number;
  /** Epoch ms: when this round started (the incident opened or reopened). */
  started_at: number;
  next_step: number;
  /** Epoch ms; null when no step is left or the incident was acknowledged. */
  next_at: number | null;
  updated_at: string;
}

/** Maintenance windows (migration 13). */
export interface MaintenanceWindowsTable {
  id: string;
  workspace_id: string;
  /** Null: every integration of the workspace. */
  integration_id: string | null;
  /** JSON of `LabelMatcher[]`. */
  matchers: string;
  starts_at: string;
  ends_at: string;
  reason: string;
  created_at: string;
  created_by: string | null;
}

/** CMDB items as last mirrored from `<ws>.cmdb` (migration 14; derived, rebuilt from the document). */
export interface CmdbItemsTable {
  workspace_id: string;
  id: string;
  type: string;
  name: string;
  name_lower: string;
  environment: string | null;
  criticality: string;
  owner: string | null;
  /** JSON of `string[]`. */
  tags: string;
  /** JSON of the item's attributes. */
  attributes: string;
  created_at: string;
  updated_at: string;
}

/** CMDB relations as last mirrored (migration 14): `from_id` depends on `to_id`. */
export interface CmdbRelationsTable {
  workspace_id: string;
  id: string;
  from_id: string;
  to_id: string;
  type: string;
}

/** The `<ws>.cmdb` state the mirrored rows hold (`Y.encodeSnapshot`), per workspace. */
export interface CmdbMirrorsTable {
  workspace_id: string;
  doc_state: Uint8Array;
  mirrored_at: number;
}

/** Who changed what of a CMDB item (migration 14): a server fact. */
export interface CmdbHistoryTable {
  workspace_id: string;
  id: string;
  item_id: string;
  at: string;
  actor_id: string | null;
  /** created, updated, deleted, related, unrelated, refused. */
  action: string;
  field: string | null;
  /** JSON of the value before and after (null when there was none). */
  from_value: string | null;
  to_value: string | null;
}

/** Change requests (migration 15): server facts; `id` is the board task's. */
export interface ChangesTable {
  id: string;
  workspace_id: string;
  task_key: string | null;
  title: string;
  /** standard, normal, emergency. */
  type: string;
  state: string;
  /** low, medium, high. */
  risk: string;
  impact: string;
  /** ISO, UTC. */
  window_start: string;
  window_end: string;
  /** The requester's IANA time zone. */
  time_zone: string;
  requester_id: string;
  /** JSON of `string[]`: approvers the requester named. */
  approvers: string;
  /** The state last written to the card; '' before the card exists. */
  board_state: string;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  approved_at: string | null;
  started_at: string | null;
  finished_at: string | null;
}

/** The configuration items of a change (migration 15). */
export interface ChangeItemsTable {
  change_id: string;
  workspace_id: string;
  item_id: string;
}

/** One decision per person per change (migration 15). */
export interface ChangeApprovalsTable {
  change_id: string;
  /** '' for the server's automatic approval. */
  user_id: string;
  /** approval, review, automatic. */
  kind: string;
  /** approve, reject. */
  decision: string;
  /** The approver's role when they decided. */
  role: string | null;
  comment: string | null;
  at: string;
}

/** The transition log of changes (migration 15). */
export interface ChangeEventsTable {
  seq: Generated<number>;
  change_id: string;
  from_state: string;
  to_state: string;
  actor: string | null;
  comment: string | null;
  at: string;
}

/** Blackout windows (migration 15). */
export interface FreezesTable {
  id: string;
  workspace_id: string;
  starts_at: string;
  ends_at: string;
  reason: string;
  /** JSON of `string[]`, or null for every environment. */
  environments: string | null;
  created_by: string | null;
  created_at: string;
}

/** A workspace's change approval policy (migration 15). */
export interface ChangePoliciesTable {
  workspace_id: string;
  policy: string;
  updated_at: string;
  updated_by: string | null;
}

/** Changes marked as the cause of an incident (migration 15). */
export interface IncidentChangeCausesTable {
  incident_id: string;
  change_id: string;
  marked_by: string | null;
  at: string;
}

/** The configuration items of an incident (migration 15). */
export interface IncidentItemsTable {
  incident_id: string;
  item_id: string;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  email_verified: Generated<number>;
  active: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  secret_hash: Uint8Array;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: number;
  created_by: string | null;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: number;
}

export interface InvitesTable {
  id: string;
  secret_hash: Uint8Array;
  workspace_id: string;
  role: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  max_uses: number | null;
  uses: Generated<number>;
  revoked_at: number | null;
}

export interface ApiTokensTable {
  id: string;
  secret_hash: Uint8Array;
  user_id: string;
  workspace_id: string;
  name: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface OidcIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: number;
}

export interface AuditLogTable {
  seq: Generated<number>;
  workspace_id: string | null;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  target: string | null;
  details: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
}

export interface TaskKeyCountersTable {
  workspace_id: string;
  last_number: number;
}

/** The number a keyless task was given, once for every node (board-store.ts `assignTaskNumbers`). */
export interface TaskKeyAssignmentsTable {
  workspace_id: string;
  task_id: string;
  number: number;
}

export interface RunbooksTable {
  row_id: Generated<number>;
  workspace_id: string;
  id: string;
  title: string;
  tags: string;
  owner_id: string | null;
  services: string;
  cis: string;
  alert_matchers: string;
  reviewed_at: string | null;
  review_interval_days: number | null;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  archived_at: string | null;
  plain_text: string;
}

export interface RunbookSearchTable {
  rowid: number;
  title: string;
  body: string;
}

export interface RunbookVersionsTable {
  id: string;
  workspace_id: string;
  runbook_id: string;
  name: string | null;
  kind: string;
  created_at: string;
  created_by: string | null;
  state: Uint8Array;
}

export interface FilesTable {
  workspace_id: string;
  id: string;
  mime: string;
  bytes: number;
  created_at: string;
  created_by: string | null;
}

export interface FileContentsTable {
  workspace_id: string;
  id: string;
  data: Uint8Array;
}

export interface TaskActivityTable {
  workspace_id: string;
  id: string;
  task_id: string;
  at: string;
  actor_id: string | null;
  action: string;
  field: string | null;
  from_value: string | null;
  to_value: string | null;
}

export interface TaskActivityImportsTable {
  workspace_id: string;
  imported_at: string;
  entries: number;
}

/** A finished task moved out of the live board (archive/archive-store.ts). */
export interface ArchivedTasksTable {
  row_id: Generated<number>;
  workspace_id: string;
  task_id: string;
  task_key: string | null;
  title: string;
  kind: string;
  status: string;
  assignee: string | null;
  /** JSON array of label ids. */
  labels: string;
  finished_at: string;
  archived_at: string;
  updated_at: string;
  /** JSON of the card as `readTask` read it. */
  card: string;
  item_client: number | null;
  item_clock: number | null;
  /** JSON `[[client, clock, length, field], …]`: Yjs ids of the moved entry's field values. */
  item_ids: string;
  search_text: string;
}

export interface ArchivedTaskSearchTable {
  rowid: number;
  body: string;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

/** A workspace's automation job (migration 16). */
export interface AutomationJobsTable {
  id: string;
  workspace_id: string;
  name: string;
  kind: string;
  /** JSON of the job's definition (all but name and kind). */
  definition: string;
  next_run_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** A credential, sealed under the secret key (migration 16). */
export interface AutomationCredentialsTable {
  id: string;
  workspace_id: string;
  name: string;
  kind: string;
  username: string | null;
  sealed: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** A run: the durable queue and its record (migration 16). */
export interface AutomationRunsTable {
  id: string;
  workspace_id: string;
  job_id: string;
  job_name: string;
  kind: string;
  state: string;
  origin: string;
  purpose: string | null;
  check_mode: number;
  /** JSON: name → value, secret values sealed. */
  parameters: string;
  /** JSON of the job as it was at the request (credential ids, not values). */
  spec: string;
  max_concurrent: number;
  requested_by: string;
  task_id: string | null;
  change_id: string | null;
  incident_id: string | null;
  runbook_id: string | null;
  runbook_block: string | null;
  gate: string | null;
  runner_id: string | null;
  claimed_by: string | null;
  exit_code: number | null;
  reason: string | null;
  summary: string | null;
  log_bytes: number;
  log_truncated: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  heartbeat_at: string | null;
  cancel_requested: number;
}

/** Output of a run still going, in order (migration 16). */
export interface AutomationRunOutputTable {
  run_id: string;
  seq: number;
  data: string;
}

/** A finished run's output, gzip (migration 16). */
export interface AutomationRunLogsTable {
  run_id: string;
  workspace_id: string;
  content: Uint8Array;
}

/** A remote runner process (migration 16). */
export interface AutomationRunnersTable {
  id: string;
  workspace_id: string;
  name: string;
  token_hash: string;
  created_by: string;
  created_at: string;
  last_seen_at: string | null;
}

/** The AI index: one embedded text per task, incident, runbook and CI (migration 18). */
export interface AiItemsTable {
  workspace_id: string;
  /** `task`, `incident`, `runbook` or `ci`. */
  item_type: string;
  item_id: string;
  item_key: string | null;
  title: string;
  /** `open`, `done` or `archived`. */
  status: string;
  /** When the task was done or the incident resolved (ISO); null while open. */
  finished_at: string | null;
  /** sha256 of the embedded text. */
  text_hash: string;
  embedder_id: string;
  /** ai/vector-codec.ts. */
  vector: Uint8Array;
  updated_at: string;
}

/** The last in-app evaluation of the AI models per workspace (migration 23). */
export interface AiEvaluationsTable {
  workspace_id: string;
  started_at: string;
  finished_at: string;
  started_by: string | null;
  split_at: string;
  /** 1 when an admin chose the split date. */
  split_chosen: number;
  embedder_id: string;
  items: number;
  /** JSON: shared/ai/evaluation.ts `evaluationReportSchema`. */
  report: string;
}

export interface RecordsSchema {
  document_snapshots: DocumentSnapshotsTable;
  document_updates: DocumentUpdatesTable;
  users: UsersTable;
  sessions: SessionsTable;
  workspaces: WorkspacesTable;
  memberships: MembershipsTable;
  invites: InvitesTable;
  api_tokens: ApiTokensTable;
  oidc_identities: OidcIdentitiesTable;
  audit_log: AuditLogTable;
  task_key_counters: TaskKeyCountersTable;
  task_key_assignments: TaskKeyAssignmentsTable;
  runbooks: RunbooksTable;
  runbook_search: RunbookSearchTable;
  runbook_versions: RunbookVersionsTable;
  files: FilesTable;
  file_contents: FileContentsTable;
  task_activity: TaskActivityTable;
  task_activity_imports: TaskActivityImportsTable;
  document_generations: DocumentGenerationsTable;
  archived_tasks: ArchivedTasksTable;
  task_cards: TaskCardsTable;
  task_card_mirrors: TaskCardMirrorsTable;
  integrations: IntegrationsTable;
  incidents: IncidentsTable;
  alert_occurrences: AlertOccurrencesTable;
  incident_events: IncidentEventsTable;
  notification_channels: NotificationChannelsTable;
  outbox: OutboxTable;
  weekly_reports: WeeklyReportsTable;
  ai_anomaly_settings: AiAnomalySettingsTable;
  ai_anomaly_claims: AiAnomalyClaimsTable;
  oncall_schedules: OncallSchedulesTable;
  oncall_overrides: OncallOverridesTable;
  escalation_policies: EscalationPoliciesTable;
  incident_escalations: IncidentEscalationsTable;
  maintenance_windows: MaintenanceWindowsTable;
  cmdb_items: CmdbItemsTable;
  cmdb_relations: CmdbRelationsTable;
  cmdb_mirrors: CmdbMirrorsTable;
  cmdb_history: CmdbHistoryTable;
  changes: ChangesTable;
  change_items: ChangeItemsTable;
  change_approvals: ChangeApprovalsTable;
  change_events: ChangeEventsTable;
  freezes: FreezesTable;
  change_policies: ChangePoliciesTable;
  incident_change_causes: IncidentChangeCausesTable;
  incident_items: IncidentItemsTable;
  archived_task_search: ArchivedTaskSearchTable;
  automation_jobs: AutomationJobsTable;
  automation_credentials: AutomationCredentialsTable;
  automation_runs: AutomationRunsTable;
  automation_run_output: AutomationRunOutputTable;
  automation_run_logs: AutomationRunLogsTable;
  automation_runners: AutomationRunnersTable;
  ai_items: AiItemsTable;
  ai_evaluations: AiEvaluationsTable;
  schema_migrations: SchemaMigrationsTable;
}
