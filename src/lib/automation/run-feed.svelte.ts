/**
 * The runs linked to one thing (a task, a change, an incident, a runbook), kept current for
 * every member looking at it: the REST list once, then the ledger's run facts
 * (`<ws>.ledger`, map `runs`, written by the server only) as they change. While the ledger has
 * not delivered any run fact yet (a workspace that never ran anything, or a ledger not synced
 * yet), the list is asked again every `POLL_MS` instead.
 *
 * One ledger connection per workspace, shared by every feed of the page and closed when the
 * last feed is destroyed (run-list.ts).
 */
import { LEDGER_RUNS, readRunFacts, runFactOf } from '$lib/shared/automation/ledger';
import { listRuns, type RunFilter } from './run-client';
import { holdLedger, matchesFilter, mergeRuns, type RunItem } from './run-list';

/** How often the list is asked again while the ledger has no run facts. */
export const POLL_MS = 2_000;

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
  #fromRest: RunItem[] = [];
  #fromLedger: RunItem[] = [];
  #ledgerSeen = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #destroyed = false;
  readonly #release: () => void;
  readonly #unobserve: () => void;

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
      this.#fromLedger = all.filter((run) => matchesFilter(run, filter));
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
      this.#fromRest = runs.map(runFactOf);
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
    this.runs = mergeRuns(this.#fromRest, this.#fromLedger);
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
