/**
 * Per-integration rate limits of alert intake (alerts-service.ts `authenticateHook`), in a running
 * node with a small limit and a clock the test moves: deliveries past the burst are refused with
 * `rate_limited` and when to retry, another integration is not affected, and the bucket refills.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createRuntime } from '../../entries/composition-root';
import { createLogger } from '../../src/lib/server/log';
import type { Runtime } from '../../src/lib/server/runtime';
import { databaseTargetFor } from '../helpers/database';
import { openAccess, tempDataDir } from '../helpers/sync-server';

const running: Runtime[] = [];
afterEach(async () => {
  for (const runtime of running.splice(0)) await runtime.close();
});

describe('intake rate limits', () => {
  test('refuse deliveries past the burst, per integration, until the bucket refills', async () => {
    const clock = { now: Date.parse('2026-12-07T02:00:00Z') };
    const dataDir = tempDataDir('runboard-intake-limit-');
    const target = await databaseTargetFor(dataDir, 'sqlite');
    const runtime = await createRuntime(
      { port: 0, host: '127.0.0.1', dataDir, logLevel: 'error', origin: undefined, ...target },
      {
        logger: createLogger('error'),
        onAuthenticate: openAccess,
        now: () => clock.now,
        deliveriesPerIntegration: { burst: 3, refillMs: 60_000 }
      }
    );
    running.push(runtime);
    const owner = await runtime.accounts.createUser({
      email: 'limit@example.test',
      name: 'Limit',
      passwordHash: null
    });
    await runtime.accounts.createWorkspace('Limits', owner.id, 'limits');
    const a = await runtime.alerts.createIntegration(
      'limits',
      { type: 'generic', name: 'a' },
      null
    );
    const b = await runtime.alerts.createIntegration(
      'limits',
      { type: 'generic', name: 'b' },
      null
    );
    const knock = (which: typeof a) =>
      runtime.alerts.authenticateHook('generic', which.integration.id, which.secret);

    for (let i = 0; i < 3; i++) await expect(knock(a)).resolves.toMatchObject({ type: 'generic' });
    const refused = await knock(a).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'rate_limited' });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    // Another integration has its own bucket.
    await expect(knock(b)).resolves.toMatchObject({ type: 'generic' });
    // A third of the window later, one delivery's worth has refilled.
    clock.now += 20_000;
    await expect(knock(a)).resolves.toMatchObject({ type: 'generic' });
    await expect(knock(a)).rejects.toMatchObject({ code: 'rate_limited' });
    // A wrong secret is refused before it counts.
    await expect(
      runtime.alerts.authenticateHook('generic', b.integration.id, 'rbi_wrong')
    ).rejects.toMatchObject({ code: 'invalid_secret' });
  });
});
