/**
 * The same figures from the reports API and from GET /metrics after the same events, through
 * the built app's REST API: an incident opened by an Alertmanager delivery, acknowledged after
 * about 1.5 s and resolved; a change completed and one rejected; automation runs that succeed,
 * fail; a task started and moved to done. `GET reports/kpis` and the exposition agree: MTTA mean equals
 * `runboard_incident_acknowledge_seconds_sum / _count` of the workspace (within 1 s), MTTR the
 * same for resolve, and the counts of changes by outcome, runs by state and tasks done are equal. Also the
 * query validation (400s) and the definition texts in both languages.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { tempDataDir } from '../helpers/sync-server';
import { reportFigure } from '../../src/lib/shared/reports/kpi-definitions';

const WS = 'kpis';
const base = `/api/v1/workspaces/${WS}`;
let app: TestApp;
let users: Record<string, SeededUser>;

interface Reply {
  status: number;
  text: string;
  body: unknown;
}

async function call(method: string, path: string, body?: unknown, as = 'owner'): Promise<Reply> {
  const headers: Record<string, string> = { authorization: `Bearer ${users[as]!.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json') && text !== '';
  return { status: response.status, text, body: json ? (JSON.parse(text) as unknown) : undefined };
}

async function ok(reply: Promise<Reply>, status = 200): Promise<Record<string, unknown>> {
  const got = await reply;
  expect(got.status, got.text).toBe(status);
  return got.body as Record<string, unknown>;
}

/** Samples of `name` for this workspace, by their other labels joined (`severity=high`). */
async function samples(name: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = [...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]);
    if (!labels.some(([k, v]) => k === 'workspace' && v === WS)) continue;
    const key = labels
      .filter(([k]) => k !== 'workspace')
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    found.set(key, Number(match[3]));
  }
  return found;
}

const sum = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);

async function waitRun(id: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = await ok(call('GET', `${base}/runs/${id}`));
    if (!['queued', 'running'].includes(run['state'] as string)) return run['state'] as string;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${String(run['state'])}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('reports/kpis and /metrics agree', () => {
  const from = new Date(Date.now() - 3_600_000).toISOString();
  beforeAll(async () => {
    const dataDir = tempDataDir('runboard-reports-kpis-');
    users = await seedWorkspace(dataDir, WS, ['owner', 'admin', 'viewer']);
    app = await startApp({ dataDir });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('gives the same MTTA, MTTR and counts after the same events', async () => {
    // An incident from an Alertmanager delivery, acknowledged ~1.5 s later, then resolved.
    const integration = await ok(
      call('POST', `${base}/integrations`, { type: 'alertmanager', name: 'Prod' }),
      201
    );
    // The group fires as a warning; after the acknowledgement a third alert of the group fires
    // as critical, so the incident is a warning when acknowledged and critical when resolved:
    // both sources group MTTA and MTTR by the severity at the event.
    const payload = JSON.parse(
      readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8')
    ) as { alerts: { labels: Record<string, string>; fingerprint: string }[] } & Record<
      string,
      unknown
    >;
    for (const alert of payload.alerts) alert.labels['severity'] = 'warning';
    (payload['commonLabels'] as Record<string, string>)['severity'] = 'warning';
    const deliver = (body: unknown) =>
      fetch(`${app.baseUrl}${integration['hookPath'] as string}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${integration['secret'] as string}`,
          'content-type': 'application/json'
        },
        body: JSON.stringify(body)
      });
    const delivered = await deliver(payload);
    expect(delivered.status).toBe(200);
    const { opened } = (await delivered.json()) as { opened: string[] };
    expect(opened).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500));
    await ok(call('POST', `${base}/incidents/${opened[0]}/acknowledge`, {}));
    const third = {
      ...structuredClone(payload.alerts[0]!),
      fingerprint: 'aa00aa00aa00aa00',
      labels: { ...payload.alerts[0]!.labels, instance: 'db-3:9100', severity: 'critical' }
    };
    expect((await deliver({ ...payload, alerts: [...payload.alerts, third] })).status).toBe(200);
    const raised = await ok(call('GET', `${base}/incidents/${opened[0]}`));
    expect(raised['severity']).toBe('critical');
    await new Promise((r) => setTimeout(r, 500));
    await ok(call('POST', `${base}/incidents/${opened[0]}/resolve`, {}));

    // A completed emergency change and a rejected one.
    const window = {
      windowStart: new Date(Date.now() + 60_000).toISOString(),
      windowEnd: new Date(Date.now() + 3_660_000).toISOString()
    };
    const done = await ok(
      call('POST', `${base}/changes`, { title: 'Hotfix', type: 'emergency', ...window }),
      201
    );
    for (const to of ['submitted', 'in_progress', 'completed']) {
      await ok(call('POST', `${base}/changes/${done['id'] as string}/transitions`, { to }));
    }
    const rejected = await ok(
      call('POST', `${base}/changes`, { title: 'Risky', type: 'normal', ...window }),
      201
    );
    await ok(
      call('POST', `${base}/changes/${rejected['id'] as string}/transitions`, { to: 'submitted' })
    );
    await ok(
      call(
        'POST',
        `${base}/changes/${rejected['id'] as string}/approvals`,
        {
          decision: 'reject',
          comment: 'no'
        },
        'admin'
      ),
      201
    );

    // Runs: two succeed, one fails.
    const job = await ok(
      call('POST', `${base}/jobs`, { name: 'ok', kind: 'shell', script: 'true' }),
      201
    );
    const bad = await ok(
      call('POST', `${base}/jobs`, { name: 'bad', kind: 'shell', script: 'exit 3' }),
      201
    );
    const states: string[] = [];
    for (const id of [job['id'], job['id'], bad['id']] as string[]) {
      const run = await ok(call('POST', `${base}/jobs/${id}/runs`, {}), 202);
      states.push(await waitRun(run['id'] as string));
    }
    expect(states.sort()).toEqual(['failed', 'succeeded', 'succeeded']);

    // A plain task started and moved to done through the REST API.
    const columns = (await ok(call('GET', `${base}/columns`))) as unknown as {
      id: string;
      category: string;
    }[];
    const column = (category: string) => columns.find((c) => c.category === category)!.id;
    const task = await ok(call('POST', `${base}/tasks`, { title: 'Patch the VPN gateway' }), 201);
    // Done, moved out of done and back in: one task done, in both sources (its first completion).
    for (const category of ['in_progress', 'done', 'in_progress', 'done']) {
      await ok(
        call('PATCH', `${base}/tasks/${task['id'] as string}`, { status: column(category) })
      );
    }
    // The counter is told within the board transaction of each move: it is final here.
    expect(sum(await samples('runboard_tasks_done_total'))).toBe(1);

    const to = new Date(Date.now() + 3_600_000).toISOString();
    // The card mirror and the activity recorder follow the board document: wait for both.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const done = sum(await samples('runboard_tasks_done_total'));
      const reported = await ok(call('GET', `${base}/reports/kpis?from=${from}&to=${to}`));
      if (done === 1 && reported['throughput'] === 1) break;
      if (Date.now() > deadline) {
        throw new Error(`tasks done: metric ${done}, report ${String(reported['throughput'])}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const report = await ok(
      call('GET', `${base}/reports/kpis?from=${from}&to=${to}`, undefined, 'viewer')
    );
    const figures = report['figures'] as Record<string, Record<string, unknown>>;

    // Severity at the event, in both: acknowledged as a warning, resolved as critical.
    const ackCounts = await samples('runboard_incident_acknowledge_seconds_count');
    const resolveCounts = await samples('runboard_incident_resolve_seconds_count');
    // Every severity's series exists from the start (at 0): one observation each, where it was.
    expect(Object.fromEntries(ackCounts)).toEqual({
      'severity=critical': 0,
      'severity=high': 0,
      'severity=warning': 1,
      'severity=info': 0
    });
    expect(Object.fromEntries(resolveCounts)).toEqual({
      'severity=critical': 1,
      'severity=high': 0,
      'severity=warning': 0,
      'severity=info': 0
    });
    const mttaBy = figures['mtta']!['bySeverity'] as Record<string, { count: number }>;
    const mttrBy = figures['mttr']!['bySeverity'] as Record<string, { count: number }>;
    for (const severity of ['critical', 'high', 'warning', 'info']) {
      expect(mttaBy[severity]!.count, severity).toBe(ackCounts.get(`severity=${severity}`) ?? 0);
      expect(mttrBy[severity]!.count, severity).toBe(
        resolveCounts.get(`severity=${severity}`) ?? 0
      );
    }
    // The drill-down lists what the figures counted.
    const items = async (figure: string) =>
      (await ok(
        call(
          'GET',
          `${base}/reports/items?figure=${figure}&from=${from}&to=${to}`,
          undefined,
          'viewer'
        )
      )) as unknown as { id: string; url: string; type: string }[];
    const doneItems = await items('throughput');
    expect(doneItems.map((i) => i.id)).toEqual([task['id']]);
    expect(doneItems[0]!.url).toMatch(new RegExp(`^/w/${WS}/tasks/`));
    expect((await items('mttr')).map((i) => i.id)).toEqual([opened[0]]);
    expect(await items('automation_runs')).toHaveLength(3);
    const critical = await ok(
      call('GET', `${base}/reports/kpis?from=${from}&to=${to}&severity=critical&compare=previous`)
    );
    expect(critical['incidents']).toBe(1);
    expect(critical['unfiltered']).toContain('throughput');
    expect((critical['previous'] as Record<string, unknown>)['incidents']).toBe(0);
    expect(
      (await ok(call('GET', `${base}/reports/kpis?from=${from}&to=${to}&severity=info`)))[
        'incidents'
      ]
    ).toBe(0);

    const ackSum = sum(await samples('runboard_incident_acknowledge_seconds_sum'));
    const ackCount = sum(await samples('runboard_incident_acknowledge_seconds_count'));
    expect(ackCount).toBe(1);
    expect(figures['mtta']!['count']).toBe(1);
    const mtta = report['mttaSeconds'] as number;
    expect(mtta).toBeGreaterThanOrEqual(1.4);
    expect(Math.abs(mtta - ackSum / ackCount)).toBeLessThan(1);
    const resolveSum = sum(await samples('runboard_incident_resolve_seconds_sum'));
    const resolveCount = sum(await samples('runboard_incident_resolve_seconds_count'));
    expect(resolveCount).toBe(1);
    expect(Math.abs((report['mttrSeconds'] as number) - resolveSum / resolveCount)).toBeLessThan(1);
    expect(report['incidents']).toBe(1);
    expect(figures['incidents']).toMatchObject({ opened: 1, resolved: 1, openAtEnd: 0 });

    const outcomes = await samples('runboard_changes_finished_total');
    // Every outcome's series exists from the start (at 0 until it happens): all five agree.
    expect(Object.fromEntries(outcomes)).toEqual({
      'outcome=completed': 1,
      'outcome=rejected': 1,
      'outcome=failed': 0,
      'outcome=rolled_back': 0,
      'outcome=cancelled': 0
    });
    const byOutcome = figures['changesFinished']!['byOutcome'] as Record<string, number>;
    for (const [key, n] of outcomes) expect(byOutcome[key.slice('outcome='.length)]).toBe(n);
    expect(figures['changesFinished']!['value']).toBe(sum(outcomes));
    expect(report['changeSuccessRate']).toBe(1);
    expect(report['throughput']).toBe(1);
    expect(figures['cycleTime']!['count']).toBe(1);
    expect(figures['workInProgress']!['value']).toBe(0);

    const runs = await samples('runboard_automation_runs_total');
    expect(Object.fromEntries(runs)).toEqual({
      'state=succeeded': 2,
      'state=failed': 1,
      'state=timed_out': 0,
      'state=cancelled': 0,
      'state=interrupted': 0
    });
    const byState = figures['automationRuns']!['byState'] as Record<string, number>;
    for (const [key, n] of runs) expect(byState[key.slice('state='.length)]).toBe(n);
    expect(figures['automationRuns']!['value']).toBe(sum(runs));
    expect(figures['automationSuccessRate']!['value']).toBeCloseTo(2 / 3, 10);

    // The definition the API gives is the metric's HELP line.
    const exposition = await (await fetch(`${app.baseUrl}/metrics`)).text();
    const definition = figures['mtta']!['definition'] as { text: string; version: number };
    expect(exposition).toContain(`# HELP runboard_incident_acknowledge_seconds ${definition.text}`);
    const zh = await ok(call('GET', `${base}/reports/kpis?from=${from}&to=${to}&locale=zh-CN`));
    expect(
      (zh['figures'] as Record<string, { definition: { text: string } }>)['mttr']!.definition.text
    ).toBe(reportFigure('mttr').text['zh-CN']);
  });

  it('refuses a bad range with 400', async () => {
    const kpis = (query: string) => call('GET', `${base}/reports/kpis?${query}`);
    for (const query of [
      'from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
      'from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      'from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      'from=yesterday&to=2026-01-01T00:00:00Z',
      'to=2026-01-01T00:00:00Z',
      'from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&timeZone=Mars/Olympus',
      'from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&severity=dire',
      'from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&compare=next'
    ]) {
      const reply = await kpis(query);
      expect(reply.status, `${query}: ${reply.text}`).toBe(400);
    }
    expect(
      (await kpis('from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&timeZone=Asia/Shanghai'))
        .status
    ).toBe(200);
    const items = (query: string) => call('GET', `${base}/reports/items?${query}`);
    expect(
      (await items('figure=nope&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z')).status
    ).toBe(400);
    expect(
      (await items('figure=mttr&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')).status
    ).toBe(400);
    const empty = await items(
      'figure=mttr&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&limit=5'
    );
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual([]);
  });
});
