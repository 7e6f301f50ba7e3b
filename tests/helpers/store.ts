import * as Y from 'yjs';
import { openSqlite } from '../../src/lib/server/db/sqlite';
import { SqliteStorage } from '../../sync-server/storage/sqlite-storage';
import type { DocumentStorage } from '../../sync-server/storage/types';

/** Rebuilds a document from what a storage backend holds. */
export async function loadStoredDoc(storage: DocumentStorage, name: string): Promise<Y.Doc> {
  const stored = await storage.load(name);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  return doc;
}

/** Opens the SQLite store in `dataDir` read-side, rebuilds `name`, and closes it again. */
export async function readSqliteDoc(dataDir: string, name: string): Promise<Y.Doc> {
  const storage = new SqliteStorage(openSqlite(dataDir));
  try {
    return await loadStoredDoc(storage, name);
  } finally {
    await storage.close();
  }
}
