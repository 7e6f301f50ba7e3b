/**
 * The real Alertmanager against a capture server: what its webhook really sends, grouped and
 * resolved, with our bearer secret. This pins the payload shape the intake parses
 * (tests/fixtures/alerts/alertmanager-*.json are recorded from this run with
 * `RECORD_ALERT_FIXTURES=1`).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertmanagerSkipReason,
  startAlertmanager,
  startCaptureServer,
  type CaptureServer,
  type CapturedRequest,
  type PostableAlert,
  type TestAlertmanager
} from '../helpers/alertmanager';

/** Alertmanager's webhook body (version "4"), as far as this test reads it. */
interface AlertmanagerWebhook {
  version: string;
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: {
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }[];
}

const skip = alertmanagerSkipReason();
const secret = 'test-secret-4f1c9a';
const hookPath = '/api/v1/hooks/alertmanager/int-harness';
const fixturesDir = resolve(import.meta.dirname, '../fixtures/alerts');
const record = process.env.RECORD_ALERT_FIXTURES === '1';

const startsAt = new Date(Date.now() - 60_000).toISOString();
const diskAlerts: PostableAlert[] = ['db-1', 'db-2'].map((host) => ({
  labels: {
    alertname: 'DiskFull',
    severity: 'critical',
    instance: `${host}:9100`,
    service: 'mysql'
  },
  annotations: {
    summary: `Disk almost full on ${host}`,
    runbook_url: 'https://runbooks.example/disk'
  },
  startsAt,
  generatorURL: `http://prometheus.example:9090/graph?g0.expr=disk_free_ratio%7Binstance%3D%22${host}%3A9100%22%7D+%3C+0.05`
}));
const apiAlert: PostableAlert = {
  labels: { alertname: 'ApiLatencyHigh', severity: 'warning', instance: 'api-1:8080' },
  annotations: { summary: 'p99 latency above 2s' },
  startsAt,
  generatorURL: 'http://prometheus.example:9090/graph?g0.expr=api_latency_p99+%3E+2'
};

/** Polls the capture server until a webhook body matches, or fails after `timeoutMs`. */
async function waitForDelivery(
  capture: CaptureServer,
  match: (body: AlertmanagerWebhook) => boolean,
  what: string,
  timeoutMs = 20_000
): Promise<{ request: CapturedRequest; body: AlertmanagerWebhook }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const request = capture.requests.find((r) => match(r.body as AlertmanagerWebhook));
    if (request) return { request, body: request.body as AlertmanagerWebhook };
    if (Date.now() > deadline) {
      throw new Error(
        `no ${what} within ${timeoutMs} ms; received:\n${JSON.stringify(
          capture.requests.map((r) => r.body),
          null,
          2
        )}`
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function writeFixture(name: string, body: unknown): void {
  writeFileSync(resolve(fixturesDir, name), `${JSON.stringify(body, null, 2)}\n`);
}

const isDiskGroup = (body: AlertmanagerWebhook) => body.groupLabels?.alertname === 'DiskFull';
const isApiGroup = (body: AlertmanagerWebhook) => body.groupLabels?.alertname === 'ApiLatencyHigh';

describe.skipIf(skip)('Alertmanager webhook (real prometheus-alertmanager)', () => {
  let capture: CaptureServer;
  let alertmanager: TestAlertmanager;

  beforeAll(async () => {
    capture = await startCaptureServer();
    alertmanager = await startAlertmanager({
      webhookUrl: `${capture.url}${hookPath}`,
      bearer: secret,
      receiver: 'runboard'
    });
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await capture?.close();
  });

  it('delivers one firing notification per group, with the bearer secret', async () => {
    await alertmanager.postAlerts([...diskAlerts, apiAlert]);

    const disk = await waitForDelivery(
      capture,
      (b) => isDiskGroup(b) && b.status === 'firing',
      'firing DiskFull group'
    );
    const api = await waitForDelivery(
      capture,
      (b) => b.groupLabels?.alertname === 'ApiLatencyHigh' && b.status === 'firing',
      'firing ApiLatencyHigh group'
    );

    for (const { request } of [disk, api]) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe(hookPath);
      expect(request.headers.authorization).toBe(`Bearer ${secret}`);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toMatch(/^Alertmanager\//);
    }

    const body = disk.body;
    expect(Object.keys(body).sort()).toEqual(
      [
        'alerts',
        'commonAnnotations',
        'commonLabels',
        'externalURL',
        'groupKey',
        'groupLabels',
        'receiver',
        'status',
        'truncatedAlerts',
        'version'
      ].sort()
    );
    expect(body.version).toBe('4');
    expect(body.groupKey).toBe('{}:{alertname="DiskFull"}');
    expect(body.receiver).toBe('runboard');
    expect(body.truncatedAlerts).toBe(0);
    expect(body.externalURL).toBe(alertmanager.url);
    expect(body.groupLabels).toEqual({ alertname: 'DiskFull' });
    expect(body.commonLabels).toEqual({
      alertname: 'DiskFull',
      severity: 'critical',
      service: 'mysql'
    });
    expect(body.commonAnnotations).toEqual({ runbook_url: 'https://runbooks.example/disk' });
    expect(body.alerts).toHaveLength(2);
    const byInstance = new Map(body.alerts.map((a) => [a.labels.instance, a]));
    for (const sent of diskAlerts) {
      const got = byInstance.get(sent.labels.instance!);
      expect(got).toBeDefined();
      expect(Object.keys(got!).sort()).toEqual(
        [
          'annotations',
          'endsAt',
          'fingerprint',
          'generatorURL',
          'labels',
          'startsAt',
          'status'
        ].sort()
      );
      expect(got!.status).toBe('firing');
      expect(got!.labels).toEqual(sent.labels);
      expect(got!.annotations).toEqual(sent.annotations);
      expect(new Date(got!.startsAt).toISOString()).toBe(startsAt);
      // A firing alert posted without endsAt carries Alertmanager's zero time.
      expect(got!.endsAt).toBe('0001-01-01T00:00:00Z');
      expect(got!.generatorURL).toBe(sent.generatorURL);
      expect(got!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(new Set(body.alerts.map((a) => a.fingerprint)).size).toBe(2);

    expect(api.body.groupKey).toBe('{}:{alertname="ApiLatencyHigh"}');
    expect(api.body.alerts).toHaveLength(1);
    expect(api.body.alerts[0]!.labels).toEqual(apiAlert.labels);

    if (record) writeFixture('alertmanager-firing.json', body);
  });

  it('sends a resolved notification when a group ends', async () => {
    const before = capture.requests.length;
    const endsAt = new Date(Date.now() - 1_000).toISOString();
    await alertmanager.postAlerts(diskAlerts.map((alert) => ({ ...alert, endsAt })));

    const { request, body } = await waitForDelivery(
      capture,
      (b) => isDiskGroup(b) && b.status === 'resolved',
      'resolved DiskFull group'
    );
    expect(request.headers.authorization).toBe(`Bearer ${secret}`);
    expect(body.version).toBe('4');
    expect(body.groupKey).toBe('{}:{alertname="DiskFull"}');
    expect(body.alerts).toHaveLength(2);
    const firing = capture.requests
      .slice(0, before)
      .map((r) => r.body as AlertmanagerWebhook)
      .find((b) => isDiskGroup(b) && b.status === 'firing')!;
    const fingerprints = (b: AlertmanagerWebhook) => b.alerts.map((a) => a.fingerprint).sort();
    // Same labels, same fingerprint: this is how intake matches a resolve to its occurrence.
    expect(fingerprints(body)).toEqual(fingerprints(firing));
    for (const alert of body.alerts) {
      expect(alert.status).toBe('resolved');
      expect(new Date(alert.startsAt).toISOString()).toBe(startsAt);
      expect(new Date(alert.endsAt).toISOString()).toBe(endsAt);
    }
    // The other group is untouched: no resolved notification for it.
    expect(
      capture.requests.some(
        (r) =>
          (r.body as AlertmanagerWebhook).groupLabels?.alertname === 'ApiLatencyHigh' &&
          (r.body as AlertmanagerWebhook).status === 'resolved'
      )
    ).toBe(false);

    if (record) writeFixture('alertmanager-resolved.json', body);
  });

  it('reports a group with one alert resolved as firing, each alert with its own status', async () => {
    const second: PostableAlert = {
      ...apiAlert,
      labels: { ...apiAlert.labels, instance: 'api-2:8080' }
    };
    await alertmanager.postAlerts([second]);
    await waitForDelivery(
      capture,
      (b) => isApiGroup(b) && b.alerts.length === 2 && b.status === 'firing',
      'ApiLatencyHigh group with two firing alerts'
    );

    const endsAt = new Date(Date.now() - 1_000).toISOString();
    await alertmanager.postAlerts([{ ...apiAlert, endsAt }]);
    const { body } = await waitForDelivery(
      capture,
      (b) => isApiGroup(b) && b.alerts.some((a) => a.status === 'resolved'),
      'ApiLatencyHigh group with one alert resolved'
    );
    // The group still fires: intake must read each alert's status, not only the group's.
    expect(body.status).toBe('firing');
    const statuses = Object.fromEntries(body.alerts.map((a) => [a.labels.instance, a.status]));
    expect(statuses).toEqual({ 'api-1:8080': 'resolved', 'api-2:8080': 'firing' });
    const resolved = body.alerts.find((a) => a.status === 'resolved')!;
    expect(new Date(resolved.endsAt).toISOString()).toBe(endsAt);

    if (record) writeFixture('alertmanager-partly-resolved.json', body);
  });
});

describe.skipIf(skip)('Alertmanager webhook max_alerts', () => {
  let capture: CaptureServer;
  let alertmanager: TestAlertmanager;

  beforeAll(async () => {
    capture = await startCaptureServer();
    alertmanager = await startAlertmanager({
      webhookUrl: `${capture.url}${hookPath}`,
      maxAlerts: 1
    });
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await capture?.close();
  });

  it('sends max_alerts alerts and counts the rest in truncatedAlerts', async () => {
    await alertmanager.postAlerts(
      ['db-1', 'db-2', 'db-3'].map((host) => ({
        labels: { alertname: 'DiskFull', instance: `${host}:9100` },
        startsAt
      }))
    );
    // The group's first notification may go out before all three are in it (group_wait 1 s on
    // a loaded machine; a clean-clone CI run saw it with one): the one that counts all three
    // follows within group_interval.
    const { request, body } = await waitForDelivery(
      capture,
      (b) => isDiskGroup(b) && b.alerts.length + (b.truncatedAlerts ?? 0) === 3,
      'DiskFull group with all three alerts counted'
    );
    expect(request.headers.authorization).toBeUndefined();
    expect(body.status).toBe('firing');
    expect(body.alerts).toHaveLength(1);
    expect(body.truncatedAlerts).toBe(2);
  });
});
