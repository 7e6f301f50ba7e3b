/**
 * The curl examples the settings page hands out after creating an integration
 * (src/lib/alerts/integration-snippets.ts), run as written by bash and the real curl against
 * the production app: each opens an incident, for every source type and a custom field mapping.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { curlExample } from '../../src/lib/alerts/integration-snippets';
import { genericMappingSchema, type IntegrationType } from '../../src/lib/shared/alerts/schema';
import { useRestApp } from '../helpers/rest';

const WS = 'alertsnippets';
const rest = useRestApp(WS, ['owner'], 'runboard-rest-alert-snippets-');

const created = z.object({
  hookPath: z.string(),
  secret: z.string(),
  settings: z.object({ mapping: genericMappingSchema.optional() })
});
const intake = z.object({ alerts: z.number(), opened: z.array(z.string()) });

async function runExample(type: IntegrationType, settings?: unknown) {
  const reply = await rest.call('POST', `/api/v1/workspaces/${WS}/integrations`, {
    type,
    name: `${type} snippet`,
    ...(settings === undefined ? {} : { settings })
  });
  expect(reply.status, reply.text).toBe(201);
  const integration = created.parse(reply.body);
  const command = curlExample(
    type,
    `${rest.app.baseUrl}${integration.hookPath}`,
    integration.secret,
    integration.settings.mapping
  );
  const out = execFileSync('bash', ['-c', command], { encoding: 'utf8', timeout: 10_000 });
  return intake.parse(JSON.parse(out));
}

describe('the curl example of an integration', () => {
  for (const type of ['alertmanager', 'grafana', 'generic'] as const) {
    it(`opens an incident (${type})`, async () => {
      expect(await runExample(type)).toMatchObject({ alerts: 1, opened: [expect.any(String)] });
    });
  }

  it('follows a custom generic field mapping', async () => {
    const result = await runExample('generic', {
      mapping: {
        alerts: 'data.events',
        title: 'event.name',
        fingerprint: 'event.id',
        status: 'state',
        labels: { host: 'event.host' }
      }
    });
    expect(result).toMatchObject({ alerts: 1, opened: [expect.any(String)] });
  });
});
