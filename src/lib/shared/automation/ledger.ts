/**
 * The automation part of the ledger document (`<ws>.ledger`, docs/design.md §2): a read-only
 * mirror of the runs the server recorded, so a task, an incident or a runbook step shows what
 * ran, by whom and how it ended, also offline, and a second person watching sees a run appear
 * at once. Written only by the server (automation-service.ts); members' connections to the
 * ledger are read-only and the server never reads it back: the rows are the truth. One entry
 * per run under its id, a plain JSON value replaced whole; finished runs leave after 14 days,
 * or sooner when more than LEDGER_MAX_RUNS pile up.
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { runPurposeSchema, runStateSchema, runTriggerSchema } from './schema';

/** The map of run facts in the ledger document. */
export const LEDGER_RUNS = 'runs';
/** Finished runs older than this leave the ledger (the records keep them). */
export const LEDGER_KEEP_RUNS_MS = 14 * 24 * 60 * 60_000;
/**
 * Runs the ledger holds at most: a job scheduled every minute must not grow every member's copy
 * without bound. Past it (plus a slack, so the sweep is amortised) the oldest finished runs go.
 */
export const LEDGER_MAX_RUNS = 500;
const LEDGER_SWEEP_SLACK = 50;

export const runFactSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  jobName: z.string(),
  state: runStateSchema,
  trigger: runTriggerSchema,
  purpose: runPurposeSchema.nullable(),
  check: z.boolean(),
  taskId: z.string().nullable(),
  changeId: z.string().nullable(),
  incidentId: z.string().nullable(),
  runbookId: z.string().nullable(),
  runbookBlock: z.string().nullable(),
  requestedBy: z.string(),
  exitCode: z.number().int().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable()
});
export type RunFact = z.infer<typeof runFactSchema>;

const FACT_KEYS = Object.keys(runFactSchema.shape) as (keyof RunFact)[];

/** The ledger's fields of a run (a server record or a REST view: both carry them). */
export function runFactOf(run: RunFact): RunFact {
  return Object.fromEntries(FACT_KEYS.map((key) => [key, run[key]])) as RunFact;
}

/**
 * Writes (replaces) the facts of runs. When the map outgrows LEDGER_MAX_RUNS it is swept: entries
 * that do not parse, finished runs older than LEDGER_KEEP_RUNS_MS, then the oldest finished runs
 * until LEDGER_MAX_RUNS remain (running and queued ones always stay).
 */
export function writeRunFacts(doc: Y.Doc, facts: readonly RunFact[], nowMs: number): void {
  const runs = doc.getMap<unknown>(LEDGER_RUNS);
  doc.transact(() => {
    for (const fact of facts) runs.set(fact.id, structuredClone(fact));
    if (runs.size <= LEDGER_MAX_RUNS + LEDGER_SWEEP_SLACK) return;
    const finished: RunFact[] = [];
    for (const [id, value] of runs) {
      const parsed = runFactSchema.safeParse(value);
      if (!parsed.success) runs.delete(id);
      else if (parsed.data.finishedAt !== null) {
        if (nowMs - Date.parse(parsed.data.finishedAt) > LEDGER_KEEP_RUNS_MS) runs.delete(id);
        else finished.push(parsed.data);
      }
    }
    finished.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    for (const fact of finished) {
      if (runs.size <= LEDGER_MAX_RUNS) break;
      runs.delete(fact.id);
    }
  });
}

/** The run facts in a ledger document, newest first; entries that do not parse are skipped. */
export function readRunFacts(doc: Y.Doc): RunFact[] {
  const out: RunFact[] = [];
  for (const value of doc.getMap<unknown>(LEDGER_RUNS).values()) {
    const parsed = runFactSchema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}
