/**
 * The dependency audit's verdict (scripts/audit-deps.mjs): which advisories fail CI, which an
 * exception covers, and that an expired exception fails. The report below has the shape of
 * `npm audit --json` (format 2); the advisory service itself is not reachable from CI here.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { advisoriesOf, evaluateAudit, readExceptions } from '../../scripts/audit-deps.mjs';

const report = {
  auditReportVersion: 2,
  vulnerabilities: {
    'some-parser': {
      name: 'some-parser',
      severity: 'high',
      via: [
        {
          source: 1,
          name: 'some-parser',
          title: 'Regular expression denial of service',
          url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
          severity: 'high'
        }
      ]
    },
    // Depends on the vulnerable package: named by a string, not a second advisory.
    'uses-parser': { name: 'uses-parser', severity: 'high', via: ['some-parser'] },
    'tiny-lib': {
      name: 'tiny-lib',
      severity: 'low',
      via: [
        {
          name: 'tiny-lib',
          title: 'Information exposure',
          url: 'https://github.com/advisories/GHSA-dddd-eeee-ffff',
          severity: 'low'
        }
      ]
    }
  }
};

describe('dependency audit', () => {
  it('lists each advisory once, by its GHSA id', () => {
    const ids = advisoriesOf(report).map((a) => a.id);
    expect(ids).toEqual(['GHSA-aaaa-bbbb-cccc', 'GHSA-dddd-eeee-ffff']);
  });

  it('fails on a moderate-or-worse advisory without an exception; a low one is a notice', () => {
    const verdict = evaluateAudit(advisoriesOf(report), [], '2026-12-03');
    expect(verdict.failures).toHaveLength(1);
    expect(verdict.failures[0]).toContain('GHSA-aaaa-bbbb-cccc high in some-parser');
    expect(verdict.notices.join('\n')).toContain('low: GHSA-dddd-eeee-ffff');
  });

  it('passes an excepted advisory until its expiry date, then fails', () => {
    const exception = {
      advisory: 'GHSA-aaaa-bbbb-cccc',
      package: 'some-parser',
      reason: 'only parses our own configuration',
      added: '2026-12-01',
      expires: '2027-01-31'
    };
    const before = evaluateAudit(advisoriesOf(report), [exception], '2027-01-31');
    expect(before.failures).toEqual([]);
    expect(before.notices.join('\n')).toContain('excepted until 2027-01-31');
    const after = evaluateAudit(advisoriesOf(report), [exception], '2027-02-01');
    expect(after.failures.join('\n')).toContain('expired on 2027-01-31');
  });

  it('refuses an exception without a reason or with a malformed date', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const file = join(dir, 'exceptions.json');
    writeFileSync(
      file,
      JSON.stringify([
        { advisory: 'GHSA-x', package: 'p', added: '2026-12-01', expires: '2027-01-01' }
      ])
    );
    expect(() => readExceptions(file)).toThrow(/needs a non-empty "reason"/);
    writeFileSync(
      file,
      JSON.stringify([
        { advisory: 'GHSA-x', package: 'p', reason: 'r', added: '1 Dec', expires: '2027-01-01' }
      ])
    );
    expect(() => readExceptions(file)).toThrow(/"added" must be a date/);
  });

  it('the repository exception list is well formed', () => {
    expect(() => readExceptions('audit-exceptions.json')).not.toThrow();
  });
});
