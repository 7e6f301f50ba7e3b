import * as Y from 'yjs';
import { openTestDatabase } from './database';
import type { DocumentStorage, StoredDocument } from '../../sync-server/storage/types';

/** A document rebuilt from a stored snapshot and the updates after it. */
export function docFromStored(stored: Pick<StoredDocument, 'snapshot' | 'updates'>): Y.Doc {
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  return doc;
}

/** Rebuilds a document from what a storage backend holds. */
export async function loadStoredDoc(storage: DocumentStorage, name: string): Promise<Y.Doc> {
  return docFromStored(await storage.load(name));
}

/** Opens the database of `dataDir` (this run's backend), rebuilds `name`, and closes it again. */
export async function readStoredDoc(dataDir: string, name: string): Promise<Y.Doc> {
  const { records, documents } = await openTestDatabase(dataDir);
  try {
    return await loadStoredDoc(documents, name);
  } finally {
    await records.close();
  }
}

/** The update that appends `text` to the Y.Text `t` of `doc` (applied to `doc` too). */
export function textUpdate(doc: Y.Doc, text: string): Uint8Array {
  let captured: Uint8Array | null = null;
  const capture = (u: Uint8Array) => (captured = u);
  doc.on('update', capture);
  doc.getText('t').insert(doc.getText('t').length, text);
  doc.off('update', capture);
  if (captured === null) throw new Error('the insert produced no update');
  return captured;
}
