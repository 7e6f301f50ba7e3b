/**
 * The archived tasks this device viewed, kept for reading offline: a small IndexedDB store
 * (`runboard-archive`, one object store) keyed by workspace and task id, also found by key.
 * A cache, never a source: what the server says replaces it; failures are silent (private
 * windows without IndexedDB simply keep nothing).
 */
import type { ArchivedTask } from './archive-client';

const DB_NAME = 'runboard-archive';
const STORE = 'tasks';
/** Most tasks kept per device; the least recently viewed go first. */
export const ARCHIVE_CACHE_MAX = 500;

interface Entry {
  /** `<ws>/<taskId>`. */
  id: string;
  /** `<ws>/<KEY>` (upper case), or null. */
  key: string | null;
  viewedAt: number;
  task: ArchivedTask;
}

function open(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return new Promise((resolve) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: 'id' });
      store.createIndex('key', 'key');
      store.createIndex('viewedAt', 'viewedAt');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => resolve();
    tx.onabort = () => resolve();
  });
}

/** Keeps `task` of workspace `ws` for offline reading. */
export async function keepArchivedTask(ws: string, task: ArchivedTask): Promise<void> {
  const db = await open();
  if (!db) return;
  try {
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const entry: Entry = {
      id: `${ws}/${task.id}`,
      key: task.key === null ? null : `${ws}/${task.key.toUpperCase()}`,
      viewedAt: Date.now(),
      task
    };
    store.put(entry);
    // Over the limit: drop the least recently viewed.
    const count = store.count();
    count.onsuccess = () => {
      let extra = count.result - ARCHIVE_CACHE_MAX;
      if (extra <= 0) return;
      store.index('viewedAt').openCursor().onsuccess = (event) => {
        const cursor = (event.target as IDBRequest<IDBCursorWithValue | null>).result;
        if (!cursor || extra-- <= 0) return;
        cursor.delete();
        cursor.continue();
      };
    };
    await done(tx);
  } finally {
    db.close();
  }
}

/** The kept copy of the task `keyOrId` names in `ws`, or null. */
export async function keptArchivedTask(ws: string, keyOrId: string): Promise<ArchivedTask | null> {
  const db = await open();
  if (!db) return null;
  try {
    const tx = db.transaction(STORE, 'readonly');
    const store = tx.objectStore(STORE);
    const read = <T>(request: IDBRequest<T>) =>
      new Promise<T | undefined>((resolve) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => resolve(undefined);
      });
    const byId = await read<Entry | undefined>(store.get(`${ws}/${keyOrId}`));
    const entry =
      byId ??
      (await read<Entry | undefined>(store.index('key').get(`${ws}/${keyOrId.toUpperCase()}`)));
    return entry?.task ?? null;
  } finally {
    db.close();
  }
}

/** Forgets the kept copy of a task (it is live again). */
export async function forgetArchivedTask(ws: string, taskId: string): Promise<void> {
  const db = await open();
  if (!db) return;
  try {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(`${ws}/${taskId}`);
    await done(tx);
  } finally {
    db.close();
  }
}
