/**
 * Automation's records (migration 16): jobs, sealed credentials, runs (the durable queue and
 * their record), live output chunks, compressed logs and remote runners. Rows in, rows out; the
 * rules (validation, gating, sealing) are in automation-service.ts, the queue's use in
 * automation-runner.ts.
 *
 * The queue is the `automation_runs` table itself: a run is claimed by a conditional update
 * (`state = 'queued'` → `running`), so two claimers never both win it.
 */
import type { Selectable } from 'kysely';
import {
  type HostRecap,
  type JobCreate,
  type JobKind,
  type RunPurpose,
  type RunState,
  type RunTrigger,
  type CredentialKind
} from '../../shared/automation/schema';
import type { Records } from '../db/records';
import type {
  AutomationCredentialsTable,
  AutomationJobsTable,
  AutomationRunnersTable,
  AutomationRunsTable
} from '../db/schema';

/** Everything of a job but its name and kind, as stored in `definition`. */
export type JobDefinition = Omit<JobCreate, 'name' | 'kind'>;

export interface JobRecord {
  id: string;
  workspaceId: string;
  name: string;
  kind: JobKind;
  definition: JobDefinition;
  nextRunAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface CredentialRecord {
  id: string;
  workspaceId: string;
  name: string;
  kind: CredentialKind;
  username: string | null;
  /** The secret sealed under the secret key (auth/secret-box.ts). */
  sealed: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** What a run executes, fixed when it is requested (credential ids, never their values). */
export interface RunSpec {
  source: { inline: string } | { git: NonNullable<JobDefinition['git']> };
  inventory: JobDefinition['inventory'] | null;
  credentials: string[];
  secretParameters: string[];
  timeoutSeconds: number;
}

export interface RunRecord {
  id: string;
  workspaceId: string;
  jobId: string;
  jobName: string;
  kind: JobKind;
  state: RunState;
  trigger: RunTrigger;
  purpose: RunPurpose | null;
  check: boolean;
  /** name → value; secret values sealed. */
  parameters: Record<string, string | number | boolean>;
  spec: RunSpec;
  maxConcurrent: number;
  requestedBy: string;
  taskId: string | null;
  changeId: string | null;
  incidentId: string | null;
  runbookId: string | null;
  runbookBlock: string | null;
  gate: string | null;
  runnerId: string | null;
  claimedBy: string | null;
  exitCode: number | null;
  reason: string | null;
  summary: HostRecap[] | null;
  logBytes: number;
  logTruncated: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  heartbeatAt: string | null;
  /** Someone asked to stop it while it runs. */
  cancelRequested: boolean;
}

export interface RunnerRecord {
  id: string;
  workspaceId: string;
  name: string;
  tokenHash: string;
  createdBy: string;
  createdAt: string;
  lastSeenAt: string | null;
}

export interface RunFilter {
  jobId?: string;
  taskId?: string;
  changeId?: string;
  incidentId?: string;
  runbookId?: string;
  state?: RunState;
  limit: number;
  offset?: number;
}

/** How many runs may go at once, beyond each job's own limit. */
export interface ClaimLimits {
  perWorkspace: number;
}

/** What ends a run. */
export interface RunOutcome {
  state: RunState;
  exitCode: number | null;
  reason: string | null;
  summary: HostRecap[] | null;
  finishedAt: string;
}

function jobOf(row: Selectable<AutomationJobsTable>): JobRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    kind: row.kind as JobKind,
    definition: JSON.parse(row.definition) as JobDefinition,
    nextRunAt: row.next_run_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  };
}

function jobRow(job: JobRecord): AutomationJobsTable {
  return {
    id: job.id,
    workspace_id: job.workspaceId,
    name: job.name,
    kind: job.kind,
    definition: JSON.stringify(job.definition),
    next_run_at: job.nextRunAt,
    created_by: job.createdBy,
    created_at: job.createdAt,
    updated_at: job.updatedAt
  };
}

function credentialOf(row: Selectable<AutomationCredentialsTable>): CredentialRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    kind: row.kind as CredentialKind,
    username: row.username,
    sealed: row.sealed,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  };
}

function runOf(row: Selectable<AutomationRunsTable>): RunRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    jobId: row.job_id,
    jobName: row.job_name,
    kind: row.kind as JobKind,
    state: row.state as RunState,
    trigger: row.origin as RunTrigger,
    purpose: row.purpose as RunPurpose | null,
    check: row.check_mode === 1,
    parameters: JSON.parse(row.parameters) as RunRecord['parameters'],
    spec: JSON.parse(row.spec) as RunSpec,
    maxConcurrent: row.max_concurrent,
    requestedBy: row.requested_by,
    taskId: row.task_id,
    changeId: row.change_id,
    incidentId: row.incident_id,
    runbookId: row.runbook_id,
    runbookBlock: row.runbook_block,
    gate: row.gate,
    runnerId: row.runner_id,
    claimedBy: row.claimed_by,
    exitCode: row.exit_code,
    reason: row.reason,
    summary: row.summary === null ? null : (JSON.parse(row.summary) as HostRecap[]),
    logBytes: Number(row.log_bytes),
    logTruncated: row.log_truncated === 1,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    heartbeatAt: row.heartbeat_at,
    cancelRequested: row.cancel_requested === 1
  };
}

function runRow(run: RunRecord): AutomationRunsTable {
  return {
    id: run.id,
    workspace_id: run.workspaceId,
    job_id: run.jobId,
    job_name: run.jobName,
    kind: run.kind,
    state: run.state,
    origin: run.trigger,
    purpose: run.purpose,
    check_mode: run.check ? 1 : 0,
    parameters: JSON.stringify(run.parameters),
    spec: JSON.stringify(run.spec),
    max_concurrent: run.maxConcurrent,
    requested_by: run.requestedBy,
    task_id: run.taskId,
    change_id: run.changeId,
    incident_id: run.incidentId,
    runbook_id: run.runbookId,
    runbook_block: run.runbookBlock,
    gate: run.gate,
    runner_id: run.runnerId,
    claimed_by: run.claimedBy,
    exit_code: run.exitCode,
    reason: run.reason,
    summary: run.summary === null ? null : JSON.stringify(run.summary),
    log_bytes: run.logBytes,
    log_truncated: run.logTruncated ? 1 : 0,
    created_at: run.createdAt,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    heartbeat_at: run.heartbeatAt,
    cancel_requested: run.cancelRequested ? 1 : 0
  };
}

function runnerOf(row: Selectable<AutomationRunnersTable>): RunnerRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    tokenHash: row.token_hash,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at
  };
}

export class AutomationStore {
  constructor(private readonly records: Records) {}

  private get db() {
    return this.records.db;
  }

  // Jobs ---------------------------------------------------------------------------------------

  async listJobs(workspaceId: string): Promise<JobRecord[]> {
    const rows = await this.db
      .selectFrom('automation_jobs')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .execute();
    return rows.map(jobOf);
  }

  async job(workspaceId: string, id: string): Promise<JobRecord | null> {
    const row = await this.db
      .selectFrom('automation_jobs')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? jobOf(row) : null;
  }

  async insertJob(job: JobRecord): Promise<void> {
    await this.db.insertInto('automation_jobs').values(jobRow(job)).execute();
  }

  async updateJob(job: JobRecord): Promise<void> {
    const { id, workspace_id, created_at, created_by, ...rest } = jobRow(job);
    void created_at;
    void created_by;
    await this.db
      .updateTable('automation_jobs')
      .set(rest)
      .where('id', '=', id)
      .where('workspace_id', '=', workspace_id)
      .execute();
  }

  async deleteJob(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('automation_jobs')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Scheduled jobs whose next time has come, across workspaces. */
  async dueJobs(now: string, limit = 100): Promise<JobRecord[]> {
    const rows = await this.db
      .selectFrom('automation_jobs')
      .selectAll()
      .where('next_run_at', 'is not', null)
      .where('next_run_at', '<=', now)
      .orderBy('next_run_at')
      .limit(limit)
      .execute();
    return rows.map(jobOf);
  }

  /**
   * Moves a scheduled job's next time from `from` to `to`; false when another claimer moved it
   * first, so each scheduled time starts one run.
   */
  async advanceSchedule(id: string, from: string, to: string | null): Promise<boolean> {
    const result = await this.db
      .updateTable('automation_jobs')
      .set({ next_run_at: to })
      .where('id', '=', id)
      .where('next_run_at', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  // Credentials --------------------------------------------------------------------------------

  async listCredentials(workspaceId: string): Promise<CredentialRecord[]> {
    const rows = await this.db
      .selectFrom('automation_credentials')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .execute();
    return rows.map(credentialOf);
  }

  async credential(workspaceId: string, id: string): Promise<CredentialRecord | null> {
    const row = await this.db
      .selectFrom('automation_credentials')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? credentialOf(row) : null;
  }

  async credentialsByIds(workspaceId: string, ids: readonly string[]): Promise<CredentialRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('automation_credentials')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', [...ids])
      .execute();
    return rows.map(credentialOf);
  }

  async insertCredential(record: CredentialRecord): Promise<void> {
    await this.db
      .insertInto('automation_credentials')
      .values({
        id: record.id,
        workspace_id: record.workspaceId,
        name: record.name,
        kind: record.kind,
        username: record.username,
        sealed: record.sealed,
        created_by: record.createdBy,
        created_at: record.createdAt,
        updated_at: record.updatedAt
      })
      .execute();
  }

  async updateCredential(record: CredentialRecord): Promise<void> {
    await this.db
      .updateTable('automation_credentials')
      .set({
        name: record.name,
        username: record.username,
        sealed: record.sealed,
        updated_at: record.updatedAt
      })
      .where('id', '=', record.id)
      .where('workspace_id', '=', record.workspaceId)
      .execute();
  }

  async deleteCredential(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('automation_credentials')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  // Runs ---------------------------------------------------------------------------------------

  async insertRun(run: RunRecord): Promise<void> {
    await this.db.insertInto('automation_runs').values(runRow(run)).execute();
  }

  async run(workspaceId: string, id: string): Promise<RunRecord | null> {
    const row = await this.db
      .selectFrom('automation_runs')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? runOf(row) : null;
  }

  async runById(id: string): Promise<RunRecord | null> {
    const row = await this.db
      .selectFrom('automation_runs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? runOf(row) : null;
  }

  private runsWhere(workspaceId: string, filter: RunFilter) {
    let query = this.db.selectFrom('automation_runs').where('workspace_id', '=', workspaceId);
    if (filter.jobId) query = query.where('job_id', '=', filter.jobId);
    if (filter.taskId) query = query.where('task_id', '=', filter.taskId);
    if (filter.changeId) query = query.where('change_id', '=', filter.changeId);
    if (filter.incidentId) query = query.where('incident_id', '=', filter.incidentId);
    if (filter.runbookId) query = query.where('runbook_id', '=', filter.runbookId);
    if (filter.state) query = query.where('state', '=', filter.state);
    return query;
  }

  /** Runs of a workspace, newest first. */
  async listRuns(workspaceId: string, filter: RunFilter): Promise<RunRecord[]> {
    const rows = await this.runsWhere(workspaceId, filter)
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .offset(filter.offset ?? 0)
      .execute();
    return rows.map(runOf);
  }

  /** How many runs match `filter` (paging aside). */
  async countRuns(workspaceId: string, filter: RunFilter): Promise<number> {
    const row = await this.runsWhere(workspaceId, filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The last run of each of `jobIds`. */
  async lastRuns(workspaceId: string, jobIds: readonly string[]): Promise<Map<string, RunRecord>> {
    const out = new Map<string, RunRecord>();
    if (jobIds.length === 0) return out;
    // One query for the whole list (the jobs page reloads it while runs go): each job's newest
    // run, found through the (job_id, created_at) index.
    const rows = await this.db
      .selectFrom('automation_runs as r')
      .selectAll('r')
      .where('r.workspace_id', '=', workspaceId)
      .where('r.job_id', 'in', [...jobIds])
      .where('r.created_at', '=', (eb) =>
        eb
          .selectFrom('automation_runs as l')
          .select((l) => l.fn.max('l.created_at').as('newest'))
          .whereRef('l.job_id', '=', 'r.job_id')
      )
      .orderBy('r.id')
      .execute();
    for (const row of rows) out.set(row.job_id, runOf(row));
    return out;
  }

  /**
   * Claims the oldest queued run for `runnerId` (null: the server's own runner) that the job's
   * and the workspace's limits allow, for `claimer`; null when none may start now.
   */
  async claimNext(
    runnerId: string | null,
    claimer: string,
    limits: ClaimLimits,
    now: string
  ): Promise<RunRecord | null> {
    const queued = await this.db
      .selectFrom('automation_runs')
      .selectAll()
      .where('state', '=', 'queued')
      .where('runner_id', runnerId === null ? 'is' : '=', runnerId)
      .orderBy('created_at')
      .orderBy('id')
      .limit(50)
      .execute();
    if (queued.length === 0) return null;
    const running = await this.db
      .selectFrom('automation_runs')
      .select(['workspace_id', 'job_id'])
      .where('state', '=', 'running')
      .execute();
    const perJob = new Map<string, number>();
    const perWorkspace = new Map<string, number>();
    for (const r of running) {
      perJob.set(r.job_id, (perJob.get(r.job_id) ?? 0) + 1);
      perWorkspace.set(r.workspace_id, (perWorkspace.get(r.workspace_id) ?? 0) + 1);
    }
    for (const row of queued) {
      if ((perJob.get(row.job_id) ?? 0) >= row.max_concurrent) continue;
      if ((perWorkspace.get(row.workspace_id) ?? 0) >= limits.perWorkspace) continue;
      const result = await this.db
        .updateTable('automation_runs')
        .set({ state: 'running', claimed_by: claimer, started_at: now, heartbeat_at: now })
        .where('id', '=', row.id)
        .where('state', '=', 'queued')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) {
        return runOf({
          ...row,
          state: 'running',
          claimed_by: claimer,
          started_at: now,
          heartbeat_at: now
        });
      }
    }
    return null;
  }

  /**
   * Ends a run that is not over yet; false when it already was (a cancel and the end of the
   * process racing: the first one wins).
   */
  async finishRun(id: string, outcome: RunOutcome): Promise<boolean> {
    const result = await this.db
      .updateTable('automation_runs')
      .set({
        state: outcome.state,
        exit_code: outcome.exitCode,
        reason: outcome.reason,
        summary: outcome.summary === null ? null : JSON.stringify(outcome.summary),
        finished_at: outcome.finishedAt
      })
      .where('id', '=', id)
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Notes that `claimer` still runs `ids`; returns those of them someone asked to stop. */
  async heartbeat(ids: readonly string[], claimer: string, now: string): Promise<string[]> {
    if (ids.length === 0) return [];
    await this.db
      .updateTable('automation_runs')
      .set({ heartbeat_at: now })
      .where('id', 'in', [...ids])
      .where('claimed_by', '=', claimer)
      .where('state', '=', 'running')
      .execute();
    const rows = await this.db
      .selectFrom('automation_runs')
      .select('id')
      .where('id', 'in', [...ids])
      .where((eb) => eb.or([eb('cancel_requested', '=', 1), eb('state', '!=', 'running')]))
      .execute();
    return rows.map((r) => r.id);
  }

  /** Asks whoever runs `id` to stop it. */
  async requestCancel(id: string): Promise<void> {
    await this.db
      .updateTable('automation_runs')
      .set({ cancel_requested: 1 })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .execute();
  }

  /**
   * Running runs nobody runs any more: the server runs `restartedClaimer` (a node starting
   * again) claimed before, whose process is gone, and any run, of any node or remote runner,
   * whose heartbeat is older than `staleBefore` (a runner or a node that died).
   */
  async orphanedRuns(restartedClaimer: string | null, staleBefore: string): Promise<RunRecord[]> {
    const query = this.db
      .selectFrom('automation_runs')
      .selectAll()
      .where('state', '=', 'running')
      .where((eb) =>
        restartedClaimer === null
          ? eb('heartbeat_at', '<', staleBefore)
          : eb.or([
              eb.and([eb('runner_id', 'is', null), eb('claimed_by', '=', restartedClaimer)]),
              eb('heartbeat_at', '<', staleBefore)
            ])
      );
    return (await query.execute()).map(runOf);
  }

  // Output -------------------------------------------------------------------------------------

  async appendOutput(
    runId: string,
    chunks: readonly { seq: number; data: string }[]
  ): Promise<void> {
    if (chunks.length === 0) return;
    await this.db
      .insertInto('automation_run_output')
      .values(chunks.map((c) => ({ run_id: runId, seq: c.seq, data: c.data })))
      // A remote runner's retried chunk (same seq) is already here.
      .onConflict((oc) => oc.columns(['run_id', 'seq']).doNothing())
      .execute();
  }

  /** Output chunks of a run still going, from `afterSeq` on. */
  async outputSince(runId: string, afterSeq: number): Promise<{ seq: number; data: string }[]> {
    return this.db
      .selectFrom('automation_run_output')
      .select(['seq', 'data'])
      .where('run_id', '=', runId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .execute();
  }

  /** Stores a finished run's compressed output and drops its live chunks, in one go. */
  async storeLog(
    run: Pick<RunRecord, 'id' | 'workspaceId'>,
    content: Uint8Array,
    bytes: number,
    truncated: boolean
  ): Promise<void> {
    await this.records.transaction(async (trx) => {
      await trx.deleteFrom('automation_run_logs').where('run_id', '=', run.id).execute();
      await trx
        .insertInto('automation_run_logs')
        .values({ run_id: run.id, workspace_id: run.workspaceId, content })
        .execute();
      await trx.deleteFrom('automation_run_output').where('run_id', '=', run.id).execute();
      await trx
        .updateTable('automation_runs')
        .set({ log_bytes: bytes, log_truncated: truncated ? 1 : 0 })
        .where('id', '=', run.id)
        .execute();
    });
  }

  async log(runId: string): Promise<Uint8Array | null> {
    const row = await this.db
      .selectFrom('automation_run_logs')
      .select('content')
      .where('run_id', '=', runId)
      .executeTakeFirst();
    return row ? row.content : null;
  }

  // Runners ------------------------------------------------------------------------------------

  async listRunners(workspaceId: string): Promise<RunnerRecord[]> {
    const rows = await this.db
      .selectFrom('automation_runners')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .execute();
    return rows.map(runnerOf);
  }

  async runner(workspaceId: string, id: string): Promise<RunnerRecord | null> {
    const row = await this.db
      .selectFrom('automation_runners')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? runnerOf(row) : null;
  }

  async runnerByTokenHash(tokenHash: string): Promise<RunnerRecord | null> {
    const row = await this.db
      .selectFrom('automation_runners')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row ? runnerOf(row) : null;
  }

  async insertRunner(record: RunnerRecord): Promise<void> {
    await this.db
      .insertInto('automation_runners')
      .values({
        id: record.id,
        workspace_id: record.workspaceId,
        name: record.name,
        token_hash: record.tokenHash,
        created_by: record.createdBy,
        created_at: record.createdAt,
        last_seen_at: record.lastSeenAt
      })
      .execute();
  }

  async touchRunner(id: string, now: string): Promise<void> {
    await this.db
      .updateTable('automation_runners')
      .set({ last_seen_at: now })
      .where('id', '=', id)
      .execute();
  }

  async deleteRunner(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('automation_runners')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  // Key rotation -------------------------------------------------------------------------------

  /** Every sealed value automation keeps: credentials, and runs' secret parameter values. */
  async sealedValues(): Promise<{
    credentials: { id: string; sealed: string }[];
    runs: { id: string; parameters: string; spec: string }[];
  }> {
    const credentials = await this.db
      .selectFrom('automation_credentials')
      .select(['id', 'sealed'])
      .execute();
    const runs = await this.db
      .selectFrom('automation_runs')
      .select(['id', 'parameters', 'spec'])
      .execute();
    return { credentials, runs };
  }
}
