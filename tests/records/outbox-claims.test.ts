/**
 * The outbox's claims across nodes (notifications-store.ts `claimDue`, `releaseClaims`), on both
 * backends: several nodes, each with its own connection pool to one database, claiming at the
 * same moment never take the same message (PostgreSQL: `FOR UPDATE SKIP LOCKED` plus the
 * re-checked conditions); a node starting again releases only the claims its last process left.
 */
import { describe, expect, test } from 'vitest';
import { generateId } from '../../src/lib/shared/model/ids';
import { NotificationsStore } from '../../src/lib/server/notifications/notifications-store';
import { openTestDatabase } from '../helpers/database';
import { openTestRecords, recordsBackends } from '../helpers/records';

const MESSAGES = 300;
const NODES = 3;
const NOW = 1_800_000_000_000;

describe.each(recordsBackends)('outbox claims on $name', ({ name, skip }) => {
  test.skipIf(skip !== null)('three nodes claiming at once take each message once', async () => {
    const first = await openTestRecords(name);
    const others = await Promise.all(
      Array.from({ length: NODES - 1 }, () => openTestDatabase(first.dataDir, name))
    );
    try {
      const rows = Array.from({ length: MESSAGES }, (_, i) => ({
        id: generateId(),
        workspace_id: 'claims',
        channel_id: 'c1',
        event: 'incident.opened',
        incident_id: null,
        idempotency_key: `k${i}`,
        payload: '{}',
        state: 'pending',
        attempts: 0,
        next_attempt_at: NOW - i,
        locked_until: null,
        last_error: null,
        created_at: new Date(NOW).toISOString(),
        delivered_at: null
      }));
      await first.records.db.insertInto('outbox').values(rows).execute();
      const stores = [first, ...others].map((db) => new NotificationsStore(db.records));
      const claimed = new Map<string, string[]>();
      // Every node claims small batches as fast as it can until nothing is left.
      await Promise.all(
        stores.map(async (store, node) => {
          for (let round = 0; round < MESSAGES; round++) {
            const batch = await store.claimDue(NOW, NOW + 60_000, 4, `node-${node}`);
            if (batch.length === 0) return;
            for (const message of batch) {
              claimed.set(message.id, [...(claimed.get(message.id) ?? []), `node-${node}`]);
            }
          }
        })
      );
      const twice = [...claimed].filter(([, nodes]) => nodes.length > 1);
      expect(twice).toEqual([]);
      expect(claimed.size).toBe(MESSAGES);
      // More than one node did work: the test raced them.
      expect(new Set([...claimed.values()].flat()).size).toBeGreaterThan(1);

      // node-0 starts again: its claims are free, the others' are still held.
      await stores[0]!.releaseClaims('node-0');
      const again = await stores[1]!.claimDue(NOW, NOW + 60_000, MESSAGES, 'node-1');
      const mine = [...claimed].filter(([, [node]]) => node === 'node-0').map(([id]) => id);
      expect(again.map((m) => m.id).sort()).toEqual(mine.sort());
    } finally {
      await Promise.all(others.map((db) => db.records.close()));
    }
  });
});
