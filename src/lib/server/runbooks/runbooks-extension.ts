/**
 * The runbooks' sync extension: keeps the derived runbook records in step with a loaded runbook
 * document — the library index (debounced, ~1 s after the last change) and automatic snapshots
 * (at most every 10 minutes of editing and when the document unloads, only when something
 * changed since the last version).
 *
 * Order, so Yjs never waits on the database and a database error never reaches Yjs: what a
 * record needs (metadata, plain text, the state as an update) is read from the document
 * synchronously, in the event or timer that wants it; the database write runs afterwards, on
 * one queue per document, and a failure is logged. No database call runs inside a Yjs
 * transaction.
 */
import * as Y from 'yjs';
import type { SyncExtension } from '../../../../sync-server/extensions';
import { isLocalTransaction } from '../../../../sync-server/update-origin';
import {
  isRunbookInitialised,
  readRunbookMeta,
  runbookContent,
  runbookPlainText,
  touchRunbook
} from '../../shared/runbooks/runbook-model';
import type { RunbookMeta, RunbookVersion } from '../../shared/runbooks/schema';
import type { Logger } from '../log';
import type { RunbookIndex } from './runbooks-store';
import { sameStateVector, type RunbookVersions } from './versions-store';

/** Timings of the watcher, with units in the names. */
export const runbookWatchDefaults = {
  /** Quiet time after the last change before the index entry is rewritten. */
  indexDebounceMs: 1000,
  /** Longest stretch of editing between two automatic snapshots. */
  autoSnapshotIntervalMs: 10 * 60 * 1000,
  /** Content edits move the runbook's `updatedAt` at most this often (one small write each). */
  touchIntervalMs: 60 * 1000
};

/** What the extension needs of the DocStore. */
export interface RunbookDocs {
  transact<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T>;
}

export interface RunbookExtensionDeps {
  index: Pick<RunbookIndex, 'upsert'>;
  versions: Pick<RunbookVersions, 'save' | 'latestStateVector'>;
  docs: () => RunbookDocs;
  logger: Logger;
  timings?: Partial<typeof runbookWatchDefaults>;
}

/** What the index holds of a runbook, read from its document. */
export interface RunbookIndexEntry {
  meta: RunbookMeta;
  plainText: string;
}

/** The index entry of a runbook document; null for an uninitialised one. */
export function indexEntryOf(doc: Y.Doc, runbookId: string): RunbookIndexEntry | null {
  if (!isRunbookInitialised(doc)) return null;
  return { meta: readRunbookMeta(doc, runbookId), plainText: runbookPlainText(doc) };
}

/** Writes an index entry (read with `indexEntryOf`); nothing for an uninitialised runbook. */
export async function writeIndexEntry(
  index: Pick<RunbookIndex, 'upsert'>,
  workspaceId: string,
  entry: RunbookIndexEntry | null
): Promise<void> {
  if (entry) await index.upsert(workspaceId, entry.meta, entry.plainText);
}

/** A runbook document's state, for a snapshot. */
export interface RunbookState {
  /** The whole document as one update. */
  update: Uint8Array;
  vector: Uint8Array;
}

/** The state of a runbook document; null for an uninitialised one. */
export function stateOf(doc: Y.Doc): RunbookState | null {
  if (!isRunbookInitialised(doc)) return null;
  return { update: Y.encodeStateAsUpdate(doc), vector: Y.encodeStateVector(doc) };
}

/**
 * Saves `state` as an automatic snapshot when it differs from the newest version; returns it,
 * or null when nothing changed (or the runbook is uninitialised).
 */
export async function snapshotIfChanged(
  versions: Pick<RunbookVersions, 'save' | 'latestStateVector'>,
  state: RunbookState | null,
  workspaceId: string,
  runbookId: string
): Promise<RunbookVersion | null> {
  if (!state) return null;
  const latest = await versions.latestStateVector(workspaceId, runbookId);
  if (sameStateVector(latest, state.vector)) return null;
  return versions.save(state.update, { workspaceId, runbookId, kind: 'auto' });
}

/** A watched document. */
export interface RunbookWatch {
  /** Stops watching, without the final flush. */
  stop(): void;
  /** Resolves when the database work queued so far is done (failures are logged). */
  idle(): Promise<void>;
}

/**
 * Watches one loaded runbook document until it is destroyed (unloaded), flushing the index and
 * a snapshot then.
 */
export function watchRunbook(
  doc: Y.Doc,
  docName: string,
  workspaceId: string,
  runbookId: string,
  deps: RunbookExtensionDeps
): RunbookWatch {
  const timings = { ...runbookWatchDefaults, ...deps.timings };
  const { index, versions } = deps;
  let indexTimer: NodeJS.Timeout | null = null;
  let snapshotTimer: NodeJS.Timeout | null = null;
  let contentChanged = false;
  // Only a document edited while loaded is snapshotted on unload: opening one to read it
  // must not add a version.
  let editedWhileLoaded = false;
  let stopped = false;
  // The document's database work, one write after another: an index entry read later is
  // written later.
  let queue: Promise<void> = Promise.resolve();

  const enqueue = (what: string, write: () => Promise<unknown>) => {
    queue = queue.then(write).then(
      () => undefined,
      (error: unknown) => {
        deps.logger.error(`runbooks: ${what} failed`, { doc: docName, error: String(error) });
      }
    );
  };

  const refreshIndex = () => {
    indexTimer = null;
    const entry = indexEntryOf(doc, runbookId);
    enqueue('indexing', () => writeIndexEntry(index, workspaceId, entry));
    if (contentChanged && entry) {
      contentChanged = false;
      const updatedAt = Date.parse(entry.meta.updatedAt);
      if (!(Date.now() - updatedAt < timings.touchIntervalMs)) {
        deps
          .docs()
          .transact(docName, (current) => touchRunbook(current))
          .catch((error: unknown) => {
            deps.logger.error('runbooks: touching updatedAt failed', {
              doc: docName,
              error: String(error)
            });
          });
      }
    }
  };

  const snapshot = () => {
    snapshotTimer = null;
    const state = stateOf(doc);
    enqueue('automatic snapshot', () => snapshotIfChanged(versions, state, workspaceId, runbookId));
  };

  // Edits relayed by another node are indexed, touched and snapshotted by that node (once
  // across nodes): only this node's own edits start the timers.
  const onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (stopped || !isLocalTransaction(origin)) return;
    editedWhileLoaded = true;
    if (indexTimer) clearTimeout(indexTimer);
    indexTimer = setTimeout(refreshIndex, timings.indexDebounceMs);
    indexTimer.unref();
    // The first change after a snapshot starts the clock; later changes do not reset it, so
    // continuous editing still gets a snapshot every interval.
    if (!snapshotTimer) {
      snapshotTimer = setTimeout(snapshot, timings.autoSnapshotIntervalMs);
      snapshotTimer.unref();
    }
  };

  const content = runbookContent(doc);
  const onContent = (_events: unknown, transaction: Y.Transaction) => {
    if (isLocalTransaction(transaction.origin)) contentChanged = true;
  };

  const stop = () => {
    stopped = true;
    if (indexTimer) clearTimeout(indexTimer);
    if (snapshotTimer) clearTimeout(snapshotTimer);
    indexTimer = snapshotTimer = null;
    doc.off('update', onUpdate);
    doc.off('destroy', onDestroy);
    content.unobserveDeep(onContent);
  };

  // Unload: read the index entry and the state now, while the document still holds its
  // content; the writes follow on the queue.
  function onDestroy() {
    const pendingIndex = indexTimer !== null;
    stop();
    if (pendingIndex) {
      const entry = indexEntryOf(doc, runbookId);
      enqueue('indexing on unload', () => writeIndexEntry(index, workspaceId, entry));
    }
    if (editedWhileLoaded) {
      const state = stateOf(doc);
      enqueue('snapshot on unload', () =>
        snapshotIfChanged(versions, state, workspaceId, runbookId)
      );
    }
  }

  doc.on('update', onUpdate);
  doc.on('destroy', onDestroy);
  content.observeDeep(onContent);
  // Index on load: the index may be new, rebuilt, or behind after a crash.
  const entry = indexEntryOf(doc, runbookId);
  enqueue('indexing on load', () => writeIndexEntry(index, workspaceId, entry));
  return {
    stop,
    async idle() {
      // Work queued while waiting is waited for too.
      let current: Promise<void>;
      do {
        current = queue;
        await current;
      } while (current !== queue);
    }
  };
}

/** The runbooks' sync extension, with the wait for its outstanding writes. */
export interface RunbookExtension extends SyncExtension {
  /** Resolves when every database write of the watched documents is done (shutdown, tests). */
  onClose(): Promise<void>;
}

/** The sync extension for runbook documents: watches each while it is loaded. */
export function runbookExtension(deps: RunbookExtensionDeps): RunbookExtension {
  const watches = new Set<RunbookWatch>();
  return {
    name: 'runbooks',
    kinds: ['runbook'],
    onLoad({ name, docName, doc }) {
      if (docName.kind !== 'runbook') return;
      const watch = watchRunbook(doc, name, docName.workspaceId, docName.id, deps);
      watches.add(watch);
      // Forgotten once unloaded and written.
      doc.once('destroy', () => {
        void watch.idle().then(() => watches.delete(watch));
      });
    },
    async onClose() {
      await Promise.all([...watches].map((watch) => watch.idle()));
    }
  };
}
