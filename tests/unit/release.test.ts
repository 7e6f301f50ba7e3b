/**
 * The release bookkeeping of docs/releasing.md: the version in package.json has a dated section
 * in CHANGELOG.md (Keep a Changelog), an Unreleased section sits above the releases, and the
 * releases are in descending order.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const changelog = readFileSync('CHANGELOG.md', 'utf8');
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const headings = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)].map(
  (m) => ({ name: m[1] ?? '', date: m[2] })
);

/** Compares two x.y.z versions numerically. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

describe('release bookkeeping', () => {
  it('starts with an Unreleased section', () => {
    expect(headings[0]?.name).toBe('Unreleased');
  });

  it('has a dated section for the version in package.json', () => {
    const section = headings.find((h) => h.name === version);
    expect(section, `CHANGELOG.md has no "## [${version}] - YYYY-MM-DD"`).toBeDefined();
    expect(section?.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('lists releases newest first, each with a date', () => {
    const releases = headings.slice(1);
    expect(releases.length).toBeGreaterThan(0);
    for (const release of releases) expect(release.date, release.name).toBeDefined();
    const names = releases.map((r) => r.name);
    expect([...names].sort((a, b) => compareVersions(b, a))).toEqual(names);
  });
});
