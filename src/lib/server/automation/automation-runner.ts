/**
 * The server's own runner: takes queued runs from the durable queue (automation_runs) within
 * the limits — overall on this node, per workspace, per job — executes them (exec/execute.ts),
 * streams their output (run-output.ts), and records how each ended. It also says it is alive
 * for the runs it holds (so a sweep can tell the ones nobody runs any more), stops runs someone
 * cancelled on any node, starts scheduled jobs, and at start marks runs the previous process
 * left running as `interrupted` while queued ones go on.
 *
 * Remote runners (`npm run start:runner`) run the same executor and report over HTTPS
 * (automation-api.ts); this class runs only runs with no runner named.
 */
import { AUTOMATION_HEARTBEAT_MS_DEFAULT, AUTOMATION_STALE_MS_DEFAULT } from '../config';
import type { Logger } from '../log';
import type { AutomationStore, RunOutcome, RunRecord } from './automation-store';
import type { ExecPlaces, ExecResult, ExecSink, ExecSpec } from './exec/types';
import type { RunOutputs } from './run-output';

/** Every limit of automation, with units in the names (docs/automation.md "Limits"). */
export const automationDefaults = {
  /** Runs going at once on one node. */
  maxRunsPerNode: 4,
  /** Runs going at once in one workspace (on top of each job's own `maxConcurrent`). */
  maxRunsPerWorkspace: 3,
  /** How often the queue is looked at when nothing wakes the runner. */
  pollMs: 1_000,
  /** How often a runner says it still runs its runs. */
  heartbeatMs: AUTOMATION_HEARTBEAT_MS_DEFAULT,
  /** A running run whose runner said nothing for this long is `interrupted`. */
  staleMs: AUTOMATION_STALE_MS_DEFAULT,
  /** How often scheduled jobs are looked at. */
  scheduleTickMs: 15_000,
  /** Between SIGTERM to a run's process group and SIGKILL. */
  killGraceMs: 5_000,
  /** Output kept per run; the rest is dropped with a notice. */
  maxLogBytes: 4 * 1024 * 1024,
  /** Output is written to the records at least this often while a run goes. */
  outputFlushMs: 200
};
export type AutomationLimits = typeof automationDefaults;

export type Execute = (
  spec: ExecSpec,
  places: ExecPlaces,
  sink: ExecSink,
  signal: AbortSignal
) => Promise<ExecResult>;

/**
 * What the runner asks of the automation service (automation-service.ts), by shape: the runner
 * is a helper below the service, so it names the methods, not the class.
 */
export interface RunnerService {
  interruptOrphans(restartedClaimer: string | null, staleMs: number): Promise<RunRecord[]>;
  startScheduled(): Promise<RunRecord[]>;
  started(run: RunRecord): Promise<void>;
  execSpec(run: RunRecord): Promise<ExecSpec>;
  complete(
    run: RunRecord,
    result: Omit<RunOutcome, 'finishedAt'>,
    text: string,
    truncated: boolean
  ): Promise<boolean>;
}

export interface RunnerOptions {
  service: RunnerService;
  store: AutomationStore;
  outputs: RunOutputs;
  execute: Execute;
  places: ExecPlaces;
  limits: AutomationLimits;
  logger: Logger;
  now?: () => number;
  /**
   * This node's name in `claimed_by`, the same across its restarts (composition-root.ts: the
   * database, host name and port) and different from every other node's, so a node starting
   * again interrupts the runs its last process left, never those another node is running.
   */
  claimer: string;
  /** Kills what runs a dead process left under the work root (exec/orphans.ts). */
  reapOrphans: (workRoot: string) => Promise<{ killed: number; removed: number }>;
  /** Called when a run's process is spawned (the start-latency benchmark). */
  onSpawned?: (runId: string, pid: number) => void;
}

interface Going {
  controller: AbortController;
  /** Why it is being stopped: someone cancelled it, or this node is shutting down. */
  stop: 'cancel' | 'shutdown' | null;
  done: Promise<void>;
}

export class AutomationRunner {
  /** This node's name in `claimed_by` (`RunnerOptions.claimer`). */
  readonly claimer: string;
  private readonly going = new Map<string, Going>();
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private pumping: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** Work is taken only after the last stop's leftovers are dealt with (`start`). */
  private started = false;
  private readonly now: () => number;

  constructor(private readonly options: RunnerOptions) {
    this.now = options.now ?? Date.now;
    this.claimer = options.claimer;
  }

  /**
   * Marks the runs this node's previous process left running as interrupted (their processes,
   * which outlive a killed server in their own groups, are killed and their directories
   * removed), then takes work. Runs other nodes claimed are theirs while they call in; if one
   * died, the sweep interrupts its runs once they are `staleMs` silent.
   */
  async start(): Promise<void> {
    const reaped = await this.options.reapOrphans(this.options.places.workRoot);
    if (reaped.killed > 0 || reaped.removed > 0) {
      this.options.logger.warn('automation: processes of the last stop killed', { ...reaped });
    }
    const interrupted = await this.options.service.interruptOrphans(
      this.claimer,
      this.options.limits.staleMs
    );
    if (interrupted.length > 0) {
      this.options.logger.warn('automation: runs interrupted by the last stop', {
        runs: interrupted.map((r) => r.id)
      });
    }
    this.started = true;
    const every = (ms: number, fn: () => Promise<unknown>, what: string) => {
      const timer = setInterval(() => {
        fn().catch((error: unknown) => {
          this.options.logger.error(`automation: ${what} failed`, { error: String(error) });
        });
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.limits.pollMs, async () => this.kick(), 'queue poll');
    every(this.options.limits.heartbeatMs, () => this.heartbeat(), 'heartbeat');
    every(this.options.limits.heartbeatMs, () => this.sweep(), 'orphan sweep');
    every(
      this.options.limits.scheduleTickMs,
      async () => {
        if ((await this.options.service.startScheduled()).length > 0) this.kick();
      },
      'schedule'
    );
    this.kick();
  }

  /** Looks at the queue now. */
  kick(): void {
    if (this.closed || !this.started) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((error: unknown) => {
        this.options.logger.error('automation: taking runs failed', { error: String(error) });
      })
      .finally(() => {
        this.pumping = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pump(): Promise<void> {
    const { limits, store } = this.options;
    while (!this.closed && this.going.size < limits.maxRunsPerNode) {
      const run = await store.claimNext(
        null,
        this.claimer,
        { perWorkspace: limits.maxRunsPerWorkspace },
        new Date(this.now()).toISOString()
      );
      if (!run) return;
      this.launch(run);
    }
  }

  private launch(run: RunRecord): void {
    const going: Going = { controller: new AbortController(), stop: null, done: Promise.resolve() };
    this.going.set(run.id, going);
    going.done = this.execute(run, going)
      .catch((error: unknown) => {
        this.options.logger.error('automation: a run failed to finish', {
          run: run.id,
          error: String(error)
        });
      })
      .finally(() => {
        this.going.delete(run.id);
        this.kick();
      });
  }

  private async execute(run: RunRecord, going: Going): Promise<void> {
    const { service, outputs, places } = this.options;
    await service.started(run);
    outputs.begin(run.id);
    let result: ExecResult;
    try {
      const spec = await service.execSpec(run);
      result = await this.options.execute(
        spec,
        places,
        {
          spawned: (pid) => this.options.onSpawned?.(run.id, pid),
          output: (chunk) => outputs.write(run.id, chunk)
        },
        going.controller.signal
      );
    } catch (error) {
      result = {
        state: 'failed',
        exitCode: null,
        summary: null,
        reason: error instanceof Error ? error.message : String(error)
      };
      outputs.write(run.id, `\n[runboard: ${result.reason}]\n`);
    }
    const { text, truncated } = await outputs.end(run.id);
    const shutdown = result.state === 'cancelled' && going.stop === 'shutdown';
    await service.complete(
      run,
      {
        state: shutdown ? 'interrupted' : result.state,
        exitCode: result.exitCode,
        reason: shutdown ? 'the server stopped while the run was going' : result.reason,
        summary: result.summary
      },
      text,
      truncated
    );
    outputs.close(run.id);
  }

  /**
   * Marks runs nobody reports on any more as interrupted (a remote runner that died), and lets
   * go of the output this node held for remote runs that ended without their runner telling
   * this node (interrupted here or elsewhere), so their followers here are closed.
   */
  private async sweep(): Promise<void> {
    const { service, store, outputs, limits } = this.options;
    await service.interruptOrphans(null, limits.staleMs);
    for (const id of outputs.held()) {
      if (this.going.has(id)) continue;
      const run = await store.runById(id);
      if (!run || run.state !== 'running') outputs.close(id);
    }
  }

  /** Stops `runId` if this node runs it; false otherwise. */
  stop(runId: string): boolean {
    const going = this.going.get(runId);
    if (!going) return false;
    going.stop ??= 'cancel';
    going.controller.abort();
    return true;
  }

  private async heartbeat(): Promise<void> {
    const ids = [...this.going.keys()];
    const stop = await this.options.store.heartbeat(
      ids,
      this.claimer,
      new Date(this.now()).toISOString()
    );
    for (const id of stop) this.stop(id);
  }

  /** The limits this node runs under (the remote runner protocol claims within them too). */
  get limits(): AutomationLimits {
    return this.options.limits;
  }

  /** Runs going on this node. */
  get active(): number {
    return this.going.size;
  }

  /** Stops taking work; runs still going are killed and recorded as interrupted. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.pumping;
    for (const going of this.going.values()) {
      going.stop ??= 'shutdown';
      going.controller.abort();
    }
    await Promise.all([...this.going.values()].map((g) => g.done));
  }
}
