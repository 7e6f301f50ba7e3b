/**
 * Incident remediation rules against the production app (automation/remediation.ts): an
 * Alertmanager delivery opens an incident through the real hook; a job whose rule matches and
 * is automatic runs once, linked to the incident; a job that does not match never runs; a
 * proposed job and a gated automatic one are listed; the gated one is refused and audited.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runViewSchema } from '../../src/lib/shared/automation/schema';
import { auditEntrySchema } from '../../src/lib/shared/workspaces/schema';
import { useRestApp } from '../helpers/rest';

const WS = 'remediate';
const rest = useRestApp(WS, ['owner', 'viewer'], 'runboard-rest-remediate-');
const base = `/api/v1/workspaces/${WS}`;

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function job(body: Record<string, unknown>): Promise<string> {
  const reply = await rest.call('POST', `${base}/jobs`, { kind: 'shell', ...body });
  expect(reply.status, reply.text).toBe(201);
  return z.object({ id: z.string() }).parse(reply.body).id;
}

async function runsOf(query: string) {
  return z.array(runViewSchema).parse((await rest.call('GET', `${base}/runs?${query}`)).body);
}

describe('incident remediation', () => {
  it('runs an automatic job once when a matching incident opens, and proposes the others', async () => {
    // The fixture's incident has the labels alertname=DiskFull, service=mysql, severity=critical.
    const automatic = await job({
      name: 'free-disk',
      script: 'echo "cleaning $RB_OPTION_TARGET"',
      parameters: [{ name: 'target', type: 'string', default: '/var/log' }],
      remediation: { labels: { alertname: 'DiskFull', service: 'mysql' }, automatic: true }
    });
    const elsewhere = await job({
      name: 'restart-nginx',
      script: 'echo restart',
      remediation: { labels: { alertname: 'DiskFull', service: 'nginx' }, automatic: true }
    });
    const proposed = await job({
      name: 'analyse-disk',
      script: 'echo du',
      remediation: { labels: { alertname: 'DiskFull' } }
    });
    const gated = await job({
      name: 'grow-volume',
      script: 'echo grow',
      requiresChange: true,
      remediation: { labels: { severity: 'critical' }, automatic: true }
    });

    const created = await rest.call('POST', `${base}/integrations`, {
      type: 'alertmanager',
      name: 'AM'
    });
    const { hookPath, secret } = z
      .object({ hookPath: z.string(), secret: z.string() })
      .parse(created.body);
    const payload = JSON.parse(
      readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8')
    ) as unknown;
    const delivered = await fetch(`${rest.app.baseUrl}${hookPath}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload)
    });
    expect(delivered.status).toBe(200);
    const { opened } = z.object({ opened: z.array(z.string()) }).parse(await delivered.json());
    expect(opened).toHaveLength(1);
    const incidentId = opened[0]!;

    const [run] = await until('the automatic run to finish', async () => {
      const runs = await runsOf(`incidentId=${incidentId}`);
      return runs.length > 0 && runs.every((r) => r.state === 'succeeded') ? runs : undefined;
    });
    expect(run).toMatchObject({
      jobId: automatic,
      incidentId,
      trigger: 'incident',
      purpose: 'remediation',
      requestedBy: 'system',
      parameters: { target: '/var/log' }
    });
    const log = await rest.call('GET', `${base}/runs/${run!.id}/log`);
    expect(log.text).toContain('cleaning /var/log');

    // The gated job is refused (no approved change), audited, and never queued.
    const refusal = await until('the refusal in the audit log', async () => {
      const entries = z
        .array(auditEntrySchema)
        .parse((await rest.call('GET', `${base}/audit?action=run.refused`)).body);
      return entries.find((e) => e.target === `job:${gated}`);
    });
    expect(refusal.details).toMatchObject({ code: 'change_required', incidentId });
    expect(await runsOf(`jobId=${gated}`)).toEqual([]);
    expect(await runsOf(`jobId=${elsewhere}`)).toEqual([]);
    expect(await runsOf(`jobId=${proposed}`)).toEqual([]);
    // A re-sent alert group opens nothing, so nothing runs again.
    const resent = await fetch(`${rest.app.baseUrl}${hookPath}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload)
    });
    expect(resent.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await runsOf(`incidentId=${incidentId}`)).toHaveLength(1);

    // Every member may read what remediates the incident, by id or by key.
    const listed = await rest.call(
      'GET',
      `${base}/incidents/${incidentId}/remediations`,
      undefined,
      'viewer'
    );
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body).toEqual([
      {
        jobId: proposed,
        name: 'analyse-disk',
        automatic: false,
        matched: { alertname: 'DiskFull' }
      },
      {
        jobId: automatic,
        name: 'free-disk',
        automatic: true,
        matched: { alertname: 'DiskFull', service: 'mysql' }
      },
      { jobId: gated, name: 'grow-volume', automatic: true, matched: { severity: 'critical' } }
    ]);
    expect((await rest.call('GET', `${base}/incidents/nosuch/remediations`)).status).toBe(404);
  });
});
