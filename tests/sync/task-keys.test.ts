/**
 * [KEY1] Human task keys are assigned by the server, unique per workspace even when tasks are
 * created offline on two devices at once, and never change afterwards.
 */
import { describe, expect, it } from 'vitest';
import { createTask, listTasks } from '../../src/lib/shared/board/board-model';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { startSyncServer, tempDataDir, useSyncServer } from '../helpers/sync-server';

const run = useSyncServer();
const { clients } = run;

const DOC = 'keys.board';

function keys(client: TestClient): Map<string, string | null> {
  return new Map(listTasks(client.doc).map((task) => [task.id, task.key]));
}

describe('task keys', () => {
  it('[KEY1] offline creations on two devices get distinct keys; numbering survives a restart', async () => {
    const dataDir = tempDataDir('runboard-keys-');
    run.server = await startSyncServer({ dataDir });
    const port = run.server.port;
    const a = connectClient(run.server.wsUrl, DOC);
    const b = connectClient(run.server.wsUrl, DOC);
    clients.push(a, b);
    await Promise.all([whenSynced(a), whenSynced(b)]);
    await waitFor(() => a.doc.getMap('columns').size > 0, 3_000, 'columns');
    await waitFor(() => b.doc.getMap('columns').size > 0, 3_000, 'columns');

    // Both go offline and create tasks: neither can know the other's numbers.
    a.provider.disconnect();
    b.provider.disconnect();
    for (let i = 0; i < 3; i++) {
      createTask(a.doc, { title: `a${i}` });
      createTask(b.doc, { title: `b${i}` });
    }
    expect([...keys(a).values()].every((k) => k === null)).toBe(true);
    a.provider.connect();
    b.provider.connect();
    const allKeyed = (c: TestClient) =>
      keys(c).size === 6 && [...keys(c).values()].every((k) => k !== null);
    await waitFor(() => allKeyed(a) && allKeyed(b), 5_000, 'keys on both devices');
    const first = keys(a);
    expect(new Set(first.values()).size).toBe(6);
    expect([...first.values()].sort()).toEqual(
      ['OPS-1', 'OPS-2', 'OPS-3', 'OPS-4', 'OPS-5', 'OPS-6'].sort()
    );
    expect(keys(b)).toEqual(first);

    // Restart: the counter lives in the database, and assigned keys never change.
    await run.server.stop();
    run.server = await startSyncServer({ dataDir, port });
    createTask(a.doc, { title: 'after restart' });
    await waitFor(
      () => keys(a).size === 7 && [...keys(a).values()].every((k) => k !== null),
      8_000,
      'key after restart'
    );
    const after = keys(a);
    for (const [id, key] of first) expect(after.get(id)).toBe(key);
    expect([...after.values()]).toContain('OPS-7');
  });
});
