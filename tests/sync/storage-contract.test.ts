/**
 * One contract suite for every DocumentStorage backend: in memory, SQLite and PostgreSQL (a fresh
 * database per run on the machine's server, dropped afterwards; see tests/helpers/postgres.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryStorage } from '../../sync-server/storage/memory-storage';
import type { DocumentStorage } from '../../sync-server/storage/types';
import { postgresBackend, sqliteBackend, type StorageBackend } from '../helpers/storage-backends';
import { docFromStored, textUpdate } from '../helpers/store';

const backends: (() => StorageBackend)[] = [
  () => ({ name: 'memory', open: async () => new MemoryStorage() }),
  sqliteBackend,
  postgresBackend
];

function materialise(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): string {
  return docFromStored(stored).getText('t').toString();
}

for (const makeBackend of backends) {
  const backend = makeBackend();
  describe.skipIf(Boolean(backend.skip))(`storage contract: ${backend.name}`, () => {
    const opened: DocumentStorage[] = [];
    const open = async (reopen = false) => {
      const storage = await (reopen && backend.reopen ? backend.reopen() : backend.open());
      opened.push(storage);
      return storage;
    };
    if (backend.setup) beforeAll(backend.setup);
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });
    // Runs even when setup or a test failed, so no test database is left behind.
    if (backend.teardown) afterAll(backend.teardown);

    it('[STORE1] a document never written loads as empty', async () => {
      const storage = await open();
      expect(await storage.load('w.board')).toEqual({ snapshot: null, updates: [], lastSeq: 0 });
      await expect(storage.ping()).resolves.toBeUndefined();
    });

    it('[STORE2] appended updates load back in order, byte for byte', async () => {
      const storage = await open();
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
      const storage = await open();
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

    it('[STORE3] a snapshot older than the stored one never replaces it', async () => {
      const storage = await open();
      const doc = new Y.Doc();
      const seqX = await storage.append('w3b.board', [textUpdate(doc, 'x')]);
      const stale = Y.encodeStateAsUpdate(doc);
      const seqY = await storage.append('w3b.board', [textUpdate(doc, 'y')]);
      await storage.compact('w3b.board', Y.encodeStateAsUpdate(doc), seqY);
      // A compaction that started earlier (another node, a slow one) finishes last.
      await storage.compact('w3b.board', stale, seqX);
      const stored = await storage.load('w3b.board');
      expect(materialise(stored)).toBe('xy');
      expect(stored.lastSeq).toBe(seqY);
    });

    it('[STORE3] a rebase: an unrelated snapshot through the current lastSeq replaces all history', async () => {
      const storage = await open();
      const old = new Y.Doc();
      await storage.append('w3c.board', [textUpdate(old, 'old')]);
      const firstThrough = (await storage.load('w3c.board')).lastSeq;
      await storage.compact('w3c.board', Y.encodeStateAsUpdate(old), firstThrough);
      const lastSeq = await storage.append('w3c.board', [textUpdate(old, '!')]);
      // The fresh generation: same text, written by a new client, none of the old items.
      const fresh = new Y.Doc();
      fresh.getText('t').insert(0, 'old!');
      await storage.compact('w3c.board', Y.encodeStateAsUpdate(fresh), lastSeq);
      const stored = await storage.load('w3c.board');
      expect(stored.updates).toHaveLength(0);
      expect(stored.lastSeq).toBe(lastSeq);
      const loaded = docFromStored(stored);
      expect(loaded.getText('t').toString()).toBe('old!');
      expect([...Y.decodeStateVector(Y.encodeStateVector(loaded)).keys()]).toEqual([
        fresh.clientID
      ]);
      // The same throughSeq again (a second rebase with nothing appended between) also replaces.
      const again = new Y.Doc();
      again.getText('t').insert(0, 'again');
      await storage.compact('w3c.board', Y.encodeStateAsUpdate(again), lastSeq);
      expect(materialise(await storage.load('w3c.board'))).toBe('again');
    });

    it('[STORE4] documents are independent', async () => {
      const storage = await open();
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
        const storage = await open();
        const doc = new Y.Doc();
        await storage.append('w5.board', [textUpdate(doc, 'kept')]);
        await storage.compact('w5.board', Y.encodeStateAsUpdate(doc), 0);
        await storage.append('w5.board', [textUpdate(doc, '!')]);
        await storage.close();
        const again = await open(true);
        expect(materialise(await again.load('w5.board'))).toBe('kept!');
      }
    );

    it.runIf(backend.reopen !== undefined)(
      '[STORE6] concurrent appends from two handles, compacted meanwhile, lose nothing',
      async () => {
        // Two handles on one store stand for two nodes (two pools on PostgreSQL). Each writer
        // appends its own chain of updates; a compactor keeps loading, rebuilding and
        // compacting through the loaded lastSeq. An append that drew a lower seq but committed
        // after such a compaction would vanish below the snapshot.
        const handles = [await open(), await open(true)];
        const NAME = 'w6.board';
        const ROUNDS = 40;
        const WRITERS = 4;
        const writers = Array.from({ length: WRITERS }, (_, w) => {
          const storage = handles[w % 2]!;
          const doc = new Y.Doc();
          const seqs: number[] = [];
          const run = async () => {
            for (let i = 0; i < ROUNDS; i++) {
              const batch = [0, 1].map((k) => {
                let captured: Uint8Array | null = null;
                const capture = (u: Uint8Array) => (captured = u);
                doc.on('update', capture);
                doc.getArray<string>('a').push([`w${w}:${i}:${k}`]);
                doc.off('update', capture);
                return captured!;
              });
              seqs.push(await storage.append(NAME, batch));
            }
          };
          return { seqs, run };
        });
        let writing = true;
        let compactions = 0;
        const compactor = async () => {
          while (writing) {
            const storage = handles[compactions % 2]!;
            const stored = await storage.load(NAME);
            const doc = new Y.Doc();
            if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
            for (const u of stored.updates) Y.applyUpdate(doc, u);
            await storage.compact(NAME, Y.encodeStateAsUpdate(doc), stored.lastSeq);
            compactions++;
          }
        };
        const compacting = compactor();
        await Promise.all(writers.map((w) => w.run()));
        writing = false;
        await compacting;
        for (const { seqs } of writers) {
          expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);
        }
        expect(compactions).toBeGreaterThan(0);
        const final = await handles[0]!.load(NAME);
        const doc = new Y.Doc();
        if (final.snapshot) Y.applyUpdate(doc, final.snapshot);
        for (const u of final.updates) Y.applyUpdate(doc, u);
        const items = doc.getArray<string>('a').toArray();
        expect(items).toHaveLength(WRITERS * ROUNDS * 2);
        expect(new Set(items).size).toBe(items.length);
      }
    );
  });
}
