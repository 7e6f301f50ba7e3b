/**
 * `REDIS_URL` and `REDIS_PREFIX` (config.ts, docs/ARCHITECTURE.md "Fan-out across nodes"):
 * unset or blank runs one node; a redis:// or rediss:// URL turns the fan-out on, with the
 * prefix (default `runboard`); anything else, or Redis without PostgreSQL, is refused at start
 * with a readable problem that never repeats the URL (it may hold a password).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/server/config';

const PG = 'postgres://runboard:secret@127.0.0.1:5432/runboard';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('REDIS_URL', () => {
  it('is absent when unset or blank: a single node', () => {
    expect(loadConfig({}).redis).toBeUndefined();
    expect(loadConfig({ REDIS_URL: ' ' }).redis).toBeUndefined();
  });

  it('turns the fan-out on with the default or the given prefix', () => {
    expect(loadConfig({ DATABASE_URL: PG, REDIS_URL: 'redis://:pw@cache:6379/2' }).redis).toEqual({
      url: 'redis://:pw@cache:6379/2',
      prefix: 'runboard'
    });
    expect(
      loadConfig({ DATABASE_URL: PG, REDIS_URL: 'rediss://cache:6380', REDIS_PREFIX: 'prod-eu' })
        .redis
    ).toEqual({ url: 'rediss://cache:6380', prefix: 'prod-eu' });
  });

  it('refuses another scheme without repeating the value', () => {
    const problems = problemsOf({ DATABASE_URL: PG, REDIS_URL: 'http://user:hunter2@cache' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^REDIS_URL: must be a Redis URL/);
    expect(problems[0]).not.toContain('hunter2');
  });

  it('needs DATABASE_URL: several nodes share one store', () => {
    expect(problemsOf({ REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([
      expect.stringMatching(/^REDIS_URL: several nodes need a shared store: set DATABASE_URL/)
    ]);
  });

  it('refuses a prefix that is not a plain name', () => {
    expect(
      problemsOf({ DATABASE_URL: PG, REDIS_URL: 'redis://cache', REDIS_PREFIX: 'a b:*' })
    ).toEqual([expect.stringMatching(/^REDIS_PREFIX: must be 1 to 64 letters/)]);
  });
});
