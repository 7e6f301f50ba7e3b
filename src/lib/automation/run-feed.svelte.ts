/**
 * The runs linked to one thing (a task, a change, an incident, a runbook), kept current for
 * every member looking at it: the REST list once, then the ledger's run facts
 * (`<ws>.ledger`, map `runs`, written by the server only) as they change. While the ledger has
 * not delivered any run fact yet (an older server, or a workspace that never ran anything), the
 * list is asked again every `POLL_MS` instead.
 *
 * One ledger connection per workspace, shared by every feed of the page and closed when the
 * last feed is destroyed.
 */
import type * as Y from 'yjs';
import { connectDoc, type DocConnection } from '$lib/sync/connect-doc';
import { ledgerDocName } from '$lib/shared/doc-name';
import { isFinalRunState, type RunView } from '$lib/shared/automation/schema';
import { LEDGER_RUNS, readRunFacts, type RunFact } from '$lib/shared/automation/ledger';
import { listRuns, type RunFilter } from './run-client';

/** How often the list is asked again while the ledger has no run facts. */
export const POLL_MS = 2_000;

/** What a list of runs shows: the ledger's fact of a run (REST runs are read into the same). */
export type RunItem = RunFact;

/** Whether `run` is linked to what `filter` names (every named field matches). */
export function matchesFilter(run: RunItem, filter: RunFilter): boolean {
  return (
    (filter.jobId === undefined || run.jobId === filter.jobId) &&
    (filter.taskId === undefined || run.taskId === filter.taskId) &&
    (filter.changeId === undefined || run.changeId === filter.changeId) &&
    (filter.incidentId === undefined || run.incidentId === filter.incidentId) &&
    (filter.runbookId === undefined || run.runbookId === filter.runbookId)
  );
}

const STAGE = { queued: 0, running: 1 } as const;

function stage(run: RunItem): number {
  return isFinalRunState(run.state) ? 2 : STAGE[run.state as keyof typeof STAGE];
}

/**
 * The two views of one run merged: the one further along wins (the ledger and the REST list
 * may each lag the other by a moment).
 */
export function mergeRun(a: RunItem | undefined, b: RunItem): RunItem {
  if (a === undefined) return b;
  const newer = stage(b) >= stage(a) ? b : a;
  return { ...newer, purpose: newer.purpose ?? a.purpose ?? b.purpose };
}

/** Newest first (by creation, then id). */
export function sortRuns(runs: RunItem[]): RunItem[] {
  return runs.sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1
  );
}

class LedgerHold {
  readonly connection: DocConnection;
  users = 0;
  constructor(readonly workspaceId: string) {
    this.connection = connectDoc(ledgerDocName(workspaceId));
  }
}

// A registry, never rendered from.
const ledgers = new Map<string, LedgerHold>();

function holdLedger(workspaceId: string): { doc: Y.Doc; loaded: Promise<void>; release: () => void } {
  let hold = ledgers.get(workspaceId);
  if (!hold) {
    hold = new LedgerHold(workspaceId);
    ledgers.set(workspaceId, hold);
  }
  const current = hold;
  current.users++;
  let released = false;
  return {
    doc: current.connection.doc,
    loaded: current.connection.whenLocalLoaded,
    release: () => {
      if (released) return;
      released = true;
      if (--current.users === 0) {
        ledgers.delete(workspaceId);
        current.connection.destroy();
      }
    }
  };
}

function fromView(run: RunView): RunItem {
  return {
    id: run.id,
    jobId: run.jobId,
    jobName: run.jobName,
    state: run.state,
    trigger: run.trigger,
    purpose: run.purpose,
    check: run.check,
    taskId: run.taskId,
    changeId: run.changeId,
    incidentId: run.incidentId,
    runbookId: run.runbookId,
    runbookBlock: run.runbookBlock,
    requestedBy: run.requestedBy,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    exitCode: run.exitCode
  };
}

/** The live list of runs linked to `filter`; call `destroy()` when done. */
export class RunFeed {
  /** Newest first. */
  runs = $state.raw<RunItem[]>([]);
  /** True once the first answer (REST or ledger) is in. */
  loaded = $state(false);
  /** The last REST failure, or null. */
  error = $state.raw<unknown>(null);

  readonly #workspaceId: string;
  readonly #filter: RunFilter;
  #fromRest = new Map<string, RunItem>();
  #fromLedger = new Map<string, RunItem>();
  #ledgerSeen = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #destroyed = false;
  #release: () => void;
  #unobserve: () => void;

  constructor(workspaceId: string, filter: RunFilter) {
    this.#workspaceId = workspaceId;
    this.#filter = filter;
    const ledger = holdLedger(workspaceId);
    this.#release = ledger.release;
    const map = ledger.doc.getMap<unknown>(LEDGER_RUNS);
    const read = () => {
      if (this.#destroyed) return;
      const all = readRunFacts(ledger.doc);
      if (all.length > 0) this.#ledgerSeen = true;
      this.#fromLedger = new Map(
        all.filter((run) => matchesFilter(run, filter)).map((run) => [run.id, run])
      );
      this.#publish();
    };
    map.observe(read);
    this.#unobserve = () => map.unobserve(read);
    void ledger.loaded.then(read);
    void this.refresh();
  }

  /** Asks the server for the list now (e.g. right after starting a run). */
  async refresh(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    try {
      const runs = await listRuns(this.#workspaceId, this.#filter);
      if (this.#destroyed) return;
      this.#fromRest = new Map(runs.map((run) => [run.id, fromView(run)]));
      this.error = null;
      this.#publish();
    } catch (failure) {
      if (this.#destroyed) return;
      this.error = failure;
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#destroyed || this.#ledgerSeen || this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.refresh();
    }, POLL_MS);
  }

  #publish(): void {
    const merged = new Map<string, RunItem>();
    for (const run of this.#fromRest.values()) merged.set(run.id, run);
    for (const run of this.#fromLedger.values()) merged.set(run.id, mergeRun(merged.get(run.id), run));
    this.runs = sortRuns([...merged.values()]);
    this.loaded = true;
  }

  /** Stops listening and polling; releases the ledger. */
  destroy(): void {
    this.#destroyed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#unobserve();
    this.#release();
  }
}
