/**
 * Keeps the derived runbook data in step with a loaded runbook document: the library index
 * (debounced, ~1 s after the last change) and automatic snapshots (at most every 10 minutes of
 * editing and when the document unloads, only when something changed since the last version).
 * Wired in the composition root's `onLoad` hook, like `watchTaskKeys` for the board.
 */
import * as Y from 'yjs';
import {
  isRunbookInitialised,
  readRunbookMeta,
  runbookContent,
  runbookPlainText,
  touchRunbook
} from '../../shared/runbooks/runbook-model';
import type { RunbookVersion } from '../../shared/runbooks/schema';
import type { SqliteDatabase } from '../db/sqlite';
import type { Logger } from '../log';
import { runbookIndexFor, type RunbookIndex } from './runbook-index';
import { runbookVersionsFor, sameStateVector, type RunbookVersions } from './runbook-versions';

/** Timings of the watcher, with units in the names. */
export const runbookWatchDefaults = {
  /** Quiet time after the last change before the index entry is rewritten. */
  indexDebounceMs: 1000,
  /** Longest stretch of editing between two automatic snapshots. */
  autoSnapshotIntervalMs: 10 * 60 * 1000,
  /** Content edits move the runbook's `updatedAt` at most this often (one small write each). */
  touchIntervalMs: 60 * 1000
};

/** What the watcher needs of the DocStore. */
export interface RunbookDocStore {
  transact<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T>;
}

export interface WatchRunbookDeps {
  db: SqliteDatabase;
  docStore: RunbookDocStore;
  logger: Logger;
  timings?: Partial<typeof runbookWatchDefaults>;
}

/** Writes the index entry of a runbook from its document (no-op for an uninitialised one). */
export function indexRunbookDoc(
  index: RunbookIndex,
  doc: Y.Doc,
  workspaceId: string,
  runbookId: string
): void {
  if (!isRunbookInitialised(doc)) return;
  index.upsert(workspaceId, readRunbookMeta(doc, runbookId), runbookPlainText(doc));
}

/**
 * Saves an automatic snapshot when the document changed since the newest version; returns it,
 * or null when nothing changed.
 */
export function snapshotIfChanged(
  versions: RunbookVersions,
  doc: Y.Doc,
  workspaceId: string,
  runbookId: string
): RunbookVersion | null {
  if (!isRunbookInitialised(doc)) return null;
  const latest = versions.latestStateVector(workspaceId, runbookId);
  if (sameStateVector(latest, Y.encodeStateVector(doc))) return null;
  return versions.save(doc, { workspaceId, runbookId, kind: 'auto' });
}

/**
 * Watches one loaded runbook document until it is destroyed (unloaded). Returns a function
 * that stops watching without the final flush.
 */
export function watchRunbook(
  doc: Y.Doc,
  docName: string,
  workspaceId: string,
  runbookId: string,
  deps: WatchRunbookDeps
): () => void {
  const timings = { ...runbookWatchDefaults, ...deps.timings };
  const index = runbookIndexFor(deps.db);
  const versions = runbookVersionsFor(deps.db);
  let indexTimer: NodeJS.Timeout | null = null;
  let snapshotTimer: NodeJS.Timeout | null = null;
  let contentChanged = false;
  // Only a document edited while loaded is snapshotted on unload: opening one to read it
  // must not add a version.
  let editedWhileLoaded = false;
  let stopped = false;

  const log = (what: string, error: unknown) =>
    deps.logger.error(`runbooks: ${what} failed`, { doc: docName, error: String(error) });

  const refreshIndex = () => {
    indexTimer = null;
    try {
      indexRunbookDoc(index, doc, workspaceId, runbookId);
    } catch (error) {
      log('indexing', error);
    }
    if (contentChanged && isRunbookInitialised(doc)) {
      contentChanged = false;
      const updatedAt = Date.parse(readRunbookMeta(doc, runbookId).updatedAt);
      if (!(Date.now() - updatedAt < timings.touchIntervalMs)) {
        deps.docStore
          .transact(docName, (current) => touchRunbook(current))
          .catch((error) => {
            log('touching updatedAt', error);
          });
      }
    }
  };

  const snapshot = () => {
    snapshotTimer = null;
    try {
      snapshotIfChanged(versions, doc, workspaceId, runbookId);
    } catch (error) {
      log('automatic snapshot', error);
    }
  };

  const onUpdate = () => {
    if (stopped) return;
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
  const onContent = () => {
    contentChanged = true;
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

  // Unload: flush the index and take the snapshot synchronously (SQLite calls are synchronous),
  // while the document still holds its content.
  function onDestroy() {
    const pendingIndex = indexTimer !== null;
    stop();
    try {
      if (pendingIndex) indexRunbookDoc(index, doc, workspaceId, runbookId);
      if (editedWhileLoaded) snapshotIfChanged(versions, doc, workspaceId, runbookId);
    } catch (error) {
      log('flush on unload', error);
    }
  }

  doc.on('update', onUpdate);
  doc.on('destroy', onDestroy);
  content.observeDeep(onContent);
  // Index on load: the index may be new, rebuilt, or behind after a crash.
  try {
    indexRunbookDoc(index, doc, workspaceId, runbookId);
  } catch (error) {
    log('indexing on load', error);
  }
  return stop;
}
