/**
 * `METRICS_TOKEN` (config.ts, docs/metrics.md): unset or blank leaves /metrics open; a token is
 * kept as given (trimmed); one shorter than 16 characters is refused at start with a readable
 * problem, never accepted as a guessable token.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/server/config';

describe('METRICS_TOKEN', () => {
  it('is absent when unset or blank', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: '   ' }).metricsToken).toBeUndefined();
  });

  it('is the token, trimmed', () => {
    expect(loadConfig({ METRICS_TOKEN: ' 0123456789abcdef ' }).metricsToken).toBe(
      '0123456789abcdef'
    );
  });

  it('refuses a token shorter than 16 characters', () => {
    let problems: string[] = [];
    try {
      loadConfig({ METRICS_TOKEN: 'short' });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual(['METRICS_TOKEN: must be at least 16 characters']);
  });
});
