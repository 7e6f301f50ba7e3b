// Which vitest files `npm run test:postgres` (scripts/test-postgres.mjs) runs again with
// RUNBOARD_TEST_DATABASE=postgres, and why the others are not (docs/testing.md, "The PostgreSQL
// pass"). tests/unit/postgres-pass.test.ts keeps this list honest:
//
// - a test file *follows the run's backend* when it calls a helper that stores on
//   RUNBOARD_TEST_DATABASE's backend (startApp, useRestApp, startSyncServer, seedWorkspace,
//   readStoredDoc, a one-argument openTestDatabase/databaseTargetFor, …; the guard finds them
//   in tests/helpers/ itself). Every such file must be in `postgres` or in `notOnPostgres` with
//   a reason; a new one in neither fails the guard.
// - a file that does not follow the run's backend runs the same tests in both passes (for
//   example tests/records, which name their backends: `recordsBackends`, `durableBackends`), so
//   listing it is a mistake the guard reports too.
// - every record store (`src/**/*-store.ts`) and document storage (`sync-server/storage/`) is
//   mapped in `storeCoverage` to files that prove it on PostgreSQL: files of `postgres`, or
//   files that open PostgreSQL themselves in the default run.

/** Files run again on PostgreSQL: what they prove depends on the storage. */
export const postgres = {
  'tests/sync/card-mirror.test.ts': 'documents mirrored into the cards table',
  'tests/sync/convergence.test.ts': 'the stored document after random concurrent edits',
  'tests/sync/crash-durability.test.ts': 'what a killed sync process left in the store',
  'tests/sync/rebase.test.ts': 'document generations and their locking in the records',
  'tests/sync/task-activity.test.ts': 'activity rows written by the sync extension',
  'tests/sync/task-archive.test.ts': 'archiving moves documents into archive rows',
  'tests/sync/task-docs.test.ts': 'task documents and their records',
  'tests/sync/task-keys.test.ts': 'task key counters under concurrent creation',
  'tests/sync/ws-permissions.test.ts':
    '[AUTHZ3] a role change made by another process, read back from the records while connected',
  'tests/api/admin-cli.test.ts': 'the admin CLI writes straight into the database',
  'tests/api/admin-compact-board.test.ts': 'compaction of a stored board by the CLI',
  'tests/api/admin-rotate-secret-key.test.ts': 'credentials re-sealed in the database',
  'tests/api/auth-api.test.ts': 'sessions, tokens and sign-in limits in the records',
  'tests/api/remote-runner.test.ts': 'run claims, heartbeats and logs under concurrency',
  'tests/api/rest-alerts.test.ts': 'alert intake, grouping and incidents (alerts store)',
  'tests/api/rest-archive.test.ts': 'archive store and its search',
  'tests/api/rest-automation.test.ts': 'automation store: jobs, runs, logs',
  'tests/api/rest-changes.test.ts': 'changes store (no records suite of its own)',
  'tests/api/rest-cmdb.test.ts': 'CMDB store (no records suite of its own)',
  'tests/api/rest-contract.test.ts': 'the list rule (limit/offset, totals) in every store',
  'tests/api/rest-import.test.ts': 'history import through the REST API',
  'tests/api/rest-notifications.test.ts': 'notification channels and the outbox',
  'tests/api/rest-oncall.test.ts': 'on-call store: schedules, escalations',
  'tests/api/rest-remediation.test.ts': 'remediation links across incidents and runs',
  'tests/api/rest-runbooks.test.ts': 'runbooks, files and versions through the API',
  'tests/api/rest-task-activity.test.ts': 'task activity reads',
  'tests/api/rest-task-card.test.ts': 'task cards read from the records',
  'tests/api/rest-tasks-detail.test.ts': 'task detail reads',
  'tests/api/rest-tasks.test.ts': 'task list queries (filters, sort, paging)',
  'tests/api/workspaces-api.test.ts': 'workspace creation and deletion across every table',
  'tests/api/ai-evaluation.test.ts':
    'the self-evaluation stored in ai_evaluations and read back after a restart'
};

/** Files that follow the run's backend but are not run again on PostgreSQL, with why. */
export const notOnPostgres = {
  'tests/api/rest-ai-predictions.test.ts':
    'reads the AI index and history, proven on PostgreSQL by tests/records/ai-index and ai-predict',
  'tests/api/deploy-container-start.test.ts':
    'the container’s start command; its two-node part opens PostgreSQL itself in the default run',
  'tests/sync/fanout.test.ts':
    'several nodes need PostgreSQL: it opens it itself in the default run',
  'tests/sync/peer-once.test.ts':
    'several nodes need PostgreSQL: it opens it itself in the default run',
  'tests/sync/task-keys-nodes.test.ts':
    'several nodes need PostgreSQL: it opens it itself in the default run',
  'tests/sync/sigterm-fanout.test.ts':
    'several nodes need PostgreSQL: it opens it itself in the default run',
  'tests/sync/graceful-shutdown.test.ts':
    'draining and the node limits do not depend on the storage; what a stopped process saved is crash-durability’s subject, run on PostgreSQL',
  'tests/sync/bad-input.test.ts':
    'hostile socket bytes are refused before anything is stored; storage is not the subject',
  'tests/sync/compaction.test.ts':
    'its documents are stored through durableBackends: SQLite and PostgreSQL in the default run',
  'tests/sync/protocol.test.ts':
    'its persistence rules run through durableBackends (SQLite and PostgreSQL) in the default run; the rest is the wire protocol',
  'tests/sync/postgres-outage.test.ts':
    'PostgreSQL-only: makes its own database and runs on it in the default run',
  'tests/api/ai-ask.test.ts':
    'question parsing and ranking; the AI index store is proven on both backends by tests/records/ai-index.test.ts',
  'tests/api/alerts-snippets.test.ts':
    'the settings page’s curl examples; intake storage is proven on PostgreSQL by tests/api/rest-alerts.test.ts',
  'tests/api/backup-restore.test.ts':
    'moves between the two databases itself (SQLite and PostgreSQL) in the default run',
  'tests/api/demo-setup.test.ts':
    'demo content per language; first-run setup is proven on PostgreSQL by the browser smoke run',
  'tests/api/grafana-promql.test.ts':
    'the dashboard’s PromQL in a real Prometheus; metric events are proven on both backends by tests/records/metrics-events.test.ts',
  'tests/api/metrics-prometheus.test.ts':
    'the exposition format as Prometheus scrapes it; metric events are proven on both backends by tests/records/metrics-events.test.ts',
  'tests/api/metrics-token.test.ts': 'access to /metrics; nothing stored is read',
  'tests/api/metrics-node-label.test.ts':
    'which series carry the node label; the workspace list it reads is proven on both backends by tests/records/metrics-events.test.ts',
  'tests/api/metrics-zero-series.test.ts':
    'series at zero as Prometheus sees them; the open-incident read is proven on both backends by tests/records/metrics-events.test.ts',
  'tests/api/oidc.test.ts':
    'the OpenID flow; OIDC identities are proven on both backends by tests/records/accounts-store.test.ts',
  'tests/api/rest-tasks-nodes.test.ts':
    'several nodes need PostgreSQL: it opens it itself in the default run',
  'tests/api/postgres-app.test.ts':
    'PostgreSQL-only: starts the app on a database of its own in the default run',
  'tests/api/reports-kpis.test.ts':
    'the KPIs’ REST shape; their SQL is proven on both backends by tests/records/reports-kpis.test.ts',
  'tests/api/rest-ai-similar.test.ts':
    'cross-language ranking; the AI index store is proven on both backends by tests/records/ai-index.test.ts',
  'tests/api/rest-permissions.test.ts':
    'the role × operation matrix is decided above the stores; memberships are proven on both backends by tests/records/accounts-store.test.ts',
  'tests/api/rest-readme.test.ts': 'the README’s curl example as written; no storage behaviour',
  'tests/api/rest-weekly-report.test.ts':
    'the report’s rendering and channels; its schedule and claims are proven on both backends by tests/records/weekly-report-schedule.test.ts',
  'tests/alerts/alertmanager-intake.test.ts':
    'Alertmanager’s grouping and re-sends; the intake storage is proven on PostgreSQL by tests/api/rest-alerts.test.ts'
};

/**
 * Every record store and document storage, with the files that prove it on PostgreSQL (files of
 * `postgres` above, or files that open PostgreSQL themselves in the default run).
 */
export const storeCoverage = {
  'src/lib/server/accounts/accounts-store.ts': ['tests/records/accounts-store.test.ts'],
  'src/lib/server/ai/ai-store.ts': ['tests/records/ai-index.test.ts'],
  'src/lib/server/ai/history-store.ts': ['tests/records/ai-predict.test.ts'],
  'src/lib/server/ai/evaluation-store.ts': ['tests/api/ai-evaluation.test.ts'],
  'src/lib/server/anomalies/anomalies-store.ts': ['tests/records/ai-anomalies.test.ts'],
  'src/lib/server/alerts/alerts-store.ts': [
    'tests/api/rest-alerts.test.ts',
    'tests/records/escalation.test.ts'
  ],
  'src/lib/server/archive/archive-store.ts': ['tests/records/archive-store.test.ts'],
  'src/lib/server/automation/automation-store.ts': [
    'tests/records/automation-schedule.test.ts',
    'tests/api/rest-automation.test.ts',
    'tests/api/remote-runner.test.ts'
  ],
  'src/lib/server/board/activity-store.ts': ['tests/records/task-activity-store.test.ts'],
  'src/lib/server/board/board-store.ts': [
    'tests/records/task-cards-store.test.ts',
    'tests/api/rest-tasks.test.ts'
  ],
  'src/lib/server/changes/changes-store.ts': ['tests/api/rest-changes.test.ts'],
  'src/lib/server/cmdb/cmdb-store.ts': ['tests/api/rest-cmdb.test.ts'],
  'src/lib/server/import/import-store.ts': ['tests/records/import-service.test.ts'],
  'src/lib/server/metrics/metrics-store.ts': ['tests/records/metrics-events.test.ts'],
  'src/lib/server/notifications/notifications-store.ts': [
    'tests/records/outbox-delivery.test.ts',
    'tests/api/rest-notifications.test.ts'
  ],
  'src/lib/server/oncall/oncall-store.ts': [
    'tests/records/escalation.test.ts',
    'tests/api/rest-oncall.test.ts'
  ],
  'src/lib/server/reports/reports-store.ts': [
    'tests/records/reports-kpis.test.ts',
    'tests/records/reports-figures.test.ts'
  ],
  'src/lib/server/runbooks/files-store.ts': ['tests/records/runbook-files-versions.test.ts'],
  'src/lib/server/runbooks/runbooks-store.ts': [
    'tests/records/runbook-search.test.ts',
    'tests/records/runbook-extension.test.ts'
  ],
  'src/lib/server/runbooks/versions-store.ts': [
    'tests/records/runbook-files-versions.test.ts',
    'tests/records/runbook-sync.test.ts'
  ],
  'src/lib/server/weekly-report/weekly-report-store.ts': [
    'tests/records/weekly-report-schedule.test.ts'
  ],
  'sync-server/doc-store.ts': ['tests/sync/convergence.test.ts', 'tests/sync/protocol.test.ts'],
  'sync-server/storage/postgres-storage.ts': ['tests/sync/storage-contract.test.ts'],
  'sync-server/storage/sqlite-storage.ts': ['tests/sync/storage-contract.test.ts']
};
