/**
 * The AI's self-evaluation over REST (issue 17 item 8, docs/ai-models.md "Evaluate on your own
 * data") against the production app: too little history is refused with how much is needed;
 * members may not run or read it; the bench's evaluation set, imported as a runboard-json file,
 * is replayed off the request with progress, and the figures are exactly what evaluation.ts's
 * `replay` computes on the same items, built here from the generated set (not read back from
 * the app); the result survives a restart.
 */
import { describe, expect, it } from 'vitest';
import { generateDataset, toRunboardJson } from '../../bench/ai/dataset';
import {
  EVALUATION_MIN_FINISHED,
  evaluationProgressSchema,
  evaluationStatusSchema,
  type EvaluationStatusJson
} from '../../src/lib/shared/ai/evaluation';
import { replay } from '../../src/lib/server/ai/evaluation';
import {
  evaluationCandidates,
  evaluationItems,
  lastQuarterSplit
} from '../../src/lib/server/ai/evaluation-items';
import { reportJson } from '../../src/lib/server/ai/evaluation-runner';
import { historyText, type HistoryItem } from '../../src/lib/server/ai/history';
import { LexicalEmbedder } from '../../src/lib/server/ai/lexical-embedder';
import { startApp } from '../helpers/app-process';
import { errorShape, useRestApp, type RestReply } from '../helpers/rest';

const WS = 'aieval';
const base = `/api/v1/workspaces/${WS}`;
const rest = useRestApp(WS, ['owner', 'admin', 'member'], 'runboard-rest-ai-eval-');

const dataset = generateDataset({ series: false });

async function importDataset(): Promise<void> {
  const response = await fetch(`${rest.app.baseUrl}${base}/import?format=runboard-json`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${rest.users.admin!.token}`,
      'content-type': 'text/plain; charset=utf-8'
    },
    body: JSON.stringify(toRunboardJson(dataset))
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

function status(reply: RestReply): EvaluationStatusJson {
  expect(reply.status, reply.text).toBe(200);
  return evaluationStatusSchema.parse(reply.body);
}

/** Polls `GET …/ai/evaluation` until the run is no longer running; every answer is kept. */
async function waitForRun(): Promise<EvaluationStatusJson[]> {
  const seen: EvaluationStatusJson[] = [];
  for (let i = 0; i < 600; i++) {
    const s = status(await rest.call('GET', `${base}/ai/evaluation`, undefined, 'admin'));
    seen.push(s);
    if (s.progress.state !== 'running') return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the evaluation did not finish in 60 s');
}

describe('the AI evaluation on the workspace’s own history', () => {
  it('refuses too little history, saying how many finished items are needed', async () => {
    const reply = await rest.call('POST', `${base}/ai/evaluation`, {}, 'admin');
    expect(reply.status, reply.text).toBe(422);
    const body = errorShape.parse(reply.body);
    expect(body.error.code).toBe('too_little_history');
    expect(body.error.message).toContain(`at least ${EVALUATION_MIN_FINISHED}`);
    expect(body.error.details).toMatchObject({ needed: EVALUATION_MIN_FINISHED, finished: 0 });
    const before = status(await rest.call('GET', `${base}/ai/evaluation`, undefined, 'admin'));
    expect(before.result).toBeNull();
    expect(before.progress.state).toBe('idle');
    expect(before.minFinished).toBe(EVALUATION_MIN_FINISHED);
  });

  it('is for admins and owners only: a member gets 403', async () => {
    expect((await rest.call('GET', `${base}/ai/evaluation`, undefined, 'member')).status).toBe(403);
    const post = await rest.call('POST', `${base}/ai/evaluation`, {}, 'member');
    expect(post.status).toBe(403);
    expect(errorShape.parse(post.body).error.code).toBe('forbidden');
    // The body is validated for admins.
    const bad = await rest.call('POST', `${base}/ai/evaluation`, { splitAt: 'soon' }, 'admin');
    expect(bad.status).toBe(400);
  });

  it('replays the imported history with progress: the figures are replay’s', async () => {
    await importDataset();
    const started = await rest.call('POST', `${base}/ai/evaluation`, {}, 'owner');
    expect(started.status, started.text).toBe(202);
    expect(evaluationProgressSchema.parse(started.body).state).toBe('running');
    // A second start while it runs joins the run.
    const again = await rest.call('POST', `${base}/ai/evaluation`, {}, 'admin');
    expect(again.status).toBe(202);
    const seen = await waitForRun();
    const last = seen.at(-1)!;
    expect(last.progress.state, last.progress.error ?? '').toBe('done');
    expect(last.progress.finishedAt).not.toBeNull();
    const result = last.result!;
    expect(result).not.toBeNull();

    // The same items, from the generated set: assignees and labels as the app names them.
    const members = (await rest.call('GET', `${base}/members`)).body as {
      userId: string;
      email: string;
      role: string;
    }[];
    const userOf = new Map(members.map((m) => [m.email, m.userId]));
    const emailOf = new Map(dataset.people.map((p) => [p.id, p.email]));
    const history: HistoryItem[] = dataset.items.map((item) => ({
      id: item.id,
      title: item.title,
      description: item.description,
      kind: item.kind,
      priority: item.priority,
      labels: item.labels,
      assignee: userOf.get(emailOf.get(item.assignee)!) ?? null,
      createdAt: item.createdAt,
      startedAt: item.startedAt,
      acknowledgedAt: item.acknowledgedAt,
      resolvedAt: item.resolvedAt,
      doneAt: item.doneAt,
      finishedAt: item.kind === 'incident' ? item.resolvedAt : item.doneAt,
      durationMinutes: item.durationMinutes
    }));
    expect(history.every((item) => item.assignee !== null)).toBe(true);
    const items = evaluationItems(history);
    const splitAt = lastQuarterSplit(items)!;
    const embedder = new LexicalEmbedder();
    const vectors = await embedder.embed(items.map(historyText));
    const expected = replay(items, vectors, {
      splitAt,
      idf: true,
      membersAt: () =>
        evaluationCandidates(
          members.map((m) => ({ id: m.userId, role: m.role })),
          items
        )
    });

    expect(result.items).toBe(dataset.items.length);
    expect(result.splitAt).toBe(new Date(splitAt).toISOString());
    expect(result.splitChosen).toBe(false);
    expect(result.embedderId).toBe(embedder.id);
    expect(result.startedBy).toBe(rest.users.owner!.userId);
    expect(result.report).toEqual(reportJson(expected));

    // What the figures say on this set: a quarter is tested, every model beats its baseline.
    const r = result.report;
    expect(r.trainItems + r.testItems).toBe(dataset.items.length);
    expect(r.testItems / dataset.items.length).toBeCloseTo(0.25, 1);
    expect(r.duration.n).toBe(r.testItems);
    expect(r.duration.ratio!).toBeLessThan(0.8);
    expect(r.duration.calibration!).toBeGreaterThan(0.6);
    expect(r.assignee.n).toBe(r.testItems);
    expect(r.assignee.top3!).toBeGreaterThan(r.assignee.baselineTop3!);
    expect(r.similar!.paraphrase.queries).toBeGreaterThan(0);
    expect(r.similar!.crossLanguage.queries).toBeGreaterThan(0);
  }, 120_000);

  it('tests from a chosen split date', async () => {
    const started = await rest.call(
      'POST',
      `${base}/ai/evaluation`,
      { splitAt: dataset.items[Math.floor(dataset.items.length / 2)]!.createdAt.slice(0, 10) },
      'admin'
    );
    expect(started.status, started.text).toBe(202);
    const last = (await waitForRun()).at(-1)!;
    expect(last.progress.state).toBe('done');
    expect(last.result!.splitChosen).toBe(true);
    expect(last.result!.splitAt).toMatch(/T00:00:00\.000Z$/);
    const r = last.result!.report;
    expect(r.testItems / dataset.items.length).toBeGreaterThan(0.4);
    expect(r.testItems / dataset.items.length).toBeLessThan(0.6);
    expect(last.result!.startedBy).toBe(rest.users.admin!.userId);
  }, 120_000);

  it('keeps the last result across a restart', async () => {
    const before = status(await rest.call('GET', `${base}/ai/evaluation`, undefined, 'admin'));
    const { dataDir } = rest.app;
    await rest.app.stop();
    const again = await startApp({ dataDir });
    try {
      const response = await fetch(`${again.baseUrl}${base}/ai/evaluation`, {
        headers: { authorization: `Bearer ${rest.users.admin!.token}` }
      });
      expect(response.status).toBe(200);
      const after = evaluationStatusSchema.parse(await response.json());
      expect(after.result).toEqual(before.result);
      expect(after.progress.state).toBe('idle');
    } finally {
      await again.stop();
    }
  }, 60_000);
});
