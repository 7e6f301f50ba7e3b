/**
 * The runs linked to one thing, as lists show them: the ledger's run facts and the REST list
 * read into one shape, filtered, merged (the view further along wins) and ordered newest
 * first; and the page's one connection to the ledger document per workspace.
 */
import type * as Y from 'yjs';
import { connectDoc, type DocConnection } from '$lib/sync/connect-doc';
import { ledgerDocName } from '$lib/shared/doc-name';
import { isFinalRunState } from '$lib/shared/automation/schema';
import type { RunFact } from '$lib/shared/automation/ledger';
import type { RunFilter } from './run-client';

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

function stage(run: RunItem): number {
  if (isFinalRunState(run.state)) return 2;
  return run.state === 'running' ? 1 : 0;
}

/**
 * The REST list and the ledger's facts merged by run id, newest first: for a run in both, the
 * view further along wins (either may lag the other by a moment).
 */
export function mergeRuns(fromRest: readonly RunItem[], fromLedger: readonly RunItem[]): RunItem[] {
  const merged: Record<string, RunItem> = {};
  for (const run of fromRest) merged[run.id] = run;
  for (const run of fromLedger) {
    const other = merged[run.id];
    merged[run.id] = other === undefined || stage(run) >= stage(other) ? run : other;
  }
  return Object.values(merged).sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1
  );
}

interface LedgerHold {
  connection: DocConnection;
  users: number;
}

/** Open ledger connections by workspace (a registry, never rendered from). */
const ledgers: Record<string, LedgerHold> = {};

/** Holds the ledger document of `workspaceId` (one connection per page); `release` lets go. */
export function holdLedger(workspaceId: string): {
  doc: Y.Doc;
  loaded: Promise<void>;
  release: () => void;
} {
  const hold = (ledgers[workspaceId] ??= {
    connection: connectDoc(ledgerDocName(workspaceId)),
    users: 0
  });
  hold.users++;
  let released = false;
  return {
    doc: hold.connection.doc,
    loaded: hold.connection.whenLocalLoaded,
    release: () => {
      if (released) return;
      released = true;
      if (--hold.users === 0) {
        delete ledgers[workspaceId];
        hold.connection.destroy();
      }
    }
  };
}
