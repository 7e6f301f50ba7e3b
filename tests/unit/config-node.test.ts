/**
 * A node's limits and graceful shutdown (`RUNBOARD_MAX_CONNECTIONS`, `RUNBOARD_MAX_MEMORY_MB`,
 * `RUNBOARD_DRAIN_SECONDS`, `RUNBOARD_SHUTDOWN_TIMEOUT_SECONDS`) and its name
 * (`RUNBOARD_NODE_NAME`): defaults, units, bounds.
 */
import { describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { ConfigError, loadConfig, nodeNameOf } from '../../src/lib/server/config';

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
}

describe('node limits', () => {
  it('sets none by default, also when blank', () => {
    expect(loadConfig({}).nodeLimits).toBeUndefined();
    expect(loadConfig({ RUNBOARD_MAX_MEMORY_MB: '' }).nodeLimits).toBeUndefined();
  });

  it('takes connections as a count and memory in MiB', () => {
    expect(
      loadConfig({ RUNBOARD_MAX_CONNECTIONS: '5000', RUNBOARD_MAX_MEMORY_MB: '1024' }).nodeLimits
    ).toEqual({ maxConnections: 5000, maxMemoryBytes: 1024 * 1024 * 1024 });
  });

  it('refuses what cannot be a limit, naming the variable', () => {
    expect(problems({ RUNBOARD_MAX_CONNECTIONS: '0' })).toMatch(/^RUNBOARD_MAX_CONNECTIONS: /m);
    expect(problems({ RUNBOARD_MAX_CONNECTIONS: 'many' })).toMatch(/^RUNBOARD_MAX_CONNECTIONS: /m);
    expect(problems({ RUNBOARD_MAX_MEMORY_MB: '16' })).toMatch(/^RUNBOARD_MAX_MEMORY_MB: .*64/m);
  });
});

describe('graceful shutdown', () => {
  it('drains for 0 s and gives up after 20 s by default', () => {
    expect(loadConfig({}).shutdown).toEqual({ drainSeconds: 0, timeoutSeconds: 20 });
  });

  it('takes seconds, fractions included, within bounds', () => {
    expect(
      loadConfig({ RUNBOARD_DRAIN_SECONDS: '5', RUNBOARD_SHUTDOWN_TIMEOUT_SECONDS: '2.5' }).shutdown
    ).toEqual({ drainSeconds: 5, timeoutSeconds: 2.5 });
    expect(problems({ RUNBOARD_DRAIN_SECONDS: '-1' })).toMatch(/^RUNBOARD_DRAIN_SECONDS: /m);
    expect(problems({ RUNBOARD_SHUTDOWN_TIMEOUT_SECONDS: '0' })).toMatch(
      /^RUNBOARD_SHUTDOWN_TIMEOUT_SECONDS: /m
    );
  });
});

describe('the node name', () => {
  it('is RUNBOARD_NODE_NAME, else the hostname (also when blank)', () => {
    expect(loadConfig({ RUNBOARD_NODE_NAME: 'runboard-7d9f8-abcde' }).nodeName).toBe(
      'runboard-7d9f8-abcde'
    );
    expect(loadConfig({}).nodeName).toBe(hostname());
    expect(loadConfig({ RUNBOARD_NODE_NAME: ' ' }).nodeName).toBe(hostname());
    expect(nodeNameOf({})).toBe(hostname());
  });

  it('refuses a name that cannot be a label value worth reading, naming the variable', () => {
    expect(problems({ RUNBOARD_NODE_NAME: 'app 1' })).toMatch(/^RUNBOARD_NODE_NAME: /m);
    expect(problems({ RUNBOARD_NODE_NAME: '-app' })).toMatch(/^RUNBOARD_NODE_NAME: /m);
    expect(problems({ RUNBOARD_NODE_NAME: 'a'.repeat(254) })).toMatch(/^RUNBOARD_NODE_NAME: /m);
    expect(problems({ RUNBOARD_NODE_NAME: 'app-1.eu_west' })).toBe('');
  });
});
