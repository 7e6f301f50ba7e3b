/**
 * The composition root: from the config it opens the database (records and documents), builds
 * every domain's stores (`createStores`, shared with the admin CLI and the sync-only entry),
 * the services, the ordered sync extensions, the DocStore and the sync server. Created once per process and handed over through `globalThis`, because
 * the SvelteKit server bundle and the process entry (entries/main.ts, or the Vite dev plugin)
 * are separate module graphs: importing this file twice must not create two DocStores.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DocStore } from '../sync-server/doc-store';
import {
  SyncAccessError,
  type AuthenticateContext,
  type Grant,
  type Principal,
  type SyncHooks
} from '../sync-server/hooks';
import { SyncServer } from '../sync-server/server';
import { closeExtensions, extensionHooks } from '../sync-server/extensions';
import { Fanout } from '../sync-server/fanout/fanout';
import { RedisTransport } from '../sync-server/fanout/redis';
import { Redis } from 'ioredis';
import { RedisRateLimits } from '../src/lib/server/auth/redis-rate-limit';
import { MemoryStorage } from '../sync-server/storage/memory-storage';
import type { DocumentStorage } from '../sync-server/storage/types';
import type { Limits } from '../sync-server/defaults';
import { DEFAULT_ARCHIVE_AFTER_DAYS, nodeNameOf, type Config } from '../src/lib/server/config';
import { Accounts } from '../src/lib/server/accounts/accounts-store';
import { taskDocExtension } from '../src/lib/server/board/task-doc-sync';
import { boardExtension } from '../src/lib/server/board/board-extension';
import { BoardService } from '../src/lib/server/board/board-service';
import { BoardStore } from '../src/lib/server/board/board-store';
import { TaskActivityStore } from '../src/lib/server/board/activity-store';
import { ActivityRecorder } from '../src/lib/server/board/activity-recorder';
import {
  TaskCardStore,
  cardMirrorExtension,
  cardWithoutLoad
} from '../src/lib/server/board/card-mirror';
import { ArchiveStore } from '../src/lib/server/archive/archive-store';
import { archiveExtension } from '../src/lib/server/archive/archive-extension';
import { TaskArchiver } from '../src/lib/server/archive/archive-service';
import { AlertsStore } from '../src/lib/server/alerts/alerts-store';
import { AlertsService } from '../src/lib/server/alerts/alerts-service';
import { alertsExtension } from '../src/lib/server/alerts/alerts-extension';
import { ChangesStore } from '../src/lib/server/changes/changes-store';
import { ChangesService } from '../src/lib/server/changes/changes-service';
import { changesExtension } from '../src/lib/server/changes/changes-extension';
import { NotificationsStore } from '../src/lib/server/notifications/notifications-store';
import {
  NotificationService,
  type DeliveryOptions
} from '../src/lib/server/notifications/notifications-service';
import { SecretBox, secretKeyLoader } from '../src/lib/server/auth/secret-box';
import { OncallStore } from '../src/lib/server/oncall/oncall-store';
import { AiHistoryStore } from '../src/lib/server/ai/history-store';
import { CmdbStore } from '../src/lib/server/cmdb/cmdb-store';
import { CmdbService } from '../src/lib/server/cmdb/cmdb-service';
import { cmdbExtension, cmdbMirrorExtension } from '../src/lib/server/cmdb/cmdb-extension';
import { OncallService, type MemberInfo } from '../src/lib/server/oncall/oncall-service';
import { AutomationStore } from '../src/lib/server/automation/automation-store';
import { AutomationService } from '../src/lib/server/automation/automation-service';
import { SYSTEM_ACTOR } from '../src/lib/shared/automation/schema';
import {
  AutomationRunner,
  automationDefaults,
  type AutomationLimits
} from '../src/lib/server/automation/automation-runner';
import { RunOutputs } from '../src/lib/server/automation/run-output';
import { startAutomaticRemediations } from '../src/lib/server/automation/remediation';
import { execute } from '../src/lib/server/automation/exec/execute';
import { reapOrphans } from '../src/lib/server/automation/exec/orphans';
import { FileStore } from '../src/lib/server/runbooks/files-store';
import { runbookExtension } from '../src/lib/server/runbooks/runbooks-extension';
import { RunbookIndex } from '../src/lib/server/runbooks/runbooks-store';
import { RunbookVersions } from '../src/lib/server/runbooks/versions-store';
import {
  SESSION_COOKIE,
  authenticate,
  bearerToken,
  originAllowed,
  readCookie,
  workspaceRole
} from '../src/lib/server/auth/authenticate';
import { openDatabase, type DatabaseTarget, type Records } from '../src/lib/server/db/records';
import { DocumentGenerations } from '../src/lib/server/db/document-generations';
import { boardDocName, parseDocName } from '../src/lib/shared/doc-name';
import { listLabels } from '../src/lib/shared/board/board-model';
import type { RunState } from '../src/lib/shared/automation/schema';
import type { NotificationEvent } from '../src/lib/shared/notifications/schema';
import { docAccess } from '../src/lib/shared/permissions';
import {
  closeLocalConnections,
  connectionMatchSchema
} from '../src/lib/server/workspaces/access-changes';
import { CloseCode } from '../src/lib/shared/sync-protocol';
import { createLogger, type Logger } from '../src/lib/server/log';
import { MetricsService } from '../src/lib/server/metrics/metrics-service';
import { MetricsStore } from '../src/lib/server/metrics/metrics-store';
import { ReportsService } from '../src/lib/server/reports/reports-service';
import { AiService } from '../src/lib/server/ai/ai-service';
import { AiStore } from '../src/lib/server/ai/ai-store';
import { AnomalyService } from '../src/lib/server/anomalies/anomalies-service';
import { AnomalyStore } from '../src/lib/server/anomalies/anomalies-store';
import { AiEvaluationRunner } from '../src/lib/server/ai/evaluation-runner';
import { AiEvaluationStore } from '../src/lib/server/ai/evaluation-store';
import { aiExtension } from '../src/lib/server/ai/ai-extension';
import { createEmbedder } from '../src/lib/server/ai/embedders';
import { ReportsStore } from '../src/lib/server/reports/reports-store';
import { WeeklyReportService } from '../src/lib/server/weekly-report/weekly-report-service';
import { WeeklyReportStore } from '../src/lib/server/weekly-report/weekly-report-store';
import { ImportService } from '../src/lib/server/import/import-service';
import { ImportStore } from '../src/lib/server/import/import-store';
import {
  RUNTIME_KEY as KEY,
  type Runtime,
  type RuntimeHolder as Holder
} from '../src/lib/server/runtime';

export interface RuntimeOptions {
  /**
   * Documents: by default in the records' database (SQLite in DATA_DIR, or DATABASE_URL);
   * 'memory' keeps them in memory (sync-core tests). An opened backend (tests run the sync core
   * on PostgreSQL this way) is used as it is and closed with the runtime.
   */
  storage?: 'database' | 'memory' | DocumentStorage;
  limits?: Partial<Limits>;
  logger?: Logger;
  /** Replaces the account-based websocket check (sync-core tests that have no accounts). */
  onAuthenticate?: SyncHooks['onAuthenticate'];
  /** The clock of intake, escalation and the outbox (tests: a fake clock). */
  now?: () => number;
  /** How often the escalation worker looks for due steps (tests: never, they call `tick`). */
  escalationTickMs?: number;
  /** Deliveries one integration may make (tests of the rate limit). */
  deliveriesPerIntegration?: { burst: number; refillMs: number };
  /** The outbox worker's pace (tests: short retries). */
  delivery?: Partial<DeliveryOptions>;
  /** The archive sweeper's clock and pace (tests). */
  archive?: { now?: () => number; intervalMs?: number; batchSize?: number };
  /** How often the weekly report's scheduler looks (tests: never, they call `runDue`). */
  weeklyReportTickMs?: number;
  /** The fan-out's heartbeat (tests: short, so a dead node's presence goes quickly). */
  fanoutHeartbeatMs?: number;
  /** How often the anomaly scheduler looks (tests: never, they call `runDue`). */
  anomalyTickMs?: number;
  /** Automation's limits and timers (tests: short ones), and where runs work. */
  automation?: Partial<AutomationLimits> & { workRoot?: string; gitCacheDir?: string };
}

/**
 * Websocket access (docs/design.md §4), decided on the upgrade before any sync message is read:
 * a valid API token (`Authorization: Bearer` or `?token=`) or session cookie (whose Origin must
 * be ours), membership of the document's workspace, and the role's right on the document kind.
 * Read access gives a read-only connection whose updates are never applied.
 */
function createAuthenticateHook(accounts: Accounts, config: Config) {
  return async (ctx: AuthenticateContext): Promise<Grant> => {
    const { request, docName } = ctx;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const apiToken = bearerToken(request.headers.authorization) ?? url.searchParams.get('token');
    const sessionToken = apiToken ? null : readCookie(request.headers.cookie, SESSION_COOKIE);
    if (
      sessionToken &&
      !originAllowed(request.headers.origin, request.headers.host, config.origin)
    ) {
      throw new SyncAccessError(CloseCode.Forbidden, 'origin not allowed');
    }
    const caller = await authenticate(accounts, { sessionToken, apiToken });
    if (!caller) throw new SyncAccessError(CloseCode.Unauthorized, 'sign in required');
    const role = await workspaceRole(accounts, caller, docName.workspaceId);
    const access = role ? docAccess(role, docName.kind) : null;
    if (!access) throw new SyncAccessError(CloseCode.Forbidden, 'no access to this document');
    const principal: Principal =
      caller.kind === 'session'
        ? {
            id: `user:${caller.user.id}`,
            kind: 'session',
            userId: caller.user.id,
            sessionId: caller.session.id
          }
        : {
            id: `user:${caller.user.id}`,
            kind: 'token',
            userId: caller.user.id,
            tokenId: caller.apiToken.id
          };
    return { principal, readOnly: access === 'read' };
  };
}

/**
 * Whether an open connection's grant still holds: its session or token is live and the
 * member's role still gives the same access to the document kind.
 */
function createAccessCheck(accounts: Accounts) {
  return async ({ rawName, grant }: { rawName: string; grant: Grant }): Promise<boolean> => {
    const { userId, sessionId, tokenId } = grant.principal;
    if (!userId) return true; // not an account (only in sync-core tests)
    const live = sessionId
      ? await accounts.isSessionLive(sessionId)
      : tokenId
        ? await accounts.isTokenLive(tokenId)
        : false;
    if (!live) return false;
    const parsed = parseDocName(rawName);
    if (!parsed.ok) return false;
    const membership = await accounts.getMembership(parsed.name.workspaceId, userId);
    const access = membership ? docAccess(membership.role, parsed.name.kind) : null;
    return access !== null && (access === 'read') === grant.readOnly;
  };
}

/** The notification a run's end sends: none for a cancelled (or unfinished) run. */
export function runNotificationEvent(state: RunState): NotificationEvent | null {
  if (state === 'succeeded') return 'run.succeeded';
  if (state === 'failed' || state === 'timed_out' || state === 'interrupted') return 'run.failed';
  return null;
}

/** Where `config` keeps its records and documents. */
export function databaseTarget(config: Config): DatabaseTarget {
  return config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir };
}

/** The services built on the records: stores, then the services that use them. */
export type Services = Pick<
  Runtime,
  | 'accounts'
  | 'boardStore'
  | 'taskActivity'
  | 'taskCards'
  | 'archive'
  | 'alertsStore'
  | 'changesStore'
  | 'notificationsStore'
  | 'oncallStore'
  | 'cmdbStore'
  | 'automationStore'
  | 'runbookIndex'
  | 'runbookVersions'
  | 'files'
  | 'aiStore'
>;

/**
 * The stores of every domain on `records`: what the server, the admin CLI and the sync-only
 * node share, so none of them builds a store its own way.
 */
export function createStores(records: Records, config: Pick<Config, 'dataDir'>): Services {
  return {
    accounts: new Accounts(records),
    boardStore: new BoardStore(records),
    taskActivity: new TaskActivityStore(records),
    taskCards: new TaskCardStore(records),
    archive: new ArchiveStore(records),
    alertsStore: new AlertsStore(records),
    changesStore: new ChangesStore(records),
    notificationsStore: new NotificationsStore(records),
    oncallStore: new OncallStore(records),
    cmdbStore: new CmdbStore(records),
    automationStore: new AutomationStore(records),
    runbookIndex: new RunbookIndex(records),
    runbookVersions: new RunbookVersions(records),
    files: new FileStore(records, config.dataDir),
    aiStore: new AiStore(records)
  };
}

/** Builds every service of the process from `config`. Prefer `startRuntime`. */
export async function createRuntime(
  config: Config,
  options: RuntimeOptions = {}
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const { records, documents } = await openDatabase(databaseTarget(config), { logger });
  const stores = createStores(records, config);
  // Fan-out across nodes (REDIS_URL): the DocStore subscribes, publishes and resyncs through it
  // (sync-server/fanout/fanout.ts); access changes reach every node through it too.
  const fanout = config.redis
    ? new Fanout({
        transport: new RedisTransport({ url: config.redis.url, logger }),
        prefix: config.redis.prefix,
        nodeId: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
        logger,
        ...(options.fanoutHeartbeatMs ? { heartbeatMs: options.fanoutHeartbeatMs } : {})
      })
    : null;
  await fanout?.start();
  // Rate limits shared by every node (auth/redis-rate-limit.ts), on their own connection made
  // like the fan-out's: no offline queue, so a Redis outage fails fast and each node limits on
  // its own until Redis is back (rate-limit.ts `takeToken`).
  const rateLimitRedis = config.redis
    ? new Redis(config.redis.url, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        retryStrategy: (attempt: number) => Math.min(100 * attempt, 2_000),
        connectTimeout: 5_000,
        keepAlive: 5_000,
        connectionName: 'runboard-ratelimit'
      })
    : null;
  rateLimitRedis?.on('error', (error: Error) => {
    logger.debug('rate limits: redis error', { error: error.message });
  });
  const rateLimits =
    rateLimitRedis && config.redis
      ? new RedisRateLimits(rateLimitRedis, config.redis.prefix, logger)
      : null;
  // The metrics first: every workspace's series start at zero before any service can report an
  // event, then the services tell each event as it happens (metrics-service.ts).
  const metrics = new MetricsService({
    store: new MetricsStore(records.db),
    logger,
    node: nodeNameOf(config),
    rateLimits: () => rateLimits,
    sync: () => ({
      connections: () => syncServer.connectionCount,
      documentsLoaded: () => docStore.loadedCount,
      messages: () => ({ in: syncServer.messagesIn, out: syncServer.messagesOut }),
      fanout: () => fanout?.figures ?? null
    })
  });
  await metrics.start();
  const reports = new ReportsService({ store: new ReportsStore(records) });
  // The AI index (ai/ai-service.ts): the embedder RUNBOARD_AI_EMBEDDER chooses (docs/ai.md).
  // Prediction (docs/ai-models.md) reads the cards and members, and who is on call now; the
  // on-call service is made below, so it is reached late.
  let onCallService: OncallService | null = null;
  const ai = new AiService({
    store: stores.aiStore,
    embedder: createEmbedder(config.ai),
    logger,
    history: new AiHistoryStore(records),
    onCallNow: async (workspaceId) =>
      onCallService
        ? (await onCallService.onCallNow(workspaceId)).flatMap((s) =>
            s.onCall ? [s.onCall.userId] : []
          )
        : []
  });
  // The in-app evaluation of the models on the workspace's own history (docs/ai-models.md).
  const aiEvaluation = new AiEvaluationRunner({
    store: new AiEvaluationStore(records),
    history: new AiHistoryStore(records),
    embedder: ai.embedder,
    logger
  });
  const storage: DocumentStorage =
    typeof options.storage === 'object'
      ? options.storage
      : options.storage === 'memory'
        ? new MemoryStorage()
        : documents;
  // The sync extensions, in order, each for the document kinds it watches (sync-server/extensions.ts).
  const docs = () => docStore;
  const activityRecorder = new ActivityRecorder({
    store: stores.taskActivity,
    docs,
    logger,
    onTaskDone: (workspaceId) => metrics.onTaskDone(workspaceId)
  });
  const archiver = new TaskArchiver({
    store: stores.archive,
    docs,
    logger,
    afterDays: config.archiveAfterDays ?? DEFAULT_ARCHIVE_AFTER_DAYS,
    ...(options.archive?.now ? { now: options.archive.now } : {}),
    ...(options.archive?.batchSize ? { batchSize: options.archive.batchSize } : {})
  });
  const cardMirror = cardMirrorExtension({ store: stores.taskCards, logger });
  const taskDocs = taskDocExtension({ recorder: activityRecorder, docs, logger });
  // Incident cards acknowledged or moved by members ask the incident to follow.
  const incidentCards = alertsExtension({
    cardChanged: (...args) => alerts.cardChanged(...args),
    logger
  });
  // Change cards moved by members are put back where the change's state shows them.
  const changeCards = changesExtension({
    cardChanged: (...args) => changes.cardChanged(...args),
    logger
  });
  const cmdbMirror = cmdbMirrorExtension({ store: stores.cmdbStore, logger });
  const cmdbHistory = cmdbExtension({ store: stores.cmdbStore, logger });
  const extensions = [
    boardExtension({ store: stores.boardStore, recorder: activityRecorder, docs, logger }),
    // Before the archive's: the cards its sweep on load moves out are written as changes.
    cardMirror,
    // After the board's: keys and activity are set up before the sweep deletes entries.
    archiveExtension({ archiver, logger, intervalMs: options.archive?.intervalMs }),
    taskDocs,
    incidentCards,
    changeCards,
    cmdbHistory,
    cmdbMirror,
    runbookExtension({
      index: stores.runbookIndex,
      versions: stores.runbookVersions,
      docs,
      logger
    }),
    // Last: it reads what the mirrors above write, a moment after a change.
    aiExtension({ index: ai })
  ];
  const docStore: DocStore = new DocStore({
    storage,
    // Retired generations of rebased documents live in the records (also with 'memory' storage).
    generations: new DocumentGenerations(records),
    logger,
    // The node's limits from the environment, then the caller's (tests).
    limits: { ...config.nodeLimits, ...options.limits },
    hooks: extensionHooks(extensions, logger),
    ...(fanout ? { fanout } : {})
  });
  const box = new SecretBox(secretKeyLoader(config));
  const board = new BoardService({ store: stores.boardStore, docs, recorder: activityRecorder });
  const imports = new ImportService({
    store: new ImportStore(records),
    numbers: stores.boardStore,
    docs,
    logger,
    settled: (docName) => activityRecorder.settled(docName),
    ...(options.now ? { now: options.now } : {})
  });
  // This node, the same across its restarts: its database, host (a pod, a container, a machine)
  // and port. Names what it claims (automation runs, outbox messages) and its work
  // directories. A process on port 0 (tests, tools) has a port of the moment, so it is a node
  // of its own each time: what it leaves is taken up by the stale sweeps, not at its restart.
  const port = config.port === 0 ? `0.${randomBytes(6).toString('hex')}` : String(config.port);
  const instance = createHash('sha256')
    .update(`${config.databaseUrl ?? resolve(config.dataDir)}|${hostname()}|${port}`)
    .digest('hex')
    .slice(0, 16);
  const notifications = new NotificationService({
    store: stores.notificationsStore,
    box,
    logger,
    claimer: `node-${instance}`,
    ...(config.origin ? { origin: config.origin } : {}),
    ...(options.delivery ? { delivery: options.delivery } : {}),
    ...(options.now ? { now: options.now } : {}),
    subjects: {
      workspaceName: async (id) => (await stores.accounts.getWorkspace(id))?.name ?? null,
      memberName: async (id) => {
        const user = await stores.accounts.getUser(id);
        return user ? user.name || user.email : null;
      },
      incident: async (workspaceId, id) => {
        const incident = await stores.alertsStore.incident(workspaceId, id);
        if (!incident) return null;
        return {
          id: incident.id,
          key: incident.taskKey,
          title: incident.title,
          state: incident.state,
          severity: incident.severity,
          labels: incident.labels,
          runbookUrl: incident.annotations['runbook_url'] ?? null,
          sourceUrl: (await stores.alertsStore.occurrences(id))[0]?.generatorUrl ?? null
        };
      },
      change: async (workspaceId, id) => {
        const change = await stores.changesStore.change(workspaceId, id);
        if (!change) return null;
        return {
          id: change.id,
          key: change.taskKey,
          title: change.title,
          type: change.type,
          state: change.state,
          risk: change.risk,
          windowStart: change.windowStart,
          windowEnd: change.windowEnd,
          timeZone: change.timeZone
        };
      },
      run: async (workspaceId, id) => {
        const run = await stores.automationStore.run(workspaceId, id);
        if (!run) return null;
        const card = async (ref: string | null) => {
          const task = ref ? await stores.taskCards.find(workspaceId, ref) : null;
          return task ? { id: task.id, key: task.key ?? null, title: task.title } : null;
        };
        const requestedBy =
          run.requestedBy === SYSTEM_ACTOR
            ? null
            : await (async () => {
                const user = await stores.accounts.getUser(run.requestedBy);
                return user ? user.name || user.email : run.requestedBy;
              })();
        const change = await card(run.changeId);
        return {
          id: run.id,
          jobId: run.jobId,
          jobName: run.jobName,
          state: run.state,
          trigger: run.trigger,
          purpose: run.purpose,
          exitCode: run.exitCode,
          reason: run.reason,
          requestedBy,
          gate: run.gate,
          change: change ? { id: change.id, key: change.key } : null,
          task: await card(run.taskId),
          incident: await card(run.incidentId),
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
          durationSeconds:
            run.startedAt && run.finishedAt
              ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000
              : null
        };
      }
    }
  });
  const oncall = (onCallService = new OncallService({
    store: stores.oncallStore,
    alerts: stores.alertsStore,
    channels: stores.notificationsStore,
    notifier: notifications,
    logger,
    members: async (workspaceId) =>
      new Map<string, MemberInfo>(
        (await stores.accounts.listMembers(workspaceId)).map((m) => [
          m.userId,
          { name: m.name, email: m.email }
        ])
      ),
    ...(options.now ? { now: options.now } : {}),
    ...(options.escalationTickMs ? { tickMs: options.escalationTickMs } : {})
  }));
  const alerts = new AlertsService({
    store: stores.alertsStore,
    board,
    docs,
    logger,
    notifier: notifications,
    escalations: oncall,
    ...(options.deliveriesPerIntegration
      ? { deliveriesPerIntegration: options.deliveriesPerIntegration }
      : {}),
    rateLimits,
    runbooks: stores.runbookIndex,
    items: {
      byNames: (ws, names) => stores.cmdbStore.byNames(ws, names),
      labels: (ws, ids) => stores.cmdbStore.labels(ws, ids)
    },
    sentMessages: (incidentId) => stores.notificationsStore.messagesOfIncident(incidentId),
    taskActivity: stores.taskActivity,
    // Alerts received and incidents opened, acknowledged and resolved, as they happen.
    lifecycle: metrics,
    // Jobs whose remediation rule matches start on their own (automation/remediation.ts).
    onIncidentOpened: async (workspaceId, incident) => {
      await startAutomaticRemediations(
        { automation, audit: (entry) => stores.accounts.audit(entry), logger },
        workspaceId,
        incident
      );
    },
    directory: {
      hasChannel: async (ws, id) => (await stores.notificationsStore.channel(ws, id)) !== null,
      isMember: async (ws, userId) => (await stores.accounts.getMembership(ws, userId)) !== null
    },
    ...(options.now ? { now: options.now } : {})
  });
  const changes = new ChangesService({
    store: stores.changesStore,
    board,
    docs,
    logger,
    notifier: notifications,
    roleOf: async (workspaceId, userId) =>
      (await stores.accounts.getMembership(workspaceId, userId))?.role ?? null,
    incident: async (workspaceId, ref) => {
      const incident =
        (await stores.alertsStore.incident(workspaceId, ref)) ??
        (await stores.alertsStore.incidentByKey(workspaceId, ref));
      return incident
        ? {
            id: incident.id,
            openedAt: incident.openedAt,
            items: await stores.alertsStore.itemsOf(incident.id)
          }
        : null;
    },
    cmdb: stores.cmdbStore,
    onChangeFinished: (workspaceId, outcome) => metrics.onChangeFinished(workspaceId, outcome),
    ...(options.now ? { now: options.now } : {})
  });
  const cmdb = new CmdbService({
    store: stores.cmdbStore,
    docs,
    // A write answers once the records and the history follow it.
    mirror: {
      flush: async (docName) => {
        await cmdbMirror.flush(docName);
        await cmdbHistory.settled();
      }
    },
    // The changes and incidents that touched an item, for its history.
    links: async (workspaceId, itemId) => ({
      changes: await stores.changesStore.changesOnItem(workspaceId, itemId),
      incidents: await stores.alertsStore.incidentsOnItem(workspaceId, itemId)
    }),
    memberNames: async (workspaceId) =>
      new Map(
        (await stores.accounts.listMembers(workspaceId)).map((m) => [m.userId, m.name || m.email])
      )
  });
  const automationLimits: AutomationLimits = {
    ...automationDefaults,
    ...config.automation,
    ...options.automation
  };
  const runOutputs = new RunOutputs({
    store: stores.automationStore,
    logger,
    maxBytes: automationLimits.maxLogBytes,
    flushMs: automationLimits.outputFlushMs
  });
  const automation: AutomationService = new AutomationService({
    store: stores.automationStore,
    box,
    gate: (workspaceId, ref, environments) => changes.gateRun(workspaceId, ref, environments),
    task: async (workspaceId, ref) => {
      const task = await cardWithoutLoad(docStore, stores.taskCards, workspaceId, ref);
      if (task) return { id: task.id, kind: task.kind };
      // An incident intake just opened may not be on the card mirror yet (remediation).
      const incident =
        (await stores.alertsStore.incident(workspaceId, ref)) ??
        (await stores.alertsStore.incidentByKey(workspaceId, ref));
      return incident ? { id: incident.id, kind: 'incident' } : null;
    },
    runbookExists: async (workspaceId, id) =>
      (await stores.runbookIndex.get(workspaceId, id)) !== null,
    inventoryItems: async (workspaceId) => (await stores.cmdbStore.all(workspaceId)).items,
    memberNames: async (workspaceId) =>
      new Map(
        (await stores.accounts.listMembers(workspaceId)).map((m) => [m.userId, m.name || m.email])
      ),
    docs,
    onQueued: () => automationRunner.kick(),
    // A finished run's facts beyond its row: the task's or incident's activity, the audit log
    // and a message through the outbox to the channels that subscribe to run events.
    onFinished: async (run) => {
      metrics.onRunFinished(run.workspaceId, run.state);
      const event = runNotificationEvent(run.state);
      if (event) {
        try {
          await notifications.enqueue(
            records.db,
            run.workspaceId,
            event,
            `run:${run.id}:finished`,
            {
              runId: run.id,
              at: run.finishedAt ?? new Date().toISOString()
            }
          );
          notifications.kick();
        } catch (error) {
          logger.error('automation: the run notification was not queued', {
            run: run.id,
            error: String(error)
          });
        }
      }
      const taskId = run.taskId ?? run.incidentId ?? run.changeId;
      const at = run.finishedAt ?? new Date().toISOString();
      if (taskId) {
        await stores.taskActivity.append(run.workspaceId, [
          {
            taskId,
            at,
            by: run.requestedBy === SYSTEM_ACTOR ? null : run.requestedBy,
            action: 'job_run_finished',
            field: run.id,
            from: run.jobName,
            to: run.state
          }
        ]);
      }
      await stores.accounts.audit({
        workspaceId: run.workspaceId,
        actorId: run.requestedBy === SYSTEM_ACTOR ? null : run.requestedBy,
        actorLabel: run.runnerId ? `runner:${run.runnerId}` : 'runner',
        action: 'run.finished',
        target: `run:${run.id}`,
        details: {
          job: run.jobName,
          state: run.state,
          exitCode: run.exitCode,
          gate: run.gate,
          reason: run.reason
        }
      });
    },
    logger,
    ...(options.now ? { now: options.now } : {})
  });
  const automationRunner: AutomationRunner = new AutomationRunner({
    service: automation,
    store: stores.automationStore,
    outputs: runOutputs,
    execute,
    reapOrphans,
    claimer: `node-${instance}`,
    places: {
      // Outside DATA_DIR: a run's files (keys, vault passwords) live only while it runs.
      // One per store and port, so a node reaping what its last run left never touches the
      // runs of another node or app on the same host.
      workRoot: options.automation?.workRoot ?? join(tmpdir(), `runboard-runs-${instance}`),
      gitCacheDir: options.automation?.gitCacheDir ?? join(tmpdir(), `runboard-git-${instance}`),
      killGraceMs: automationLimits.killGraceMs
    },
    limits: automationLimits,
    logger,
    ...(options.now ? { now: options.now } : {})
  });
  const automationStart = automationRunner.start().catch((error: unknown) => {
    logger.error('automation: the runner did not start', { error: String(error) });
  });
  // The outbox worker; messages a previous run left are sent (notifications-service.ts).
  void notifications.start().catch((error: unknown) => {
    logger.error('notifications: the outbox worker did not start', { error: String(error) });
  });
  // Escalation steps fall due while nobody acknowledges (oncall-service.ts).
  oncall.start();
  // Weekly reports fall due; each week's is queued once across nodes (weekly-report-service.ts).
  const weeklyReports = new WeeklyReportService({
    store: new WeeklyReportStore(records),
    reports,
    notifier: notifications,
    workspaceName: async (id) => (await stores.accounts.getWorkspace(id))?.name ?? null,
    logger,
    ...(options.now ? { now: options.now } : {}),
    ...(options.weeklyReportTickMs ? { tickMs: options.weeklyReportTickMs } : {})
  });
  weeklyReports.start();
  // New anomalies notify; each event's message is queued once across nodes (anomalies/anomalies-service.ts).
  const anomalies = new AnomalyService({
    store: new AnomalyStore(records),
    notifier: notifications,
    labels: (ws) => docStore.read(boardDocName(ws), (doc) => listLabels(doc)),
    logger,
    ...(options.now ? { now: options.now } : {}),
    ...(options.anomalyTickMs ? { tickMs: options.anomalyTickMs } : {})
  });
  anomalies.start();
  // Incident cards a previous run did not finish writing (alerts-service.ts).
  const alertsCatchUp = alerts.catchUpBoard().catch((error: unknown) => {
    logger.error('alerts: catching up incident cards failed', { error: String(error) });
  });
  // Change cards a previous run did not finish writing (changes-service.ts).
  const changesCatchUp = changes.catchUpBoard().catch((error: unknown) => {
    logger.error('changes: catching up change cards failed', { error: String(error) });
  });
  const syncServer = new SyncServer({
    docStore,
    logger,
    hooks: {
      onAuthenticate: options.onAuthenticate ?? createAuthenticateHook(stores.accounts, config)
    }
  });
  const accessCheck = createAccessCheck(stores.accounts);
  const recheck = setInterval(() => {
    syncServer.recheck(accessCheck, CloseCode.AccessChanged).catch((error: unknown) => {
      logger.error('sync: access recheck failed', { error: String(error) });
    });
  }, docStore.limits.accessRecheckMs);
  recheck.unref();
  // An access change made on another node closes the affected sockets here at once; the sweep
  // above still catches changes made where no node publishes (the admin CLI, a lost message).
  fanout?.onAccess((payload) => {
    const match = connectionMatchSchema.safeParse(payload);
    if (!match.success) {
      logger.warn('sync: ignored a malformed access change from another node');
      return;
    }
    closeLocalConnections(syncServer, match.data);
  });
  let closed: Promise<void> | null = null;
  return {
    config,
    logger,
    records,
    ...stores,
    board,
    alerts,
    changes,
    notifications,
    oncall,
    cmdb,
    automation,
    automationRunner,
    runOutputs,
    cmdbMirror,
    cmdbHistory,
    activityRecorder,
    archiver,
    taskDocs,
    cardMirror,
    metrics,
    reports,
    weeklyReports,
    anomalies,
    imports,
    ai,
    aiEvaluation,
    storage,
    docStore,
    syncServer,
    lifecycle: { draining: false },
    fanout,
    rateLimits,
    close() {
      closed ??= (async () => {
        clearInterval(recheck);
        await alertsCatchUp;
        await changesCatchUp;
        await automationStart;
        await automationRunner.close();
        await changes.settled();
        await oncall.stop();
        await weeklyReports.stop();
        await anomalies.stop();
        await notifications.stop();
        await syncServer.close();
        // Card summaries still waiting are written while the documents are there.
        await taskDocs.settled();
        await docStore.close();
        await fanout?.close();
        rateLimitRedis?.disconnect();
        // Records the extensions write on unload land before the database closes.
        await closeExtensions(extensions, logger);
        await ai.close();
        await aiEvaluation.close();
        if (storage !== documents) await storage.close();
        await records.close();
      })();
      return closed;
    }
  };
}

/** Creates the process-wide runtime once; later calls return the same one. */
export function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const holder = globalThis as Holder;
  holder[KEY] ??= createRuntime(config, options);
  return holder[KEY];
}

/** Forgets the process-wide runtime after closing it (tests start several in one process). */
export async function stopRuntime(): Promise<void> {
  const holder = globalThis as Holder;
  const runtime = holder[KEY];
  delete holder[KEY];
  if (runtime) await (await runtime).close();
}
