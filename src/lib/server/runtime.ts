/**
 * The hand-over point of the process-wide services. The composition root (entries/composition-root.ts)
 * creates them once, in the process entry or the Vite dev plugin, and parks them on
 * `globalThis`; SvelteKit code reads them here. Only types are imported, so the SvelteKit
 * bundle never contains a second copy of the DocStore or the sync server. Because of that,
 * errors coming from those services are recognised by their `code`, never by `instanceof`.
 */
import type { DocStore } from '../../../sync-server/doc-store';
import type { Fanout } from '../../../sync-server/fanout/fanout';
import type { SharedRateLimits } from './auth/rate-limit';
import type { SyncServer } from '../../../sync-server/server';
import type { DocumentStorage } from '../../../sync-server/storage/types';
import type { Accounts } from './accounts/accounts-store';
import type { ActivityRecorder } from './board/activity-recorder';
import type { TaskDocExtension } from './board/task-doc-sync';
import type { TaskActivityStore } from './board/activity-store';
import type { CardMirrorExtension, TaskCardStore } from './board/card-mirror';
import type { ArchiveStore } from './archive/archive-store';
import type { TaskArchiver } from './archive/archive-service';
import type { BoardService } from './board/board-service';
import type { AlertsService } from './alerts/alerts-service';
import type { AutomationService } from './automation/automation-service';
import type { AutomationStore } from './automation/automation-store';
import type { AutomationRunner } from './automation/automation-runner';
import type { RunOutputs } from './automation/run-output';
import type { AlertsStore } from './alerts/alerts-store';
import type { ChangesService } from './changes/changes-service';
import type { ChangesStore } from './changes/changes-store';
import type { NotificationService } from './notifications/notifications-service';
import type { NotificationsStore } from './notifications/notifications-store';
import type { OncallService } from './oncall/oncall-service';
import type { OncallStore } from './oncall/oncall-store';
import type { BoardStore } from './board/board-store';
import type { CmdbStore } from './cmdb/cmdb-store';
import type { CmdbService } from './cmdb/cmdb-service';
import type { CmdbExtension } from './cmdb/cmdb-extension';
import type { DocMirrorExtension } from './db/doc-mirror';
import type { Config } from './config';
import type { Records } from './db/records';
import type { Logger } from './log';
import type { MetricsService } from './metrics/metrics-service';
import type { ReportsService } from './reports/reports-service';
import type { WeeklyReportService } from './weekly-report/weekly-report-service';
import type { ImportService } from './import/import-service';
import type { AiService } from './ai/ai-service';
import type { AnomalyService } from './anomalies/anomalies-service';
import type { AiEvaluationRunner } from './ai/evaluation-runner';
import type { AiStore } from './ai/ai-store';
import type { FileStore } from './runbooks/files-store';
import type { RunbookIndex } from './runbooks/runbooks-store';
import type { RunbookVersions } from './runbooks/versions-store';

export interface Runtime {
  config: Config;
  logger: Logger;
  /** The records (SQLite in DATA_DIR, or PostgreSQL with DATABASE_URL); stores only. */
  records: Records;
  accounts: Accounts;
  boardStore: BoardStore;
  /** Task activity records (written by the board's sync extension). */
  taskActivity: TaskActivityStore;
  /** The live boards' cards as records, for lookups without loading a board (card-mirror.ts). */
  taskCards: TaskCardStore;
  /** Keeps `taskCards` in step with the loaded boards: `settled()` waits for its writes. */
  cardMirror: CardMirrorExtension;
  board: BoardService;
  /** Alert intake's records: integrations, incidents, occurrences, timelines. */
  alertsStore: AlertsStore;
  /** Alert intake and the incident lifecycle (alerts/alerts-service.ts). */
  alerts: AlertsService;
  /** Change management's records: changes, approvals, freezes, policies. */
  changesStore: ChangesStore;
  /** Change requests, approvals and freezes (changes/changes-service.ts). */
  changes: ChangesService;
  notificationsStore: NotificationsStore;
  /** Channels and the outbox worker (notifications/notifications-service.ts). */
  notifications: NotificationService;
  oncallStore: OncallStore;
  /** Schedules, escalation policies and the escalation worker (oncall/oncall-service.ts). */
  oncall: OncallService;
  /** The CMDB's mirrored items and relations, and item history (cmdb/cmdb-store.ts). */
  cmdbStore: CmdbStore;
  /** Configuration items and relations over REST (cmdb/cmdb-service.ts). */
  cmdb: CmdbService;
  /** Automation's records: jobs, credentials, runs, output, runners. */
  automationStore: AutomationStore;
  /** Jobs, credentials, runners and runs with their gate (automation/automation-service.ts). */
  automation: AutomationService;
  /** This node's runner: the queue, the processes, heartbeats, schedules. */
  automationRunner: AutomationRunner;
  /** Output of the runs going on this node, for live followers. */
  runOutputs: RunOutputs;
  /** Keeps `cmdbStore`'s items and relations in step with the loaded CMDBs. */
  cmdbMirror: DocMirrorExtension;
  /** Item history and the cycle repair of loaded CMDBs: `settled()` waits for its writes. */
  cmdbHistory: CmdbExtension;
  /** Records task activity from the board transactions (the board extension's). */
  activityRecorder: ActivityRecorder;
  /** Finished tasks moved out of the live boards (archive/archive-store.ts). */
  archive: ArchiveStore;
  /** Moves finished tasks to the archive and back (the archive extension's). */
  archiver: TaskArchiver;
  /** Task documents' extension: `settled()` waits for the card summaries it writes. */
  taskDocs: TaskDocExtension;
  runbookIndex: RunbookIndex;
  runbookVersions: RunbookVersions;
  files: FileStore;
  /** This process's Prometheus registry and the KPI events (metrics/metrics-service.ts). */
  metrics: MetricsService;
  /** KPIs over a range, from the records (reports/reports-service.ts, docs/kpis.md). */
  reports: ReportsService;
  /** The weekly report: settings and its scheduler (weekly-report/weekly-report-service.ts). */
  weeklyReports: WeeklyReportService;
  /** History import from Jira, Trello and runboard-json (import/import-service.ts). */
  imports: ImportService;
  /** The AI index's records (ai/ai-store.ts). */
  aiStore: AiStore;
  /** Local AI: the index of a workspace's texts and similar work (ai/ai-service.ts). */
  ai: AiService;
  /** Anomalies in alert and task rates, and their messages (anomalies/anomalies-service.ts). */
  anomalies: AnomalyService;
  /** The AI models evaluated on a workspace's own history (ai/evaluation-runner.ts). */
  aiEvaluation: AiEvaluationRunner;
  storage: DocumentStorage;
  docStore: DocStore;
  syncServer: SyncServer;
  /**
   * Set when a graceful shutdown begins (entries/process.ts): /readyz then fails so the load
   * balancer stops sending new clients while the node finishes what it holds.
   */
  lifecycle: { draining: boolean };
  /** Fan-out across nodes (REDIS_URL; sync-server/fanout/fanout.ts); null on a single node. */
  fanout: Fanout | null;
  /**
   * Rate-limit buckets shared by every node through Redis (REDIS_URL; auth/redis-rate-limit.ts);
   * null on a single node, where each limiter keeps its buckets in memory.
   */
  rateLimits: SharedRateLimits | null;
  /** Saves everything and releases resources; idempotent. */
  close(): Promise<void>;
}

export const RUNTIME_KEY = Symbol.for('runboard.runtime');
export type RuntimeHolder = { [RUNTIME_KEY]?: Promise<Runtime> };

/** The process-wide runtime; throws when the process entry did not start it. */
export function getRuntime(): Promise<Runtime> {
  const runtime = (globalThis as RuntimeHolder)[RUNTIME_KEY];
  if (!runtime) {
    throw new Error('runtime not started: run the app with `npm start` or `npm run dev`');
  }
  return runtime;
}
