/**
 * First-run setup with demo data against the real production app: the board and a runbook
 * library in the language of the request, with tasks linked to the runbooks they need. One
 * fresh app per language, since setup works only once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_TASK_COUNT } from '../../src/lib/server/demo/demo-data';
import { DEMO_RUNBOOKS } from '../../src/lib/server/demo/demo-runbooks';
import { startApp, type TestApp } from '../helpers/app-process';

const apps: TestApp[] = [];

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
});

interface Task {
  id: string;
  title: string;
  links: { type: string; target: string }[];
}
interface RunbookListed {
  id: string;
  title: string;
  tags: string[];
}
interface RunbookDetail {
  id: string;
  title: string;
  linkedTasks: { id: string }[];
}

/** Sets up a fresh app with demo data, asking in `language`; returns a JSON getter. */
async function setUpDemo(language: string, workspaceName: string) {
  const app = await startApp();
  apps.push(app);
  const reply = await fetch(`${app.baseUrl}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': language },
    body: JSON.stringify({
      email: 'ana@example.test',
      password: 'a long and memorable passphrase',
      name: 'Ana',
      workspaceName,
      demo: true
    })
  });
  expect(reply.status, await reply.clone().text()).toBe(201);
  const { workspaceId } = (await reply.json()) as { workspaceId: string };
  const cookie = reply.headers
    .getSetCookie()
    .find((c) => c.startsWith('rb_session='))!
    .split(';')[0]!;
  const request = async (path: string): Promise<Response> => {
    const response = await fetch(`${app.baseUrl}/api/v1/workspaces/${workspaceId}${path}`, {
      headers: { cookie }
    });
    expect(response.status, path).toBe(200);
    return response;
  };
  const get = async <T>(path: string): Promise<T> => (await (await request(path)).json()) as T;
  return { workspaceId, get, request };
}

describe('setup with demo data', () => {
  it.each([
    ['en', 'en-US,en;q=0.9', 'Platform Team', 'platform-team'],
    ['zh-CN', 'zh-CN,zh;q=0.9', '运维平台', 'yun-wei-ping-tai']
  ] as const)(
    '%s: creates the runbooks in that language and links demo tasks to them',
    async (locale, language, workspaceName, expectedId) => {
      const { workspaceId, get, request } = await setUpDemo(language, workspaceName);
      expect(workspaceId).toBe(expectedId);

      const { runbooks } = await get<{ runbooks: RunbookListed[] }>('/runbooks');
      expect(runbooks.map((r) => r.title).sort()).toEqual(
        DEMO_RUNBOOKS.map((r) => r.title[locale]).sort()
      );
      const tls = DEMO_RUNBOOKS.find((r) => r.key === 'tls')!;
      expect(runbooks.find((r) => r.title === tls.title[locale])?.tags.sort()).toEqual(
        [...tls.tags[locale]].sort()
      );

      const tasks = await get<Task[]>('/tasks?limit=100');
      expect(tasks).toHaveLength(DEMO_TASK_COUNT);
      const runbookIds = new Set(runbooks.map((r) => r.id));
      const links = tasks.flatMap((t) => t.links.filter((l) => l.type === 'runbook'));
      expect(links.length).toBeGreaterThanOrEqual(DEMO_RUNBOOKS.length);
      // Every link points at a demo runbook, and every demo runbook is linked.
      for (const link of links) expect(runbookIds.has(link.target)).toBe(true);
      expect(new Set(links.map((l) => l.target))).toEqual(runbookIds);

      // The runbook side sees its open linked tasks, and its content is in the same language.
      for (const runbook of runbooks) {
        const detail = await get<RunbookDetail>(`/runbooks/${runbook.id}`);
        expect(detail.linkedTasks.length, runbook.title).toBeGreaterThanOrEqual(1);
      }
      const failover = runbooks.find(
        (r) => r.title === DEMO_RUNBOOKS.find((d) => d.key === 'failover')!.title[locale]
      )!;
      const markdown = await (await request(`/runbooks/${failover.id}/export?format=md`)).text();
      expect(markdown).toContain('pg_ctl promote');
      expect(markdown).toMatch(/- \[ \] /);
      if (locale === 'zh-CN') expect(markdown).toContain('提升选定的从库');
      else expect(markdown).toContain('Promote the chosen replica');
    }
  );
});
