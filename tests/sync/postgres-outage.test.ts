/**
 * [PERSIST-PG1] [PERSIST-PG2] Documents on PostgreSQL when connections die: a real sync server
 * (the composition root with PostgresStorage) and stock y-websocket clients in a burst, while
 * another connection kills the pool's backends and then closes the database for a while.
 * An uncaught pool or client 'error' event would end the test process, which vitest reports
 * as a failure, so surviving the kills is itself checked.
 */
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOCUMENT_LOCK_CLASS, PostgresStorage } from '../../sync-server/storage/postgres-storage';
import type { DocumentStorage } from '../../sync-server/storage/types';
import type { Logger } from '../../sync-server/hooks';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import {
  allowConnections,
  createTestDatabase,
  postgresSkipReason,
  terminateConnections,
  withAdmin,
  type TestDatabase
} from '../helpers/postgres';
import { loadStoredDoc, textUpdate } from '../helpers/store';
import { startSyncServer, type TestSyncServer } from '../helpers/sync-server';

interface LogLine {
  level: string;
  message: string;
  context?: Record<string, unknown>;
}

/** A logger that keeps what it is told, so tests can see which failures were handled. */
function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (message: string, context?: Record<string, unknown>): void => {
      lines.push({ level, message, context });
    };
  return {
    lines,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
  };
}

const pgSkip = await postgresSkipReason();

describe.skipIf(Boolean(pgSkip))('documents on PostgreSQL when connections die', () => {
  let database: TestDatabase | null = null;
  const servers: TestSyncServer[] = [];
  const clients: TestClient[] = [];
  const storages: DocumentStorage[] = [];
  const locks: Client[] = [];

  const db = (): TestDatabase => {
    if (!database) throw new Error('the PostgreSQL test database was not created');
    return database;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    // Reopen first, so a failed test does not leave the server waiting for a dead store.
    if (database) await allowConnections(database.name, true);
    for (const c of clients.splice(0)) c.destroy();
    for (const l of locks.splice(0)) await l.end().catch(() => {});
    for (const s of servers.splice(0)) await s.stop();
    for (const s of storages.splice(0)) await s.close();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('[PERSIST-PG1] killed connections and an outage mid-burst lose no acknowledged update', async () => {
    const DOC = 'pgout.board';
    const { logger, lines } = recordingLogger();
    const storage = await PostgresStorage.open(db().url, { logger, connectionTimeoutMs: 2_000 });
    const server = await startSyncServer({
      storage,
      logger,
      limits: {
        compactAfterUpdates: 200,
        saveRetryBaseMs: 20,
        saveRetryMaxMs: 200,
        unloadDelayMs: 0
      }
    });
    servers.push(server);
    for (let i = 0; i < 3; i++) clients.push(connectClient(server.wsUrl, DOC));
    await Promise.all(clients.map((c) => whenSynced(c)));

    /** Entries a client holds that other clients wrote: it can only have them from the server. */
    const received = () =>
      new Set(
        clients.flatMap((c, i) =>
          c.doc
            .getArray<string>('array')
            .toArray()
            .filter((entry) => !entry.startsWith(`c${i}:`))
        )
      );

    let written = 0;
    let running = true;
    const burst = clients.map(async (client, i) => {
      let n = 0;
      while (running) {
        client.doc.getArray<string>('array').push([`c${i}:${n++}`]);
        written++;
        // The server runs in this process: yield to it now and then.
        if (n % 5 === 0) await new Promise((r) => setTimeout(r, 1));
      }
    });

    try {
      await waitFor(() => written > 300, 20_000, 'burst start');
      // Kill the pool's connections a few times while appends and compactions run.
      let killed = 0;
      for (let k = 0; k < 3; k++) {
        killed += await withAdmin((admin) => terminateConnections(admin, db().name));
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(killed).toBeGreaterThan(0);
      const afterKills = received().size;
      await waitFor(() => received().size > afterKills + 100, 20_000, 'broadcasts after kills');

      // Outage: the database refuses every connection.
      await allowConnections(db().name, false);
      await withAdmin((admin) => terminateConnections(admin, db().name));
      await expect(storage.ping()).rejects.toThrow();
      // Appends already on the wire have failed by now; then nothing may be broadcast.
      await new Promise((r) => setTimeout(r, 300));
      const atOutage = received().size;
      const writtenAtOutage = written;
      await new Promise((r) => setTimeout(r, 700));
      await expect(storage.ping()).rejects.toThrow();
      expect(written).toBeGreaterThan(writtenAtOutage);
      expect(received().size).toBe(atOutage);

      // Back: the same storage object recovers without being recreated.
      await allowConnections(db().name, true);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const up = await storage.ping().then(
          () => true,
          () => false
        );
        if (up) break;
        if (Date.now() > deadline) throw new Error('storage did not recover');
        await new Promise((r) => setTimeout(r, 50));
      }
      await waitFor(() => received().size > atOutage + 100, 20_000, 'broadcasts after outage');
    } finally {
      running = false;
      await Promise.all(burst);
    }

    // Every client converges on everything written, which the server held through the outage.
    const total = written;
    for (const client of clients) {
      await waitFor(() => client.doc.getArray('array').length === total, 30_000, 'convergence');
    }
    const everything = new Set(received());
    await server.runtime.docStore.flushAll();
    expect(lines.some((l) => l.message.startsWith('sync: saving updates failed'))).toBe(true);

    // A fresh pool reads the store: everything any client received, and exactly once.
    const reader = await PostgresStorage.open(db().url, { logger });
    storages.push(reader);
    // The log was compacted at least once (the Room compacts when its queue drains, so under a
    // steady burst maybe only after it).
    const compactedBy = Date.now() + 10_000;
    while ((await reader.load(DOC)).snapshot === null) {
      if (Date.now() > compactedBy) throw new Error('the log was never compacted');
      await new Promise((r) => setTimeout(r, 50));
    }
    const stored = (await loadStoredDoc(reader, DOC)).getArray<string>('array').toArray();
    expect(stored).toHaveLength(total);
    const inStore = new Set(stored);
    expect([...everything].filter((entry) => !inStore.has(entry))).toEqual([]);
    expect(JSON.stringify(stored)).toBe(JSON.stringify(clients[0]!.doc.getArray('array').toJSON()));
  });

  it('[PERSIST-PG2] a connection killed while idle or inside an append never crashes the process', async () => {
    const NAME = 'pgkill.board';
    const { logger, lines } = recordingLogger();
    const storage = await PostgresStorage.open(db().url, { logger });
    storages.push(storage);
    const poolErrors = () =>
      lines.filter((l) => l.message.startsWith('postgres: an idle connection failed')).length;

    // Idle: several pooled connections, killed while nobody uses them.
    await Promise.all(Array.from({ length: 4 }, () => storage.ping()));
    expect(await withAdmin((admin) => terminateConnections(admin, db().name))).toBeGreaterThan(0);
    await waitFor(() => poolErrors() > 0, 5_000, 'the pool to report its dead connections');
    await expect(storage.ping()).resolves.toBeUndefined();

    // Inside an append: hold the document's lock elsewhere, so the append waits in its
    // transaction, and kill its backend there.
    const locker = new Client({ connectionString: db().url });
    locker.on('error', () => {});
    await locker.connect();
    locks.push(locker);
    await locker.query('SELECT pg_advisory_lock($1, hashtext($2))', [DOCUMENT_LOCK_CLASS, NAME]);
    const lost = storage.append(NAME, [textUpdate(new Y.Doc(), 'lost')]);
    lost.catch(() => {});
    let waiting: number | undefined;
    await withAdmin(async (admin) => {
      const deadline = Date.now() + 5_000;
      while (waiting === undefined) {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%'`,
          [db().name]
        );
        waiting = rows[0]?.pid;
        if (waiting === undefined && Date.now() > deadline) throw new Error('append never waited');
        if (waiting === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      await admin.query('SELECT pg_terminate_backend($1)', [waiting]);
    });
    await expect(lost).rejects.toThrow();
    await locker.query('SELECT pg_advisory_unlock($1, hashtext($2))', [DOCUMENT_LOCK_CLASS, NAME]);

    // Nothing of the interrupted append was stored; the next one works on a new connection.
    const kept = new Y.Doc();
    const seq = await storage.append(NAME, [textUpdate(kept, 'kept')]);
    const stored = await storage.load(NAME);
    expect(stored.updates).toHaveLength(1);
    expect(stored.lastSeq).toBe(seq);
    expect((await loadStoredDoc(storage, NAME)).getText('t').toString()).toBe('kept');
    // Give a late 'error' from the killed connection time to surface (it must be handled).
    await new Promise((r) => setTimeout(r, 100));
    await expect(storage.ping()).resolves.toBeUndefined();
  });
});
