/**
 * Automation (docs/automation.md): jobs, sealed credentials, remote runners, and runs — the
 * request with its checks (parameters, gating by an approved change in its window and outside
 * freezes), the queue, cancelling, and the facts a finished run leaves: the row, the ledger's
 * copy, an entry on the task's or incident's activity and a message through the outbox.
 * Framework-free; the REST layer (automation-api.ts) checks roles and writes the audit log.
 *
 * Security (docs/design.md §4): a credential's plain value leaves this module only in the
 * ExecSpec of one run, for the executor; secret parameter values are sealed in the run's row
 * and shown masked everywhere.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync, gunzipSync } from 'node:zlib';
import { Cron } from 'croner';
import type * as Y from 'yjs';
import {
  DEFAULT_TIMEOUT_SECONDS,
  SYSTEM_ACTOR,
  isFinalRunState,
  jobCreateSchema,
  maskedParameters,
  resolveParameters,
  type CredentialCreate,
  type CredentialPatch,
  type CredentialView,
  type JobCreate,
  type JobPatch,
  type JobView,
  type ParameterValue,
  type RunCreate,
  type RunTrigger,
  type RunView
} from '../../shared/automation/schema';
import { runFactOf, writeRunFacts, type RunFact } from '../../shared/automation/ledger';
import { ledgerDocName } from '../../shared/doc-name';
import { DomainError } from '../../shared/model/domain-error';
import { inputIssues, summariseIssues, type InputIssue } from '../../shared/model/parse';
import { isUniqueViolation } from '../db/dialect';
import { generateId } from '../../shared/model/ids';
import type { SecretBox } from '../auth/secret-box';
import type { InventoryItem } from '../cmdb/cmdb-inventory';
import { inventoryJson } from '../cmdb/cmdb-inventory';
import type { Logger } from '../log';
import type {
  AutomationStore,
  CredentialRecord,
  JobDefinition,
  JobRecord,
  RunFilter,
  RunOutcome,
  RunRecord,
  RunnerRecord
} from './automation-store';
import type { ExecSpec } from './exec/types';

/** Who asks for a run. */
export interface RunActor {
  /** A user id, or SYSTEM_ACTOR. */
  userId: string;
}

/** A task, incident or change card found by id or key. */
export interface LinkedTask {
  id: string;
  kind: string;
}

export interface AutomationDeps {
  store: AutomationStore;
  box: SecretBox;
  /** The change gate (changes-service.ts `gateRun`). */
  gate(
    workspaceId: string,
    ref: string,
    environments: readonly string[]
  ): Promise<{ id: string; key: string | null }>;
  /** A board task (task, incident or change) by id or key. */
  task(workspaceId: string, ref: string): Promise<LinkedTask | null>;
  /** Whether the runbook exists in the workspace. */
  runbookExists(workspaceId: string, id: string): Promise<boolean>;
  /** The CMDB's items, for inventories generated from it. */
  inventoryItems(workspaceId: string): Promise<InventoryItem[]>;
  memberNames(workspaceId: string): Promise<Map<string, string>>;
  /** Documents (the ledger's run facts). */
  docs(): { transact<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T> };
  /** After a run's state changes: activity, audit, outbox (composition root). */
  onFinished?(run: RunRecord): Promise<void>;
  /** A run was queued: wake the runners. */
  onQueued?(run: RunRecord): void;
  logger: Logger;
  now?: () => number;
}

/** `invalid_input` for a job, with the issues as `details` (the shape the editor reads). */
function invalidJob(issues: InputIssue[]): DomainError {
  return new DomainError('invalid_input', summariseIssues(issues), { details: issues });
}

function notFound(what: string, id: string): DomainError {
  return new DomainError('not_found', `no ${what} ${id}`);
}

/** A runner token's stored form. */
export function runnerTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The next time of a cron schedule after `after`, in its time zone; null when it has none. */
export function nextScheduled(
  schedule: string,
  timeZone: string | undefined,
  after: Date
): string | null {
  const next = new Cron(schedule, {
    timezone: timeZone ?? 'UTC',
    paused: true
  }).nextRun(after);
  return next ? next.toISOString() : null;
}

/** Why a schedule is no good, or null. */
function scheduleProblem(schedule: string, timeZone: string | undefined): string | null {
  try {
    new Cron(schedule, { timezone: timeZone ?? 'UTC', paused: true });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The environments a job's run aims at: its CMDB inventory's, and an `environment` parameter. */
function targetEnvironments(
  definition: JobDefinition,
  values: Readonly<Record<string, ParameterValue>>
): string[] {
  const out: string[] = [];
  const inventory = definition.inventory;
  if (inventory && typeof inventory === 'object' && inventory.cmdb.environment) {
    out.push(inventory.cmdb.environment);
  }
  const env = values['environment'];
  if (typeof env === 'string' && env !== '') out.push(env);
  return out;
}

/** Whether the job's change requirement applies to a run aimed at `environments`. */
function gated(definition: JobDefinition, environments: readonly string[]): boolean {
  if (!definition.requiresChange) return false;
  const only = definition.changeEnvironments ?? [];
  if (only.length === 0 || environments.length === 0) return true;
  const set = new Set(only.map((e) => e.toLowerCase()));
  return environments.some((e) => set.has(e.toLowerCase()));
}

export class AutomationService {
  private readonly now: () => number;

  constructor(private readonly deps: AutomationDeps) {
    this.now = deps.now ?? Date.now;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  // ------------------------------------------------------------------------------------------
  // Jobs

  private async checkDefinition(workspaceId: string, definition: JobDefinition): Promise<void> {
    const issues: { path: string; message: string }[] = [];
    const credentials = definition.credentials ?? [];
    if (credentials.length > 0) {
      const found = await this.deps.store.credentialsByIds(workspaceId, credentials);
      const known = new Set(found.map((c) => c.id));
      for (const id of credentials) {
        if (!known.has(id)) issues.push({ path: 'credentials', message: `no credential ${id}` });
      }
    }
    if (definition.runnerId && !(await this.deps.store.runner(workspaceId, definition.runnerId))) {
      issues.push({ path: 'runnerId', message: `no runner ${definition.runnerId}` });
    }
    if (definition.schedule) {
      const problem = scheduleProblem(definition.schedule, definition.scheduleTimeZone);
      if (problem) issues.push({ path: 'schedule', message: problem });
      else if (
        definition.scheduleParameters !== undefined ||
        (definition.parameters ?? []).length
      ) {
        const resolved = resolveParameters(
          definition.parameters ?? [],
          definition.scheduleParameters ?? {}
        );
        if (!resolved.ok) {
          for (const issue of resolved.issues) {
            issues.push({
              path: `scheduleParameters.${issue.name}`,
              message: `${issue.name} ${issue.message}`
            });
          }
        }
      }
    }
    if (
      definition.git &&
      (definition.git.path.includes('..') || definition.git.path.startsWith('/'))
    ) {
      issues.push({ path: 'git.path', message: 'a path inside the repository, without ..' });
    }
    if (issues.length > 0) throw invalidJob(issues);
  }

  private jobView(job: JobRecord): JobView {
    const d = job.definition;
    return {
      id: job.id,
      name: job.name,
      description: d.description ?? null,
      kind: job.kind,
      script: d.script ?? null,
      playbook: d.playbook ?? null,
      git: d.git ?? null,
      inventory: d.inventory ?? null,
      parameters: d.parameters ?? [],
      credentials: d.credentials ?? [],
      requiresChange: d.requiresChange ?? false,
      changeEnvironments: d.changeEnvironments ?? [],
      timeoutSeconds: d.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      maxConcurrent: d.maxConcurrent ?? 1,
      schedule: d.schedule ?? null,
      scheduleTimeZone: d.scheduleTimeZone ?? null,
      scheduleParameters: d.scheduleParameters ?? {},
      remediation: d.remediation ?? null,
      runnerId: d.runnerId ?? null,
      nextRunAt: job.nextRunAt,
      createdBy: job.createdBy,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt
    };
  }

  private nextRunAt(definition: JobDefinition): string | null {
    return definition.schedule
      ? nextScheduled(definition.schedule, definition.scheduleTimeZone, new Date(this.now()))
      : null;
  }

  /** The jobs, each with its latest run. */
  async listJobs(workspaceId: string): Promise<JobView[]> {
    const jobs = await this.deps.store.listJobs(workspaceId);
    const last = await this.deps.store.lastRuns(
      workspaceId,
      jobs.map((job) => job.id)
    );
    return jobs.map((job) => {
      const run = last.get(job.id);
      return {
        ...this.jobView(job),
        lastRun: run ? { id: run.id, state: run.state, createdAt: run.createdAt } : null
      };
    });
  }

  async getJob(workspaceId: string, id: string): Promise<JobView> {
    return this.jobView(await this.findJob(workspaceId, id));
  }

  private async findJob(workspaceId: string, id: string): Promise<JobRecord> {
    const job = await this.deps.store.job(workspaceId, id);
    if (!job) throw notFound('job', id);
    return job;
  }

  async createJob(workspaceId: string, body: JobCreate, actorId: string): Promise<JobView> {
    const { name, kind, ...definition } = body;
    await this.checkDefinition(workspaceId, definition);
    const now = this.iso();
    const job: JobRecord = {
      id: generateId(),
      workspaceId,
      name,
      kind,
      definition,
      nextRunAt: this.nextRunAt(definition),
      createdBy: actorId,
      createdAt: now,
      updatedAt: now
    };
    await this.insertUnique(() => this.deps.store.insertJob(job), name);
    return this.jobView(job);
  }

  async updateJob(workspaceId: string, id: string, patch: JobPatch): Promise<JobView> {
    const job = await this.findJob(workspaceId, id);
    const definition: Record<string, unknown> = { ...job.definition };
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'name' || key === 'kind' || value === undefined) continue;
      if (value === null) delete definition[key];
      else definition[key] = value;
    }
    const next: JobRecord = {
      ...job,
      name: patch.name ?? job.name,
      kind: patch.kind ?? job.kind,
      definition: definition as JobDefinition,
      updatedAt: this.iso()
    };
    // The patched job must still be a job a create would take (script or playbook, parameters).
    const whole = jobCreateSchema.safeParse({ name: next.name, kind: next.kind, ...definition });
    if (!whole.success) throw invalidJob(inputIssues(whole.error));
    await this.checkDefinition(workspaceId, next.definition);
    if (
      patch.schedule !== undefined ||
      patch.scheduleTimeZone !== undefined ||
      job.definition.schedule !== next.definition.schedule
    ) {
      next.nextRunAt = this.nextRunAt(next.definition);
    }
    await this.insertUnique(() => this.deps.store.updateJob(next), next.name);
    return this.jobView(next);
  }

  async deleteJob(workspaceId: string, id: string): Promise<JobView> {
    const job = await this.findJob(workspaceId, id);
    await this.deps.store.deleteJob(workspaceId, id);
    return this.jobView(job);
  }

  private async insertUnique(write: () => Promise<void>, name: string): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new DomainError('conflict', `the name ${name} is taken in this workspace`, {
        details: [{ path: 'name', message: 'taken' }]
      });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Credentials

  private credentialView(record: CredentialRecord): CredentialView {
    return {
      id: record.id,
      name: record.name,
      kind: record.kind,
      username: record.username,
      createdBy: record.createdBy,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt
    };
  }

  async listCredentials(workspaceId: string): Promise<CredentialView[]> {
    return (await this.deps.store.listCredentials(workspaceId)).map((c) => this.credentialView(c));
  }

  async createCredential(
    workspaceId: string,
    body: CredentialCreate,
    actorId: string
  ): Promise<CredentialView> {
    const now = this.iso();
    const record: CredentialRecord = {
      id: generateId(),
      workspaceId,
      name: body.name,
      kind: body.kind,
      username: body.username?.trim() || null,
      sealed: this.deps.box.seal(body.secret),
      createdBy: actorId,
      createdAt: now,
      updatedAt: now
    };
    await this.insertUnique(() => this.deps.store.insertCredential(record), body.name);
    return this.credentialView(record);
  }

  async updateCredential(
    workspaceId: string,
    id: string,
    patch: CredentialPatch
  ): Promise<CredentialView> {
    const record = await this.deps.store.credential(workspaceId, id);
    if (!record) throw notFound('credential', id);
    const next: CredentialRecord = {
      ...record,
      name: patch.name ?? record.name,
      username: patch.username === undefined ? record.username : patch.username?.trim() || null,
      sealed: patch.secret === undefined ? record.sealed : this.deps.box.seal(patch.secret),
      updatedAt: this.iso()
    };
    await this.insertUnique(() => this.deps.store.updateCredential(next), next.name);
    return this.credentialView(next);
  }

  async deleteCredential(workspaceId: string, id: string): Promise<CredentialView> {
    const record = await this.deps.store.credential(workspaceId, id);
    if (!record) throw notFound('credential', id);
    const users = (await this.deps.store.listJobs(workspaceId)).filter((job) =>
      (job.definition.credentials ?? []).includes(id)
    );
    if (users.length > 0) {
      throw new DomainError(
        'conflict',
        `the credential is used by ${users.map((j) => j.name).join(', ')}`,
        { details: { jobs: users.map((j) => ({ id: j.id, name: j.name })) } }
      );
    }
    await this.deps.store.deleteCredential(workspaceId, id);
    return this.credentialView(record);
  }

  // ------------------------------------------------------------------------------------------
  // Runners

  async listRunners(
    workspaceId: string,
    onlineWithinMs: number
  ): Promise<(Omit<RunnerRecord, 'tokenHash' | 'workspaceId'> & { online: boolean })[]> {
    const now = this.now();
    return (await this.deps.store.listRunners(workspaceId)).map((r) => ({
      id: r.id,
      name: r.name,
      createdBy: r.createdBy,
      createdAt: r.createdAt,
      lastSeenAt: r.lastSeenAt,
      online: r.lastSeenAt !== null && now - Date.parse(r.lastSeenAt) < onlineWithinMs
    }));
  }

  /** A new runner and its token (shown once; only its hash is kept). */
  async createRunner(
    workspaceId: string,
    name: string,
    actorId: string
  ): Promise<{ id: string; name: string; token: string }> {
    const id = generateId();
    const token = `rbr_${id}_${randomBytes(24).toString('base64url')}`;
    await this.deps.store.insertRunner({
      id,
      workspaceId,
      name,
      tokenHash: runnerTokenHash(token),
      createdBy: actorId,
      createdAt: this.iso(),
      lastSeenAt: null
    });
    return { id, name, token };
  }

  async deleteRunner(workspaceId: string, id: string): Promise<{ id: string; name: string }> {
    const runner = await this.deps.store.runner(workspaceId, id);
    if (!runner) throw notFound('runner', id);
    const users = (await this.deps.store.listJobs(workspaceId)).filter(
      (job) => job.definition.runnerId === id
    );
    if (users.length > 0) {
      throw new DomainError('conflict', `the runner runs ${users.map((j) => j.name).join(', ')}`, {
        details: { jobs: users.map((j) => ({ id: j.id, name: j.name })) }
      });
    }
    await this.deps.store.deleteRunner(workspaceId, id);
    return { id, name: runner.name };
  }

  /** The runner a token belongs to, seen now; null for an unknown token. */
  async authenticateRunner(token: string): Promise<RunnerRecord | null> {
    const runner = await this.deps.store.runnerByTokenHash(runnerTokenHash(token));
    if (runner) await this.deps.store.touchRunner(runner.id, this.iso());
    return runner;
  }

  // ------------------------------------------------------------------------------------------
  // Runs

  /**
   * Queues a run of job `jobId`: checks the links, the parameters and the gate, seals secret
   * values, and records the run with the job as it is now. Refusals: 400 for bad parameters
   * (`details`: `[{ name, message }]`), 409 with the gating codes.
   */
  async startRun(
    workspaceId: string,
    jobId: string,
    body: RunCreate,
    actor: RunActor,
    trigger: RunTrigger
  ): Promise<RunView> {
    const job = await this.findJob(workspaceId, jobId);
    const d = job.definition;
    const definitions = d.parameters ?? [];
    const resolved = resolveParameters(definitions, body.parameters ?? {});
    if (!resolved.ok) {
      throw new DomainError(
        'invalid_input',
        resolved.issues.map((i) => `${i.name} ${i.message}`).join('; '),
        { details: resolved.issues }
      );
    }
    const linked = async (ref: string | undefined, what: string): Promise<string | null> => {
      if (ref === undefined) return null;
      const task = await this.deps.task(workspaceId, ref);
      if (!task) throw notFound(what, ref);
      return task.id;
    };
    const taskId = await linked(body.taskId, 'task');
    const incidentId = await linked(body.incidentId, 'incident');
    if (body.runbookId && !(await this.deps.runbookExists(workspaceId, body.runbookId))) {
      throw notFound('runbook', body.runbookId);
    }
    // The change: named, or the change task the run was started from.
    let changeRef = body.changeId;
    if (changeRef === undefined && taskId !== null) {
      const task = await this.deps.task(workspaceId, taskId);
      if (task?.kind === 'change') changeRef = task.id;
    }
    const environments = targetEnvironments(d, resolved.values);
    let gate: string | null = null;
    let changeId: string | null = null;
    if (gated(d, environments)) {
      if (changeRef === undefined) {
        throw new DomainError(
          'change_required',
          `job ${job.name} runs only under an approved change${
            environments.length ? ` in ${environments.join(', ')}` : ''
          }`
        );
      }
      const change = await this.deps.gate(workspaceId, changeRef, environments);
      changeId = change.id;
      gate = change.key ?? change.id;
    } else if (changeRef !== undefined) {
      changeId = await linked(changeRef, 'change');
    }
    const secretNames = definitions.filter((p) => p.type === 'secret').map((p) => p.name);
    const stored: Record<string, string | number | boolean> = {};
    for (const [name, value] of Object.entries(resolved.values)) {
      stored[name] = secretNames.includes(name) ? this.deps.box.seal(String(value)) : value;
    }
    const run: RunRecord = {
      id: generateId(),
      workspaceId,
      jobId: job.id,
      jobName: job.name,
      kind: job.kind,
      state: 'queued',
      trigger,
      purpose: body.purpose ?? null,
      check: body.check === true && job.kind === 'ansible',
      parameters: stored,
      spec: {
        source: d.git
          ? { git: d.git }
          : { inline: (job.kind === 'shell' ? d.script : d.playbook) ?? '' },
        inventory: d.inventory ?? null,
        credentials: d.credentials ?? [],
        secretParameters: secretNames,
        timeoutSeconds: d.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS
      },
      maxConcurrent: d.maxConcurrent ?? 1,
      requestedBy: actor.userId,
      taskId,
      changeId,
      incidentId,
      runbookId: body.runbookId ?? null,
      runbookBlock: body.runbookBlock ?? null,
      gate,
      runnerId: d.runnerId ?? null,
      claimedBy: null,
      exitCode: null,
      reason: null,
      summary: null,
      logBytes: 0,
      logTruncated: false,
      createdAt: this.iso(),
      startedAt: null,
      finishedAt: null,
      heartbeatAt: null,
      cancelRequested: false
    };
    await this.deps.store.insertRun(run);
    await this.mirror([run]);
    this.deps.onQueued?.(run);
    return this.runView(run, await this.deps.memberNames(workspaceId));
  }

  runView(run: RunRecord, names: ReadonlyMap<string, string>): RunView {
    const masked = maskedParameters(run.spec.secretParameters, run.parameters);
    return {
      id: run.id,
      jobId: run.jobId,
      jobName: run.jobName,
      kind: run.kind,
      state: run.state,
      trigger: run.trigger,
      purpose: run.purpose,
      check: run.check,
      parameters: masked,
      exitCode: run.exitCode,
      requestedBy: run.requestedBy,
      requestedByName: names.get(run.requestedBy) ?? null,
      taskId: run.taskId,
      changeId: run.changeId,
      incidentId: run.incidentId,
      runbookId: run.runbookId,
      runbookBlock: run.runbookBlock,
      gate: run.gate,
      runnerId: run.runnerId,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      reason: run.reason,
      summary: run.summary,
      logBytes: run.logBytes,
      logTruncated: run.logTruncated
    };
  }

  async findRun(workspaceId: string, id: string): Promise<RunRecord> {
    const run = await this.deps.store.run(workspaceId, id);
    if (!run) throw notFound('run', id);
    return run;
  }

  async getRun(workspaceId: string, id: string): Promise<RunView> {
    const run = await this.findRun(workspaceId, id);
    return this.runView(run, await this.deps.memberNames(workspaceId));
  }

  /** A page of runs, newest first, and how many match. */
  async listRuns(
    workspaceId: string,
    filter: RunFilter
  ): Promise<{ items: RunView[]; total: number }> {
    const [runs, total, names] = await Promise.all([
      this.deps.store.listRuns(workspaceId, filter),
      this.deps.store.countRuns(workspaceId, filter),
      this.deps.memberNames(workspaceId)
    ]);
    return { items: runs.map((run) => this.runView(run, names)), total };
  }

  /**
   * Cancels a run: a queued one at once; a running one is asked to stop (its runner kills the
   * process group and records `cancelled`). Returns the run as it is after the request.
   */
  async cancelRun(
    workspaceId: string,
    id: string,
    stopLocal: (id: string) => boolean
  ): Promise<RunView> {
    const run = await this.findRun(workspaceId, id);
    if (isFinalRunState(run.state)) {
      throw new DomainError('invalid_transition', `the run is already ${run.state}`);
    }
    if (run.state === 'queued') {
      await this.finish(run, {
        state: 'cancelled',
        exitCode: null,
        reason: 'cancelled before it started',
        summary: null,
        finishedAt: this.iso()
      });
    } else {
      await this.deps.store.requestCancel(run.id);
      stopLocal(run.id);
    }
    return this.getRun(workspaceId, id);
  }

  /**
   * What the executor needs for `run`: the source, the parameters with secrets opened, the
   * credentials' plain values, the inventory (generated from the CMDB now, if so defined).
   */
  async execSpec(run: RunRecord): Promise<ExecSpec> {
    const parameters: Record<string, ParameterValue> = {};
    for (const [name, value] of Object.entries(run.parameters)) {
      parameters[name] = run.spec.secretParameters.includes(name)
        ? this.deps.box.open(String(value))
        : value;
    }
    const credentials = await this.deps.store.credentialsByIds(
      run.workspaceId,
      run.spec.credentials
    );
    const missing = run.spec.credentials.filter((id) => !credentials.some((c) => c.id === id));
    if (missing.length > 0) throw new Error(`credential ${missing.join(', ')} was deleted`);
    const inventory = run.spec.inventory;
    let execInventory: ExecSpec['inventory'] = null;
    if (typeof inventory === 'string') execInventory = { text: inventory };
    else if (inventory) {
      const q = inventory.cmdb;
      const items = (await this.deps.inventoryItems(run.workspaceId)).filter(
        (item) =>
          (!q.type || item.type === q.type) &&
          (!q.tag || item.tags.includes(q.tag)) &&
          (!q.environment || item.environment === q.environment)
      );
      execInventory = { json: inventoryJson(items) as unknown as Record<string, unknown> };
    }
    return {
      runId: run.id,
      kind: run.kind,
      source: run.spec.source,
      parameters,
      secretParameters: run.spec.secretParameters,
      credentials: credentials.map((c) => ({
        name: c.name,
        kind: c.kind,
        username: c.username,
        secret: this.deps.box.open(c.sealed)
      })),
      inventory: execInventory,
      check: run.check,
      timeoutMs: run.spec.timeoutSeconds * 1000
    };
  }

  /**
   * Ends `run` with `outcome` unless it already ended; then the ledger and the follow-ups
   * (activity, audit, outbox). Returns whether this call ended it.
   */
  async finish(run: RunRecord, outcome: RunOutcome): Promise<boolean> {
    const ended = await this.deps.store.finishRun(run.id, outcome);
    if (!ended) return false;
    const finished: RunRecord = { ...run, ...outcome };
    await this.mirror([finished]);
    try {
      await this.deps.onFinished?.(finished);
    } catch (error) {
      this.deps.logger.error('automation: recording a finished run failed', {
        run: run.id,
        error: String(error)
      });
    }
    return true;
  }

  /**
   * The end of a run that a runner executed, local or remote (the one path both take): its
   * output stored as the log, then the run ended with `result` (row, ledger, activity, audit,
   * outbox). Returns whether this call ended it (false: a cancel or the orphan sweep was first).
   */
  async complete(
    run: RunRecord,
    result: Omit<RunOutcome, 'finishedAt'>,
    text: string,
    truncated: boolean
  ): Promise<boolean> {
    await this.storeLog(run, text, truncated);
    return this.finish(run, { ...result, finishedAt: this.iso() });
  }

  // ------------------------------------------------------------------------------------------
  // The remote runner protocol (automation-api.ts)

  /** A remote runner's name in `claimed_by`. */
  static runnerClaimer(runnerId: string): string {
    return `runner:${runnerId}`;
  }

  /**
   * The oldest queued run of a job that names `runner`, claimed for it within the limits,
   * with what it needs to execute; null when none may start now. A run that cannot be
   * prepared (a credential deleted since) ends `failed` here and the next one is tried.
   */
  async claimForRunner(
    runner: RunnerRecord,
    perWorkspace: number
  ): Promise<{ run: RunRecord; spec: ExecSpec } | null> {
    for (;;) {
      const run = await this.deps.store.claimNext(
        runner.id,
        AutomationService.runnerClaimer(runner.id),
        { perWorkspace },
        this.iso()
      );
      if (!run) return null;
      await this.started(run);
      try {
        return { run, spec: await this.execSpec(run) };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        await this.complete(
          run,
          { state: 'failed', exitCode: null, reason, summary: null },
          `[runboard: ${reason}]\n`,
          false
        );
      }
    }
  }

  /**
   * Run `id` as `runner` may report on it: a run of its workspace (404 otherwise, nothing
   * leaks across workspaces), claimed by it (409 otherwise: another runner's, or not claimed
   * yet) and still running (409 otherwise: it ended, e.g. cancelled or marked interrupted).
   */
  async runnerRun(runner: RunnerRecord, id: string): Promise<RunRecord> {
    const run = await this.deps.store.runById(id);
    if (!run || run.workspaceId !== runner.workspaceId) throw notFound('run', id);
    if (run.claimedBy !== AutomationService.runnerClaimer(runner.id)) {
      throw new DomainError('conflict', 'this runner did not claim the run');
    }
    if (run.state !== 'running') {
      throw new DomainError('conflict', `the run is already ${run.state}`, {
        details: { state: run.state }
      });
    }
    return run;
  }

  /** `runner` still runs `ids`; returns those of them to stop (cancelled, or already ended). */
  async runnerHeartbeat(runner: RunnerRecord, ids: readonly string[]): Promise<string[]> {
    return this.deps.store.heartbeat(
      [...new Set(ids)],
      AutomationService.runnerClaimer(runner.id),
      this.iso()
    );
  }

  /** A run claimed by a runner: the ledger shows it running. */
  async started(run: RunRecord): Promise<void> {
    await this.mirror([run]);
  }

  /** Stores a finished run's output, compressed. */
  async storeLog(run: RunRecord, text: string, truncated: boolean): Promise<void> {
    const bytes = Buffer.byteLength(text);
    await this.deps.store.storeLog(run, gzipSync(text), bytes, truncated);
  }

  /**
   * A finished run's whole output; a running one's output so far. The live chunks are read
   * first: `storeLog` moves them into the log in one transaction, so a run that ends between the
   * two reads is found by the second (read the other way round, both could come back empty).
   */
  async logText(run: RunRecord): Promise<string> {
    const chunks = await this.deps.store.outputSince(run.id, -1);
    if (chunks.length > 0) return chunks.map((c) => c.data).join('');
    const stored = await this.deps.store.log(run.id);
    return stored ? gunzipSync(stored).toString('utf8') : '';
  }

  /**
   * Runs the server's process left running when it stopped (or whose runner stopped calling
   * in) are `interrupted`; the queue itself goes on.
   */
  async interruptOrphans(restartedClaimer: string | null, staleMs: number): Promise<RunRecord[]> {
    const stale = new Date(this.now() - staleMs).toISOString();
    const orphans = await this.deps.store.orphanedRuns(restartedClaimer, stale);
    const out: RunRecord[] = [];
    for (const run of orphans) {
      const reason = run.runnerId
        ? 'the runner stopped reporting while the run was going'
        : 'the server stopped while the run was going';
      const finishedAt = this.iso();
      if (
        await this.finish(run, {
          state: 'interrupted',
          exitCode: null,
          reason,
          summary: null,
          finishedAt
        })
      ) {
        // What it printed before is kept as its log.
        await this.storeLog(run, await this.logText(run), false);
        out.push({ ...run, state: 'interrupted', reason, finishedAt });
      }
    }
    return out;
  }

  /** Starts the runs of scheduled jobs whose time has come (each time once). */
  async startScheduled(): Promise<RunRecord[]> {
    const now = this.iso();
    const started: RunRecord[] = [];
    for (const job of await this.deps.store.dueJobs(now)) {
      const from = job.nextRunAt!;
      const next = job.definition.schedule
        ? nextScheduled(
            job.definition.schedule,
            job.definition.scheduleTimeZone,
            new Date(this.now())
          )
        : null;
      if (!(await this.deps.store.advanceSchedule(job.id, from, next))) continue;
      try {
        const view = await this.startRun(
          job.workspaceId,
          job.id,
          { parameters: job.definition.scheduleParameters ?? {} },
          { userId: SYSTEM_ACTOR },
          'schedule'
        );
        const run = await this.deps.store.runById(view.id);
        if (run) started.push(run);
      } catch (error) {
        this.deps.logger.warn('automation: a scheduled run was refused', {
          job: job.id,
          workspace: job.workspaceId,
          error: error instanceof DomainError ? `${error.code}: ${error.message}` : String(error)
        });
      }
    }
    return started;
  }

  /** Writes runs' facts into their workspaces' ledgers (a mirror: a failure only logs). */
  async mirror(runs: readonly RunRecord[]): Promise<void> {
    const byWorkspace = new Map<string, RunFact[]>();
    for (const run of runs) {
      const facts = byWorkspace.get(run.workspaceId) ?? [];
      facts.push(runFactOf(run));
      byWorkspace.set(run.workspaceId, facts);
    }
    for (const [workspaceId, facts] of byWorkspace) {
      try {
        await this.deps
          .docs()
          .transact(ledgerDocName(workspaceId), (doc) => writeRunFacts(doc, facts, this.now()));
      } catch (error) {
        this.deps.logger.warn('automation: ledger not written', {
          workspace: workspaceId,
          error: String(error)
        });
      }
    }
  }
}
