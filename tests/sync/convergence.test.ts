/**
 * [CONV1] Seeded random convergence: stock y-websocket clients make random edits on text, maps
 * and arrays, disconnect and reconnect at random, and the server restarts in the middle; in the
 * end every client and the store hold the same state. Each seed replays exactly.
 */
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { connectClient, docJson, waitFor, whenSynced } from '../helpers/clients';
import { randomInt, seededRandom } from '../helpers/random';
import { readStoredDoc } from '../helpers/store';
import { startSyncServer, tempDataDir, useSyncServer } from '../helpers/sync-server';

const SEEDS = [1, 7, 42, 1337, 20261125];
const CLIENTS = 6;
const STEPS = 3_000;

const run = useSyncServer();
const { clients } = run;

function randomEdit(doc: Y.Doc, rand: () => number, tag: string): void {
  const text = doc.getText('text');
  const map = doc.getMap('map');
  const array = doc.getArray<string>('array');
  const op = randomInt(rand, 8);
  if (op < 3) {
    text.insert(randomInt(rand, text.length + 1), tag);
  } else if (op === 3 && text.length > 0) {
    const at = randomInt(rand, text.length);
    text.delete(at, Math.min(1 + randomInt(rand, 4), text.length - at));
  } else if (op === 4) {
    map.set(`k${randomInt(rand, 20)}`, tag);
  } else if (op === 5 && map.size > 0) {
    map.delete(`k${randomInt(rand, 20)}`);
  } else if (op === 6) {
    array.insert(randomInt(rand, array.length + 1), [tag]);
  } else if (array.length > 0) {
    array.delete(randomInt(rand, array.length), 1);
  } else {
    array.push([tag]);
  }
}

describe('convergence', () => {
  it.each(SEEDS)('[CONV1] seed %i: clients and store converge', async (seed) => {
    const rand = seededRandom(seed);
    const dataDir = tempDataDir('runboard-conv-');
    const name = `conv${seed}.board`;
    run.server = await startSyncServer({ dataDir, limits: { compactAfterUpdates: 200 } });
    const port = run.server.port;
    for (let i = 0; i < CLIENTS; i++) clients.push(connectClient(run.server.wsUrl, name));
    await Promise.all(clients.map((c) => whenSynced(c)));

    let restarts = 0;
    let disconnects = 0;
    for (let step = 0; step < STEPS; step++) {
      const i = randomInt(rand, CLIENTS);
      const client = clients[i]!;
      const roll = rand();
      if (roll < 0.03) {
        client.provider.disconnect();
        disconnects++;
      } else if (roll < 0.08) {
        client.provider.connect();
      } else if (roll < 0.082 && restarts < 2) {
        // Graceful restart on the same port and DATA_DIR while clients keep editing.
        restarts++;
        await run.server.stop();
        run.server = await startSyncServer({ dataDir, port, limits: { compactAfterUpdates: 200 } });
      } else {
        randomEdit(client.doc, rand, `${i}.${step}`);
      }
      if (step % 25 === 0) await new Promise((r) => setTimeout(r, randomInt(rand, 4)));
    }
    if (restarts === 0) {
      await run.server.stop();
      run.server = await startSyncServer({ dataDir, port, limits: { compactAfterUpdates: 200 } });
      restarts++;
    }

    for (const client of clients) client.provider.connect();
    await waitFor(
      () => {
        const first = JSON.stringify(docJson(clients[0]!.doc));
        return clients.every((c) => c.provider.synced && JSON.stringify(docJson(c.doc)) === first);
      },
      30_000,
      `convergence of seed ${seed}`
    );
    const expected = JSON.stringify(docJson(clients[0]!.doc));
    await run.server.runtime.docStore.flushAll();
    for (const client of clients) client.provider.disconnect();
    await run.server.stop();
    run.server = null;
    const stored = await readStoredDoc(dataDir, name);
    expect(JSON.stringify(docJson(stored))).toBe(expected);
    expect(disconnects).toBeGreaterThan(0);
    expect(restarts).toBeGreaterThan(0);
  });
});
