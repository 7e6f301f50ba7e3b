/**
 * What the incident pages and the integration settings compute (src/lib/alerts): the moves a
 * state allows, the list order, which alert links may be rendered, and the configuration
 * snippets, the Alertmanager one checked by the real `amtool check-config` (Debian
 * prometheus-alertmanager) when it is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allowedMoves,
  httpUrl,
  occurrenceLinks,
  sortIncidents
} from '../../src/lib/alerts/incident-view';
import {
  alertmanagerYaml,
  curlExample,
  genericTestBody
} from '../../src/lib/alerts/integration-snippets';
import { genericMappingSchema, type Occurrence } from '../../src/lib/shared/alerts/schema';

const AMTOOL = process.env.AMTOOL_BIN ?? '/usr/bin/amtool';
const hasAmtool = spawnSync(AMTOOL, ['--version']).status === 0;

describe('incident moves', () => {
  it('offers only what the lifecycle allows', () => {
    expect(allowedMoves('triggered').map((move) => move.verb)).toEqual(['acknowledge', 'resolve']);
    expect(allowedMoves('acknowledged').map((move) => move.verb)).toEqual(['resolve']);
    expect(allowedMoves('resolved').map((move) => move.verb)).toEqual(['close']);
    expect(allowedMoves('closed')).toEqual([]);
  });

  it('lists open incidents first, the worst first, then the rest newest first', () => {
    const incident = (id: string, state: string, severity: string, openedAt: string) =>
      ({ id, state, severity, openedAt }) as const;
    const sorted = sortIncidents([
      incident('old-resolved', 'resolved', 'critical', '2026-01-01T00:00:00.000Z'),
      incident('warning-new', 'triggered', 'warning', '2026-01-05T00:00:00.000Z'),
      incident('critical-old', 'acknowledged', 'critical', '2026-01-02T00:00:00.000Z'),
      incident('new-closed', 'closed', 'info', '2026-01-06T00:00:00.000Z'),
      incident('critical-new', 'triggered', 'critical', '2026-01-03T00:00:00.000Z')
    ] as Parameters<typeof sortIncidents>[0]);
    expect(sorted.map((entry) => entry.openedAt)).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
      '2026-01-05T00:00:00.000Z',
      '2026-01-06T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z'
    ]);
  });
});

describe('alert links', () => {
  it('renders absolute http(s) URLs only', () => {
    expect(httpUrl('https://grafana.example/d/abc?orgId=1')).toBe(
      'https://grafana.example/d/abc?orgId=1'
    );
    expect(httpUrl(' http://prom:9090/graph ')).toBe('http://prom:9090/graph');
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<b>x</b>',
      '//evil.example/x',
      '/w/ws/board',
      'ftp://files.example/x',
      'https://',
      '',
      undefined,
      null
    ]) {
      expect(httpUrl(bad), String(bad)).toBeNull();
    }
  });

  it('takes the runbook, dashboard, panel and source links of an occurrence', () => {
    const occurrence: Occurrence = {
      fingerprint: 'f1',
      startsAt: '2026-01-01T00:00:00.000Z',
      status: 'firing',
      labels: {},
      annotations: {
        runbook_url: 'https://wiki.example/runbooks/disk',
        dashboardURL: 'javascript:alert(1)',
        panelURL: 'https://grafana.example/d/x?viewPanel=2'
      },
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
      lastReceivedAt: '2026-01-01T00:00:00.000Z'
    };
    expect(occurrenceLinks(occurrence)).toEqual([
      { kind: 'runbook_url', href: 'https://wiki.example/runbooks/disk' },
      { kind: 'panelURL', href: 'https://grafana.example/d/x?viewPanel=2' },
      { kind: 'generatorURL', href: 'http://prometheus:9090/graph?g0.expr=up' }
    ]);
  });
});

describe('integration snippets', () => {
  const url = 'https://runboard.example/api/v1/hooks/alertmanager/abc123';
  const secret = 'rbi_secretvalue';

  it.skipIf(!hasAmtool)('gives an Alertmanager receiver that amtool accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runboard-amtool-'));
    try {
      const file = join(dir, 'alertmanager.yml');
      writeFileSync(file, `route:\n  receiver: runboard\n${alertmanagerYaml(url, secret)}\n`);
      const out = execFileSync(AMTOOL, ['check-config', file], { encoding: 'utf8' });
      expect(out).toContain('SUCCESS');
      expect(out).toMatch(/1 receivers/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a curl command whose body the shell expands to valid JSON with a start time', () => {
    const command = curlExample('alertmanager', url, secret);
    expect(command).toContain(`'Authorization: Bearer ${secret}'`);
    // The -d argument as bash sees it (the command substitution for the time included).
    const data = command.slice(command.indexOf('-d ') + 3);
    const body = execFileSync('bash', ['-c', `printf %s ${data}`], { encoding: 'utf8' });
    const parsed = JSON.parse(body) as { alerts: { startsAt: string; status: string }[] };
    expect(parsed.alerts[0]?.status).toBe('firing');
    expect(parsed.alerts[0]?.startsAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('shapes the generic test alert by the field mapping', () => {
    const mapping = genericMappingSchema.parse({
      alerts: 'data.items',
      title: 'event.name',
      fingerprint: 'event.id',
      status: 'state',
      labels: { host: 'event.host' }
    });
    expect(genericTestBody(mapping)).toEqual({
      data: {
        items: [
          {
            event: { name: 'Runboard test alert', id: 'runboard-test', host: 'test' },
            state: 'firing'
          }
        ]
      }
    });
  });
});
