/**
 * The real Alertmanager delivering to the production app: its webhook points at our hook with
 * the integration secret as bearer, and it groups, waits and re-sends the way it does in the
 * field (group_wait 3s, group_interval 2s, repeat_interval 2s so that an unchanged group is sent
 * again at every group_interval). What the REST suite checks with hand-made deliveries
 * (tests/api/rest-alerts.test.ts), this checks end to end: one incident per group, re-sends
 * change nothing, a second group is a second incident, and a resolved group resolves its
 * incident and moves its card to a done column.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { incidentEventSchema, incidentSchema } from '../../src/lib/shared/alerts/schema';
import { taskSchema } from '../../src/lib/shared/board/schema';
import {
  alertmanagerSkipReason,
  startAlertmanager,
  type PostableAlert,
  type TestAlertmanager
} from '../helpers/alertmanager';
import { useRestApp } from '../helpers/rest';

const WS = 'amintake';
const skip = alertmanagerSkipReason();
const rest = useRestApp(WS, ['owner'], 'runboard-am-intake-');
const base = `/api/v1/workspaces/${WS}`;

const incidentView = incidentSchema.extend({ events: z.array(incidentEventSchema) });
type IncidentView = z.infer<typeof incidentView>;
const integrationReply = z.object({
  id: z.string(),
  secret: z.string(),
  hookPath: z.string()
});
const integrationView = z.object({ id: z.string(), lastReceivedAt: z.string().nullable() });

/** The bound of every wait below: Alertmanager's timers are seconds, a busy machine slower. */
const waitMs = 30_000;

const startsAt = new Date(Date.now() - 60_000).toISOString();
const groupA: PostableAlert[] = ['db-1', 'db-2'].map((host) => ({
  labels: {
    alertname: 'AmIntakeDiskFull',
    severity: 'critical',
    instance: `${host}:9100`,
    service: 'mysql'
  },
  annotations: { summary: `Disk almost full on ${host}` },
  startsAt,
  generatorURL: `http://prometheus.example:9090/graph?g0.expr=disk_free_ratio+%3C+0.05`
}));
const groupB: PostableAlert[] = [
  {
    labels: { alertname: 'AmIntakeApiLatency', severity: 'warning', instance: 'api-1:8080' },
    annotations: { summary: 'p99 latency above 2s' },
    startsAt
  }
];

async function incidents(): Promise<z.infer<typeof incidentSchema>[]> {
  const reply = await rest.call('GET', `${base}/incidents?limit=500`);
  expect(reply.status, reply.text).toBe(200);
  return z.array(incidentSchema).parse(reply.body);
}

async function incident(id: string): Promise<IncidentView> {
  const reply = await rest.call('GET', `${base}/incidents/${id}`);
  expect(reply.status, reply.text).toBe(200);
  return incidentView.parse(reply.body);
}

/** Polls `probe` every 200 ms until it returns a value, or fails after `waitMs`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The category (todo, in_progress, done) of the column the card is in. */
async function cardCategory(taskId: string): Promise<string | undefined> {
  const task = await rest.call('GET', `${base}/tasks/${taskId}`);
  expect(task.status, task.text).toBe(200);
  const status = taskSchema.parse(task.body).status;
  const columns = await rest.call('GET', `${base}/columns`);
  const list = z.array(z.object({ id: z.string(), category: z.string() })).parse(columns.body);
  return list.find((column) => column.id === status)?.category;
}

/** Alertmanager's own count of webhook notifications, by outcome (its /metrics). */
async function notifications(alertmanager: TestAlertmanager) {
  const text = await (await fetch(`${alertmanager.url}/metrics`)).text();
  const read = (name: string) =>
    Number(
      new RegExp(`^${name}\\{[^}]*integration="webhook"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ??
        NaN
    );
  return {
    sent: read('alertmanager_notifications_total'),
    failed: read('alertmanager_notifications_failed_total')
  };
}

describe.skipIf(skip)(
  'Alertmanager → Runboard (real prometheus-alertmanager, production app)',
  () => {
    let alertmanager: TestAlertmanager;
    let integrationId = '';
    let incidentA = '';

    beforeAll(async () => {
      const created = await rest.call('POST', `${base}/integrations`, {
        type: 'alertmanager',
        name: 'Alertmanager (test)'
      });
      expect(created.status, created.text).toBe(201);
      const integration = integrationReply.parse(created.body);
      integrationId = integration.id;
      alertmanager = await startAlertmanager({
        webhookUrl: `${rest.app.baseUrl}${integration.hookPath}`,
        bearer: integration.secret,
        groupBy: ['alertname'],
        // Long enough that a loaded CI machine has both alerts of a posted group in Alertmanager
        // before its first flush (at 1s, one run saw the group sent first with one alert).
        groupWait: '3s',
        groupInterval: '2s',
        // Equal to group_interval: an unchanged group is sent again at every flush, which is
        // what a long-firing group does in the field once repeat_interval has passed.
        repeatInterval: '2s'
      });
    }, 60_000);

    afterAll(async () => {
      // By pid (the helper kills its own child, then removes its temp dir); the app after it.
      await alertmanager?.stop();
    });

    const lastReceivedAt = async () => {
      const reply = await rest.call('GET', `${base}/integrations/${integrationId}`);
      expect(reply.status, reply.text).toBe(200);
      return integrationView.parse(reply.body).lastReceivedAt;
    };

    it('opens one incident for a group, and its re-sends change nothing', async () => {
      await alertmanager.postAlerts(groupA);
      const [opened] = await waitFor('one incident', async () => {
        const list = await incidents();
        return list.length > 0 ? list : undefined;
      });
      incidentA = opened!.id;

      // Two re-sends of the unchanged group at least: the integration's last delivery moves on
      // twice after the one that opened the incident.
      const seen = new Set([await lastReceivedAt()]);
      await waitFor('two re-sends', async () => {
        seen.add(await lastReceivedAt());
        return seen.size >= 3 ? true : undefined;
      });

      expect(await incidents()).toHaveLength(1);
      const view = await incident(incidentA);
      expect(view).toMatchObject({ state: 'triggered', severity: 'critical' });
      expect(view.occurrences).toHaveLength(2);
      expect(view.occurrences.every((o) => o.status === 'firing')).toBe(true);
      expect(view.events.map((e) => e.type)).toEqual(['opened']);
      expect(await cardCategory(incidentA)).toBe('todo');

      const counted = await notifications(alertmanager);
      expect(counted.sent).toBeGreaterThanOrEqual(3);
      expect(counted.failed).toBe(0);
    });

    it('opens a second incident for a second group', async () => {
      await alertmanager.postAlerts(groupB);
      const list = await waitFor('a second incident', async () => {
        const all = await incidents();
        return all.length >= 2 ? all : undefined;
      });
      expect(list).toHaveLength(2);
      const b = list.find((i) => i.id !== incidentA)!;
      expect(b).toMatchObject({ state: 'triggered', severity: 'warning' });
      expect(b.occurrences).toHaveLength(1);
      // A is as it was.
      expect((await incident(incidentA)).occurrences).toHaveLength(2);
    });

    it('resolves the incident of a resolved group and moves its card to done', async () => {
      const endsAt = new Date(Date.now() - 1_000).toISOString();
      await alertmanager.postAlerts(groupA.map((alert) => ({ ...alert, endsAt })));
      const resolved = await waitFor('incident A resolved', async () => {
        const view = await incident(incidentA);
        return view.state === 'resolved' ? view : undefined;
      });
      expect(resolved.resolvedBy).toBeNull();
      expect(resolved.occurrences).toHaveLength(2);
      expect(resolved.occurrences.every((o) => o.status === 'resolved' && o.endsAt)).toBe(true);
      expect(resolved.events.map((e) => e.type)).toEqual([
        'opened',
        'alert_resolved',
        'alert_resolved',
        'resolved'
      ]);
      // The card follows the rows right after the transaction; allow it the same bound.
      await waitFor('card A in a done column', async () =>
        (await cardCategory(incidentA)) === 'done' ? true : undefined
      );

      const list = await incidents();
      expect(list).toHaveLength(2);
      const b = list.find((i) => i.id !== incidentA)!;
      expect(b.state).toBe('triggered');
      expect(await cardCategory(b.id)).toBe('todo');
      expect((await notifications(alertmanager)).failed).toBe(0);
    });
  }
);
