/**
 * The history import's service on both backends (import-service.ts, docs/import.md): 10,000
 * items of `runboard-json` in one import (finished ones in the archive, open ones on the
 * board, incidents as incident records, the KPIs of the period count them); and the
 * all-or-nothing rule when the board update fails after the records were written: the records
 * are removed again, so the archive, members and incidents are as before.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createRuntime } from '../../entries/composition-root';
import { ImportService } from '../../src/lib/server/import/import-service';
import { ImportStore } from '../../src/lib/server/import/import-store';
import { createLogger } from '../../src/lib/server/log';
import type { Runtime } from '../../src/lib/server/runtime';
import { listTasks } from '../../src/lib/shared/board/board-model';
import { databaseTargetFor } from '../helpers/database';
import { recordsBackends } from '../helpers/records';
import { openAccess, tempDataDir } from '../helpers/sync-server';

const running: Runtime[] = [];
afterEach(async () => {
  for (const runtime of running.splice(0)) await runtime.close();
});

const WS = 'hist';
const HOUR = 3_600_000;
const START = Date.parse('2025-01-01T00:00:00Z');

async function start(backend: 'sqlite' | 'postgres') {
  const dataDir = tempDataDir(`runboard-import-${backend}-`);
  const target = await databaseTargetFor(dataDir, backend);
  const runtime = await createRuntime(
    { port: 0, host: '127.0.0.1', dataDir, logLevel: 'error', origin: undefined, ...target },
    { logger: createLogger('error'), onAuthenticate: openAccess }
  );
  running.push(runtime);
  const owner = await runtime.accounts.createUser({
    email: 'owner@example.test',
    name: 'Owner',
    passwordHash: null
  });
  await runtime.accounts.createWorkspace('History', owner.id, WS);
  return { runtime, ownerId: owner.id };
}

/** `n` items: every 10th an incident, the last 100 open; 20 assignees by name. */
function items(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const created = START + i * HOUR;
    const open = i >= n - 100;
    const incident = i % 10 === 0;
    return {
      title: `${incident ? '告警' : 'Job'} ${i} on host-${i % 37}`,
      kind: incident ? 'incident' : 'task',
      status: open ? (i % 2 === 0 ? 'todo' : 'in_progress') : 'done',
      priority: (['urgent', 'high', 'medium', 'low'] as const)[i % 4],
      labels: [`svc-${i % 5}`],
      assignee: `工程师 ${i % 20}`,
      createdAt: new Date(created).toISOString(),
      ...(incident
        ? { acknowledgedAt: new Date(created + 60_000).toISOString() }
        : { startedAt: new Date(created + 10 * 60_000).toISOString() }),
      ...(open
        ? {}
        : incident
          ? { resolvedAt: new Date(created + 30 * 60_000).toISOString() }
          : { doneAt: new Date(created + 50 * 60_000).toISOString() })
    };
  });
}

describe.each(recordsBackends)('history import on $name', ({ name, skip }) => {
  test.skipIf(skip !== null)(
    'imports 10,000 items at once: archive, board, incidents, members, KPIs',
    async () => {
      const { runtime, ownerId } = await start(name);
      const text = JSON.stringify(items(10_000));
      const outcome = await runtime.imports.importFile(WS, ownerId, 'runboard-json', text, {
        dryRun: false,
        timeZone: 'UTC'
      });
      expect(outcome.errors).toEqual([]);
      expect(outcome.summary).toMatchObject({
        archived: 9_900,
        live: 100,
        incidents: 1_000,
        membersCreated: 20,
        labelsCreated: 5
      });
      expect(await runtime.archive.count(WS)).toBe(9_900);
      const live = await runtime.docStore.read(`${WS}.board`, (doc) => listTasks(doc));
      expect(live).toHaveLength(100);
      // Keys are consecutive and unique across the archive and the board.
      expect(outcome.summary!.firstKey).toBe('OPS-1');
      expect(outcome.summary!.lastKey).toBe('OPS-10000');
      const members = await runtime.accounts.listMembers(WS);
      expect(members.filter((m) => !m.active)).toHaveLength(20);
      // January 2025: items 0–743 were created (31 × 24 hours), every 10th an incident.
      const report = await runtime.reports.kpis(WS, {
        from: '2025-01-01T00:00:00.000Z',
        to: '2025-02-01T00:00:00.000Z'
      });
      expect(report.incidents).toBe(75);
      expect(report.mttaSeconds).toBe(60);
      expect(report.mttrSeconds).toBe(1800);
      expect(report.throughput).toBe(744 - 75);

      // The same file again: the members exist now, none is created twice.
      const again = await runtime.imports.importFile(
        WS,
        ownerId,
        'runboard-json',
        JSON.stringify(items(50).slice(0, 10)),
        { dryRun: true, timeZone: 'UTC' }
      );
      expect(again.preview.newMembers).toEqual([]);
      expect(again.preview.newLabels).toEqual([]);
    },
    120_000
  );

  test.skipIf(skip !== null)(
    'removes the records written when the board update fails: nothing is half imported',
    async () => {
      const { runtime, ownerId } = await start(name);
      const store = new ImportStore(runtime.records);
      const service = new ImportService({
        store,
        numbers: runtime.boardStore,
        // The real board for reading; its update fails as a full disk or a lost node would.
        docs: () => ({
          read: (docName, fn) => runtime.docStore.read(docName, fn),
          transact: () => Promise.reject(new Error('the board store is unavailable'))
        }),
        logger: createLogger('error')
      });
      const before = {
        archived: await runtime.archive.count(WS),
        members: (await runtime.accounts.listMembers(WS)).length
      };
      const file = JSON.stringify(items(200));
      await expect(
        service.importFile(WS, ownerId, 'runboard-json', file, { dryRun: false, timeZone: 'UTC' })
      ).rejects.toThrow('the board store is unavailable');
      expect(await runtime.archive.count(WS)).toBe(before.archived);
      expect((await runtime.accounts.listMembers(WS)).length).toBe(before.members);
      const incidents = await runtime.records.db
        .selectFrom('incidents')
        .select('id')
        .where('workspace_id', '=', WS)
        .execute();
      expect(incidents).toEqual([]);
      const live = await runtime.docStore.read(`${WS}.board`, (doc) => listTasks(doc));
      expect(live).toEqual([]);
      // Then the real import of the same file goes through.
      const outcome = await runtime.imports.importFile(WS, ownerId, 'runboard-json', file, {
        dryRun: false,
        timeZone: 'UTC'
      });
      expect(outcome.summary).toMatchObject({ archived: 100, live: 100, membersCreated: 20 });
    },
    60_000
  );
});
