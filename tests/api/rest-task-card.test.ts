/**
 * `GET …/tasks/{key}` of a board nobody holds answers from the mirrored card (board/card-mirror
 * .ts), without loading the board: what a deep link on a new device waits for. Against the
 * production app; `/readyz` counts the documents in memory.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { taskSchema } from '../../src/lib/shared/board/schema';
import { useRestApp } from '../helpers/rest';

const WS = 'cardrest';
const rest = useRestApp(WS, ['owner', 'viewer'], 'runboard-rest-card-');
const tasksPath = `/api/v1/workspaces/${WS}/tasks`;

async function documentsLoaded(): Promise<number> {
  const reply = await fetch(`${rest.app.baseUrl}/readyz`);
  return z.object({ documentsLoaded: z.number() }).parse(await reply.json()).documentsLoaded;
}

/** Polls until the app holds no document (the board unloads 2 s after its last use). */
async function allUnloaded(): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await documentsLoaded()) > 0) {
    if (Date.now() > deadline) throw new Error('documents still loaded after 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a task card without the board', () => {
  it('answers a key of an unloaded board from the mirrored card, and loads nothing for it', async () => {
    const created = await rest.call('POST', tasksPath, {
      title: 'Rotate TLS certs 证书轮换',
      description: 'Every host behind the load balancer.',
      priority: 'high'
    });
    expect(created.status, created.text).toBe(201);
    const task = taskSchema.parse(created.body);
    const patched = await rest.call('PATCH', `${tasksPath}/${task.id}`, { status: 'in-progress' });
    expect(patched.status, patched.text).toBe(200);
    await allUnloaded();

    const reply = await rest.call(
      'GET',
      `${tasksPath}/${task.key!.toLowerCase()}`,
      undefined,
      'viewer'
    );
    expect(reply.status, reply.text).toBe(200);
    // The card as the board last held it, with the description from the task's document.
    expect(reply.body).toEqual(patched.body);
    expect(taskSchema.parse(reply.body).description).toBe('Every host behind the load balancer.');
    expect(await documentsLoaded()).toBe(0);

    // A missing key still answers 404 (looked up on the board and in the archive).
    const missing = await rest.call('GET', `${tasksPath}/OPS-999`);
    expect(missing.status).toBe(404);
  });
});
