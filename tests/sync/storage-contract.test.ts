/**
 * One contract suite for every DocumentStorage backend (PostgreSQL joins this list later).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqlite } from '../../src/lib/server/db/sqlite';
import { MemoryStorage } from '../../sync-server/storage/memory-storage';
import { SqliteStorage } from '../../sync-server/storage/sqlite-storage';
import type { DocumentStorage } from '../../sync-server/storage/types';
import { tempDataDir } from '../helpers/sync-server';

interface Backend {
  name: string;
  open(): DocumentStorage;
  /** Reopens the same store (durable backends only). */
  reopen?: () => DocumentStorage;
}

function sqliteBackend(): Backend {
  const dir = tempDataDir('runboard-store-');
  return {
    name: 'sqlite',
    open: () => new SqliteStorage(openSqlite(dir)),
    reopen: () => new SqliteStorage(openSqlite(dir))
  };
}

const backends: (() => Backend)[] = [
  () => ({ name: 'memory', open: () => new MemoryStorage() }),
  sqliteBackend
];

function textUpdate(doc: Y.Doc, text: string): Uint8Array {
  let captured: Uint8Array | null = null;
  const capture = (u: Uint8Array) => (captured = u);
  doc.on('update', capture);
  doc.getText('t').insert(doc.getText('t').length, text);
  doc.off('update', capture);
  return captured!;
}

function materialise(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): string {
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u);
  return doc.getText('t').toString();
}

for (const makeBackend of backends) {
  const backend = makeBackend();
  describe(`storage contract: ${backend.name}`, () => {
    const opened: DocumentStorage[] = [];
    const open = (reopen = false) => {
      const storage = reopen && backend.reopen ? backend.reopen() : backend.open();
      opened.push(storage);
      return storage;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('[STORE1] a document never written loads as empty', async () => {
      const storage = open();
      expect(await storage.load('w.board')).toEqual({ snapshot: null, updates: [], lastSeq: 0 });
      await expect(storage.ping()).resolves.toBeUndefined();
    });

    it('[STORE2] appended updates load back in order, byte for byte', async () => {
      const storage = open();
      const doc = new Y.Doc();
      const updates = ['a', 'b', 'c', 'd'].map((s) => textUpdate(doc, s));
      const seq1 = await storage.append('w2.board', updates.slice(0, 2));
      const seq2 = await storage.append('w2.board', updates.slice(2));
      expect(seq2).toBeGreaterThan(seq1);
      const stored = await storage.load('w2.board');
      expect(stored.snapshot).toBeNull();
      expect(stored.updates.map((u) => Buffer.from(u).toString('hex'))).toEqual(
        updates.map((u) => Buffer.from(u).toString('hex'))
      );
      expect(stored.lastSeq).toBe(seq2);
      expect(materialise(stored)).toBe('abcd');
    });

    it('[STORE3] compaction replaces the snapshot and drops exactly seq <= throughSeq', async () => {
      const storage = open();
      const doc = new Y.Doc();
      const before = [textUpdate(doc, 'x'), textUpdate(doc, 'y')];
      const through = await storage.append('w3.board', before);
      const snapshot = Y.encodeStateAsUpdate(doc);
      // Arrives "during" compaction: appended after the snapshot was taken.
      const late = textUpdate(doc, 'z');
      const lateSeq = await storage.append('w3.board', [late]);
      await storage.compact('w3.board', snapshot, through);
      const stored = await storage.load('w3.board');
      expect(stored.snapshot).not.toBeNull();
      expect(stored.updates).toHaveLength(1);
      expect(stored.lastSeq).toBe(lateSeq);
      expect(materialise(stored)).toBe('xyz');
      // Compacting again with an older throughSeq never resurrects or drops anything.
      await storage.compact('w3.board', Y.encodeStateAsUpdate(doc), through);
      expect(materialise(await storage.load('w3.board'))).toBe('xyz');
    });

    it('[STORE4] documents are independent', async () => {
      const storage = open();
      const a = new Y.Doc();
      const b = new Y.Doc();
      await storage.append('wa.board', [textUpdate(a, 'A')]);
      await storage.append('wb.board', [textUpdate(b, 'B')]);
      await storage.compact('wa.board', Y.encodeStateAsUpdate(a), Number.MAX_SAFE_INTEGER);
      expect(materialise(await storage.load('wa.board'))).toBe('A');
      expect(materialise(await storage.load('wb.board'))).toBe('B');
      expect((await storage.load('wb.board')).updates).toHaveLength(1);
    });

    it.runIf(backend.reopen !== undefined)(
      '[STORE5] what was stored survives closing and reopening',
      async () => {
        const storage = open();
        const doc = new Y.Doc();
        await storage.append('w5.board', [textUpdate(doc, 'kept')]);
        await storage.compact('w5.board', Y.encodeStateAsUpdate(doc), 0);
        await storage.append('w5.board', [textUpdate(doc, '!')]);
        await storage.close();
        const again = open(true);
        expect(materialise(await again.load('w5.board'))).toBe('kept!');
      }
    );
  });
}
