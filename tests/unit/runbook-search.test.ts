import { afterAll, describe, expect, test } from 'vitest';
import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../src/lib/server/db/sqlite';
import { RunbookIndex } from '../../src/lib/server/runbooks/runbook-index';
import {
  ftsQuery,
  queryTokens,
  segmentForIndex,
  snippetFor,
  stem
} from '../../src/lib/server/runbooks/search-text';
import type { RunbookMeta } from '../../src/lib/shared/runbooks/schema';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function freshIndex(): RunbookIndex {
  const dir = mkdtempSync(join(tmpdir(), 'runboard-rbsearch-'));
  dirs.push(dir);
  return new RunbookIndex(openSqlite(dir));
}

function meta(id: string, title: string, extra: Partial<RunbookMeta> = {}): RunbookMeta {
  return {
    id,
    title,
    tags: [],
    ownerId: null,
    services: [],
    cis: [],
    alertMatchers: [],
    reviewedAt: null,
    reviewIntervalDays: 90,
    createdAt: '2025-01-01T00:00:00.000Z',
    createdBy: null,
    updatedAt: '2025-01-01T00:00:00.000Z',
    archivedAt: null,
    ...extra
  };
}

describe('segmentation', () => {
  test('English is lower-cased and stemmed so inflections meet', () => {
    expect(stem('backups')).toBe(stem('backup'));
    expect(stem('restores')).toBe(stem('restore'));
    expect(stem('restored')).toBe(stem('restoring'));
    expect(stem('databases')).toBe(stem('database'));
    expect(stem('policies')).toBe('policy');
    expect(stem('status')).toBe('status');
    expect(segmentForIndex('Restore the MySQL Backups!')).toBe(
      ['restor', 'the', 'mysql', 'backup'].join(' ')
    );
  });

  test('Chinese gets segmenter words, character bigrams and single characters', () => {
    const tokens = segmentForIndex('数据库备份').split(' ');
    // Bigrams: context-free, what queries use.
    for (const gram of ['数据', '据库', '库备', '备份']) expect(tokens).toContain(gram);
    // Single characters, for one-character queries.
    expect(tokens).toContain('备');
    // Every word of Intl.Segmenter (dictionary words such as 备份).
    const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
    const words = [...segmenter.segment('数据库备份')].filter((w) => w.isWordLike);
    expect(words.length).toBeGreaterThan(0);
    for (const word of words) expect(tokens).toContain(word.segment);
  });

  test('mixed text keeps both scripts; queries use bigrams and stems', () => {
    expect(queryTokens('数据库 备份 backups')).toEqual(['backup', '数据', '据库', '备份']);
    expect(queryTokens('库')).toEqual(['库']);
    expect(ftsQuery('MySQL 主从')).toBe('"mysql"* AND "主从"');
    expect(ftsQuery('"; DROP TABLE runbooks; --')).toBe('"drop"* AND "tabl"* AND "runbook"*');
    expect(ftsQuery('  !!  ')).toBeNull();
  });

  test('snippets mark the literal matches', () => {
    const text = 'Before the upgrade, take database backups and verify the restore works.';
    expect(snippetFor(text, 'backups')).toContain('«backups»');
    expect(snippetFor('每天凌晨执行数据库备份，保留七天。', '数据库 备份')).toContain('«数据库»');
    expect(snippetFor(text, 'kubernetes')).toBeNull();
  });
});

describe('runbook index', () => {
  test('finds Chinese and English content, ranks title matches first, filters', () => {
    const index = freshIndex();
    index.upsert(
      'ws',
      meta('a', '数据库备份与恢复', { tags: ['db'] }),
      '每天凌晨两点执行全量备份。'
    );
    index.upsert('ws', meta('b', 'Restore MySQL backups'), 'Steps to restore a database backup.');
    index.upsert('ws', meta('c', 'Nginx reload'), 'No database here, only a backup mention.');
    index.upsert(
      'ws',
      meta('d', 'Archived backup', { archivedAt: '2025-02-01T00:00:00.000Z' }),
      ''
    );
    index.upsert('other', meta('e', '数据库备份'), 'another workspace');

    const ids = (q: string, extra = {}) => index.search('ws', { q, ...extra }).map((r) => r.id);
    expect(ids('数据库 备份')).toEqual(['a']);
    expect(ids('备份')).toEqual(['a']);
    expect(ids('backups')).toEqual(['b', 'c']);
    expect(ids('backup', { archived: 'include' })).toContain('d');
    expect(ids('backup', { archived: 'only' })).toEqual(['d']);
    expect(ids('restoring')).toEqual(['b']);
    expect(ids('kubernetes')).toEqual([]);
    expect(index.search('ws', { tag: 'db' }).map((r) => r.id)).toEqual(['a']);
    const hit = index.search('ws', { q: 'backups' })[0];
    expect(hit?.snippet).toContain('«backup»');
  });

  test('upsert replaces the entry and its search text; remove deletes both', () => {
    const index = freshIndex();
    index.upsert('ws', meta('a', 'Old title'), 'alpha');
    index.upsert('ws', meta('a', 'New title'), 'beta');
    expect(index.search('ws', { q: 'alpha' })).toEqual([]);
    expect(index.search('ws', { q: 'beta' }).map((r) => r.title)).toEqual(['New title']);
    index.remove('ws', 'a');
    expect(index.search('ws', {})).toEqual([]);
    expect(index.get('ws', 'a')).toBeNull();
  });

  test('matches alerts by service or alertname, both labels first', () => {
    const index = freshIndex();
    index.upsert(
      'ws',
      meta('svc', 'API down', { alertMatchers: [{ label: 'service', value: 'api' }] }),
      ''
    );
    index.upsert(
      'ws',
      meta('both', 'API latency', {
        alertMatchers: [
          { label: 'service', value: 'API' },
          { label: 'alertname', value: 'HighLatency' }
        ]
      }),
      ''
    );
    index.upsert('ws', meta('none', 'Unrelated'), '');
    expect(
      index.match('ws', { service: 'api', alertname: 'highlatency' }).map((r) => r.id)
    ).toEqual(['both', 'svc']);
    expect(index.match('ws', { alertname: 'HighLatency' }).map((r) => r.id)).toEqual(['both']);
    expect(index.match('ws', {})).toEqual([]);
  });

  test('review due is computed at read time', () => {
    const index = freshIndex();
    index.upsert('ws', meta('a', 'Old', { reviewIntervalDays: 30 }), '');
    expect(index.get('ws', 'a', new Date('2025-01-15T00:00:00.000Z'))?.reviewDue).toBe(false);
    expect(index.get('ws', 'a', new Date('2025-03-01T00:00:00.000Z'))?.reviewDue).toBe(true);
  });
});
