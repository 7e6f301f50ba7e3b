/** `ARCHIVE_AFTER_DAYS`: a whole number of days, at least 1, 14 when unset or blank. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/server/config';

describe('ARCHIVE_AFTER_DAYS', () => {
  it('defaults to 14 days, also when blank', () => {
    expect(loadConfig({}).archiveAfterDays).toBe(14);
    expect(loadConfig({ ARCHIVE_AFTER_DAYS: ' ' }).archiveAfterDays).toBe(14);
  });

  it('takes a whole number of days, at least one', () => {
    expect(loadConfig({ ARCHIVE_AFTER_DAYS: '30' }).archiveAfterDays).toBe(30);
    expect(loadConfig({ ARCHIVE_AFTER_DAYS: '1' }).archiveAfterDays).toBe(1);
    for (const bad of ['0', '-3', '1.5', 'two weeks']) {
      expect(() => loadConfig({ ARCHIVE_AFTER_DAYS: bad }), bad).toThrow(ConfigError);
    }
    try {
      loadConfig({ ARCHIVE_AFTER_DAYS: '0' });
    } catch (error) {
      expect((error as ConfigError).problems.join('\n')).toMatch(/^ARCHIVE_AFTER_DAYS: /m);
    }
  });
});
