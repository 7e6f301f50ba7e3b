/**
 * `GET …/ai/predictions` (ai-api.ts `listTaskPredictions`, docs/ai.md) against the production
 * app, on SQLite or PostgreSQL (RUNBOARD_TEST_DATABASE): after six certificate renewals that
 * took two to eight hours, open renewals get a duration from them and a due-date risk (`late`
 * past the due date, `at_risk` when only p90 is past it, none when due far later); finished and
 * change tasks are left out; a changed task is predicted anew (the server's cache follows it);
 * the open tasks are paged without `ids`; the query is validated.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createTask, initBoard, moveTask } from '../../src/lib/shared/board/board-model';
import { taskPredictionSchema } from '../../src/lib/shared/ai/board-prediction';
import { openTestDatabase } from '../helpers/database';
import { errorShape, useRestApp, type RestReply } from '../helpers/rest';

const WS = 'aipreds';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const base = `/api/v1/workspaces/${WS}`;
const RENEWALS_MINUTES = [120, 180, 240, 300, 360, 480];

/** Before the app starts: six renewals finished in the last days, each taking its minutes. */
async function seedBoard(dataDir: string): Promise<void> {
  const { records, documents } = await openTestDatabase(dataDir);
  try {
    const doc = new Y.Doc();
    initBoard(doc);
    RENEWALS_MINUTES.forEach((minutes, i) => {
      const created = Date.now() - (6 - i) * DAY;
      const task = createTask(
        doc,
        { title: `Renew the TLS certificate of api-0${i + 1}.example.com` },
        { now: new Date(created) }
      );
      moveTask(doc, task.id, { status: 'done' }, { now: new Date(created + minutes * 60_000) });
    });
    await documents.append(`${WS}.board`, [Y.encodeStateAsUpdate(doc)]);
  } finally {
    await records.close();
  }
}

const rest = useRestApp(WS, ['owner', 'member', 'viewer'], 'runboard-rest-ai-preds-', {
  beforeStart: seedBoard
});

const answerSchema = taskPredictionSchema.strict().array();

function predictions(reply: RestReply) {
  expect(reply.status, reply.text).toBe(200);
  return answerSchema.parse(reply.body);
}

const ask = (ids: readonly string[], as = 'viewer') =>
  rest.call('GET', `${base}/ai/predictions?ids=${ids.join(',')}`, undefined, as);

/** Asks until `check` holds: the index follows document changes a moment later. */
async function eventually<T>(ask: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let value = await ask();
  for (let i = 0; i < 80 && !check(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await ask();
  }
  return value;
}

interface Created {
  id: string;
  createdAt: string;
}

async function create(body: Record<string, unknown>): Promise<Created> {
  const reply = await rest.call('POST', `${base}/tasks`, body, 'member');
  expect(reply.status, reply.text).toBe(201);
  return reply.body as Created;
}

describe('predictions for the board over REST', () => {
  it('predicts open tasks from similar finished work, with the due-date risk', async () => {
    const late = await create({
      title: 'Renew the TLS certificate of api-09.example.com',
      dueAt: new Date(Date.now() - HOUR).toISOString()
    });
    const risky = await create({ title: 'Renew the TLS certificate of api-10.example.com' });
    const calm = await create({
      title: 'Renew the TLS certificate of api-11.example.com',
      dueAt: new Date(Date.now() + 30 * DAY).toISOString()
    });
    const done = await create({ title: 'Renew the TLS certificate of api-12', status: 'done' });
    const change = await create({ title: 'Renew the TLS certificate of api-13', kind: 'change' });
    const ids = [late.id, risky.id, calm.id, done.id, change.id, 'nosuch'];

    // All six renewals indexed, not only the first (the index follows the board a moment later).
    const first = await eventually(
      async () => predictions(await ask(ids)),
      (items) => items.length === 3 && items.every((item) => item.basedOn === 6)
    );
    expect(first.map((item) => item.id)).toEqual([late.id, risky.id, calm.id]);
    const byId = new Map(first.map((item) => [item.id, item]));
    const p = byId.get(risky.id)!;
    // Within what the renewals took (a quick one finished in the test pulls the priors down).
    expect(p.p50Minutes).toBeGreaterThanOrEqual(60);
    expect(p.p50Minutes).toBeLessThanOrEqual(480);
    expect(p.p10Minutes).toBeLessThan(p.p50Minutes);
    expect(p.p90Minutes).toBeGreaterThan(p.p50Minutes);
    expect(Date.parse(p.likelyDoneAt)).toBeCloseTo(
      Date.parse(risky.createdAt) + p.p50Minutes * 60_000,
      -4
    );

    expect(byId.get(late.id)!.dueRisk).toBe('late');
    expect(byId.get(risky.id)!.dueRisk).toBeNull(); // no due date
    expect(byId.get(calm.id)!.dueRisk).toBeNull();

    // Due between the likely (p50) and the pessimistic (p90) finish: at risk.
    const due = Date.parse(risky.createdAt) + ((p.p50Minutes + p.p90Minutes) / 2) * 60_000;
    const patched = await rest.call(
      'PATCH',
      `${base}/tasks/${risky.id}`,
      { dueAt: new Date(due).toISOString() },
      'member'
    );
    expect(patched.status, patched.text).toBe(200);
    const [atRisk] = predictions(await ask([risky.id]));
    expect(atRisk).toMatchObject({ id: risky.id, dueRisk: 'at_risk', p50Minutes: p.p50Minutes });
    // Due before the likely finish: late.
    await rest.call(
      'PATCH',
      `${base}/tasks/${risky.id}`,
      { dueAt: new Date(Date.parse(risky.createdAt) + 30 * 60_000).toISOString() },
      'member'
    );
    expect(predictions(await ask([risky.id]))[0]?.dueRisk).toBe('late');

    // A changed task is predicted anew, not served from the cache: nothing like it finished.
    const renamed = await rest.call(
      'PATCH',
      `${base}/tasks/${calm.id}`,
      { title: 'Order new laptops for the support team' },
      'member'
    );
    expect(renamed.status, renamed.text).toBe(200);
    const [laptops] = predictions(await ask([calm.id]));
    expect(laptops?.basedOn).toBe(0);
  });

  it('pages the open tasks without ids', async () => {
    const all = await rest.call('GET', `${base}/ai/predictions`, undefined, 'viewer');
    const items = predictions(all);
    const total = Number(all.headers.get('x-total-count'));
    expect(total).toBeGreaterThanOrEqual(3);
    expect(items.length).toBe(total);

    const page = await rest.call('GET', `${base}/ai/predictions?limit=2`, undefined, 'viewer');
    expect(predictions(page).map((item) => item.id)).toEqual(items.slice(0, 2).map((i) => i.id));
    expect(page.headers.get('x-total-count')).toBe(String(total));
    expect(page.headers.get('link')).toBe(
      `</api/v1/workspaces/${WS}/ai/predictions?limit=2&offset=2>; rel="next"`
    );
  });

  it('validates the query', async () => {
    const tooMany = Array.from({ length: 101 }, (_, i) => `t${i}`).join(',');
    for (const query of [
      `?ids=${tooMany}`,
      '?ids=',
      '?ids=a,,b',
      '?ids=%2Fetc',
      '?limit=101',
      '?offset=-1',
      '?other=1'
    ]) {
      const reply = await rest.call('GET', `${base}/ai/predictions${query}`);
      expect(reply.status, query).toBe(400);
      expect(errorShape.parse(reply.body).error.code).toBe('invalid_input');
    }
  });
});
