/**
 * Segmentation for runbook search (pure functions). The index on both databases is tested in
 * tests/records/runbook-search.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { ftsQueryOf, tsqueryOf } from '../../src/lib/server/db/dialect';
import {
  queryTokens,
  searchTerms,
  segmentForIndex,
  snippetFor,
  stem
} from '../../src/lib/server/runbooks/search-text';

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

  test('a long Chinese run keeps every bigram (the segmenter works on pieces of it)', () => {
    const run = '数据库备份与恢复主从切换证书轮换'.repeat(40);
    const tokens = new Set(segmentForIndex(run).split(' '));
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) expect(tokens).toContain(chars[i]! + chars[i + 1]!);
  });

  test('mixed text keeps both scripts; queries use bigrams and stems', () => {
    expect(queryTokens('数据库 备份 backups')).toEqual(['backup', '数据', '据库', '备份']);
    expect(queryTokens('库')).toEqual(['库']);
    expect(searchTerms('MySQL 主从')).toEqual([
      { text: 'mysql', prefix: true },
      { text: '主从', prefix: false }
    ]);
    expect(searchTerms('  !!  ')).toEqual([]);
  });

  test('diacritics are dropped, so "café" and "cafe" meet on both databases', () => {
    expect(segmentForIndex('Café Crème')).toBe('cafe crem');
    expect(queryTokens('CAFÉ')).toEqual(['cafe']);
  });

  test('the same terms become FTS5 and tsquery syntax, quoted so no operator gets through', () => {
    const terms = searchTerms('"; DROP TABLE runbooks; --');
    expect(ftsQueryOf(terms)).toBe('"drop"* AND "tabl"* AND "runbook"*');
    expect(tsqueryOf(terms)).toBe("'drop':* & 'tabl':* & 'runbook':*");
    expect(ftsQueryOf(searchTerms('MySQL 主从'))).toBe('"mysql"* AND "主从"');
    expect(tsqueryOf(searchTerms('MySQL 主从'))).toBe("'mysql':* & '主从'");
    expect(ftsQueryOf([{ text: 'a"b', prefix: false }])).toBe('"a""b"');
    expect(tsqueryOf([{ text: "a'b\\c", prefix: false }])).toBe("'a''b\\\\c'");
  });

  test('snippets mark the literal matches', () => {
    const text = 'Before the upgrade, take database backups and verify the restore works.';
    expect(snippetFor(text, 'backups')).toContain('«backups»');
    expect(snippetFor('每天凌晨执行数据库备份，保留七天。', '数据库 备份')).toContain('«数据库»');
    expect(snippetFor(text, 'kubernetes')).toBeNull();
  });
});
