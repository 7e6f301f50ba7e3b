/**
 * The runbook index on both databases: the same search cases on SQLite (FTS5) and PostgreSQL
 * (tsvector), and one mixed Chinese/English corpus searched on both with identical results.
 */
import { describe, expect, test } from 'vitest';
import type { Records } from '../../src/lib/server/db/records';
import { RunbookIndex } from '../../src/lib/server/runbooks/runbooks-store';
import type { RunbookMeta } from '../../src/lib/shared/runbooks/schema';
import { openTestRecords, recordsBackends } from '../helpers/records';

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

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`runbook index (${backend.name})`, () => {
    async function freshIndex(): Promise<RunbookIndex> {
      return new RunbookIndex((await openTestRecords(backend.name)).records);
    }

    test('finds Chinese and English content, ranks title matches first, filters', async () => {
      const index = await freshIndex();
      await index.upsert(
        'ws',
        meta('a', '数据库备份与恢复', { tags: ['db'] }),
        '每天凌晨两点执行全量备份。'
      );
      await index.upsert(
        'ws',
        meta('b', 'Restore MySQL backups'),
        'Steps to restore a database backup.'
      );
      await index.upsert(
        'ws',
        meta('c', 'Nginx reload'),
        'No database here, only a backup mention.'
      );
      await index.upsert(
        'ws',
        meta('d', 'Archived backup', { archivedAt: '2025-02-01T00:00:00.000Z' }),
        ''
      );
      await index.upsert('other', meta('e', '数据库备份'), 'another workspace');

      const ids = async (q: string, extra = {}) =>
        (await index.search('ws', { q, ...extra })).map((r) => r.id);
      expect(await ids('数据库 备份')).toEqual(['a']);
      expect(await ids('备份')).toEqual(['a']);
      expect(await ids('backups')).toEqual(['b', 'c']);
      expect(await ids('backup', { archived: 'include' })).toContain('d');
      expect(await ids('backup', { archived: 'only' })).toEqual(['d']);
      expect(await ids('restoring')).toEqual(['b']);
      expect(await ids('kubernetes')).toEqual([]);
      expect(await ids('  !!  ')).toEqual([]);
      expect(await ids('"; DROP TABLE runbooks; --')).toEqual([]);
      expect((await index.search('ws', { tag: 'db' })).map((r) => r.id)).toEqual(['a']);
      expect(await ids('备份', { tag: 'db' })).toEqual(['a']);
      expect(await ids('备份', { tag: 'nope' })).toEqual([]);
      const hit = (await index.search('ws', { q: 'backups' }))[0];
      expect(hit?.snippet).toContain('«backup»');
      // Typed halfway: English terms match as prefixes.
      expect(await ids('ngin')).toEqual(['c']);
      expect(await ids('mysq back')).toEqual(['b']);
    });

    test('counts and pages a search, newest first without text', async () => {
      const index = await freshIndex();
      for (let i = 0; i < 5; i++) {
        await index.upsert(
          'ws',
          meta(`r${i}`, `Runbook ${i}`, { updatedAt: `2025-01-0${i + 1}T00:00:00.000Z` }),
          i % 2 === 0 ? 'even body' : 'odd body'
        );
      }
      expect(await index.count('ws')).toBe(5);
      expect(await index.count('ws', { q: 'even' })).toBe(3);
      expect(await index.count('ws', { q: '!!' })).toBe(0);
      expect((await index.search('ws', { limit: 2 })).map((r) => r.id)).toEqual(['r4', 'r3']);
      expect((await index.search('ws', { limit: 2, offset: 2 })).map((r) => r.id)).toEqual([
        'r2',
        'r1'
      ]);
      expect(await index.ids('ws')).toHaveLength(5);
    });

    test('upsert replaces the entry and its search text; remove deletes both', async () => {
      const index = await freshIndex();
      await index.upsert('ws', meta('a', 'Old title'), 'alpha');
      await index.upsert('ws', meta('a', 'New title'), 'beta');
      expect(await index.search('ws', { q: 'alpha' })).toEqual([]);
      expect((await index.search('ws', { q: 'beta' })).map((r) => r.title)).toEqual(['New title']);
      await index.remove('ws', 'a');
      expect(await index.search('ws', {})).toEqual([]);
      expect(await index.search('ws', { q: 'beta' })).toEqual([]);
      expect(await index.get('ws', 'a')).toBeNull();
    });

    test('a very long runbook is indexed up to a limit, on both databases alike', async () => {
      const index = await freshIndex();
      // Pseudo-random Han text: every bigram new, the worst case for the size of the index row.
      let seed = 7;
      const han = Array.from({ length: 120_000 }, () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return String.fromCodePoint(0x4e00 + (seed % 20_000));
      }).join('');
      await index.upsert('ws', meta('long', 'Long'), `开头标记 ${han} 结尾标记`);
      expect((await index.search('ws', { q: '开头标记' })).map((r) => r.id)).toEqual(['long']);
      expect(await index.search('ws', { q: '结尾标记' })).toEqual([]);
    });

    test('writes of one runbook land in the order they were made', async () => {
      const index = await freshIndex();
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => index.upsert('ws', meta('a', `Title ${i}`), `v${i}`))
      );
      expect((await index.get('ws', 'a'))?.title).toBe('Title 9');
    });

    test('matches alerts by service or alertname, both labels first', async () => {
      const index = await freshIndex();
      await index.upsert(
        'ws',
        meta('svc', 'API down', { alertMatchers: [{ label: 'service', value: 'api' }] }),
        ''
      );
      await index.upsert(
        'ws',
        meta('both', 'API latency', {
          alertMatchers: [
            { label: 'service', value: 'API' },
            { label: 'alertname', value: 'HighLatency' }
          ]
        }),
        ''
      );
      await index.upsert('ws', meta('none', 'Unrelated'), '');
      expect(
        (await index.match('ws', { service: 'api', alertname: 'highlatency' })).map((r) => r.id)
      ).toEqual(['both', 'svc']);
      expect((await index.match('ws', { alertname: 'HighLatency' })).map((r) => r.id)).toEqual([
        'both'
      ]);
      expect(await index.match('ws', {})).toEqual([]);
    });

    test('review due is computed at read time', async () => {
      const index = await freshIndex();
      await index.upsert('ws', meta('a', 'Old', { reviewIntervalDays: 30 }), '');
      expect((await index.get('ws', 'a', new Date('2025-01-15T00:00:00.000Z')))?.reviewDue).toBe(
        false
      );
      expect((await index.get('ws', 'a', new Date('2025-03-01T00:00:00.000Z')))?.reviewDue).toBe(
        true
      );
    });

    test('finds stored runbook documents that have no index row', async () => {
      const { records, documents } = await openTestRecords(backend.name);
      const index = new RunbookIndex(records);
      const update = new Uint8Array([0, 0]);
      await documents.append('ws.runbook.a_1', [update]);
      await documents.append('ws.runbook.b', [update]);
      await documents.compact('ws.runbook.b', update, 1);
      await documents.append('ws.board', [update]);
      await documents.append('wsx.runbook.c', [update]);
      await documents.append('WS.runbook.d', [update]);
      await index.upsert('ws', meta('b', 'Indexed'), '');
      expect(await index.unindexedIds('ws')).toEqual(['a_1']);
    });
  });
}

/**
 * A mixed corpus: Chinese, English, both in one runbook, inflections, digits, accents. Chosen
 * so that queries hit several runbooks, one, or none.
 */
const corpus: Array<{ id: string; title: string; tags?: string[]; body: string }> = [
  {
    id: 'c01',
    title: '数据库备份与恢复',
    tags: ['db'],
    body: '每天凌晨两点执行 MySQL 全量备份，保留七天。'
  },
  {
    id: 'c02',
    title: 'Restore MySQL backups',
    body: 'Steps to restore a database backup onto a replica.'
  },
  {
    id: 'c03',
    title: 'Nginx 重载配置',
    body: '修改 nginx.conf 之后执行 nginx -s reload，先用 nginx -t 检查。'
  },
  {
    id: 'c04',
    title: 'Kubernetes node drain',
    body: 'Cordon the node, drain pods, then upgrade kubelet 1.29.'
  },
  { id: 'c05', title: '证书轮换', body: '使用 cert-manager 轮换 TLS 证书；检查过期时间。' },
  {
    id: 'c06',
    title: 'TLS certificate rotation',
    body: 'Rotate certificates before they expire; check the expiry dates.'
  },
  {
    id: 'c07',
    title: '磁盘空间告警处理',
    body: '清理 /var/log 下的旧日志，扩容磁盘 disk volume。'
  },
  {
    id: 'c08',
    title: 'Disk full on database hosts',
    body: 'Free disk space: purge binlogs, rotate logs, grow the volume.'
  },
  { id: 'c09', title: 'Redis 主从切换', body: '主库故障时提升从库为主库，更新 sentinel 配置。' },
  {
    id: 'c10',
    title: 'Redis failover',
    body: 'Promote the replica when the primary fails; update Sentinel.'
  },
  { id: 'c11', title: '发布回滚', body: '如果发布失败，回滚到上一个版本 v2.3.1 并通知值班。' },
  {
    id: 'c12',
    title: 'Rollback a release',
    body: 'Roll back to the previous version and page the on-call.'
  },
  {
    id: 'c13',
    title: 'Café menu service',
    body: 'The café service crashed; restart the menu workers.'
  },
  { id: 'c14', title: 'Kafka 消费延迟', body: 'consumer lag 过高时增加分区或消费者实例。' },
  {
    id: 'c15',
    title: 'Consumer lag in Kafka',
    body: 'Scale consumers; check partitions and the lagging group.'
  },
  { id: 'c16', title: '网络抖动排查', body: '用 mtr 和 ping 排查丢包，联系机房网络组。' },
  {
    id: 'c17',
    title: 'Elasticsearch 集群变红',
    body: 'cluster health red：检查未分配分片 unassigned shards。'
  },
  {
    id: 'c18',
    title: 'Backup verification drill',
    body: '每月一次恢复演练 restore drill，验证备份可用。'
  },
  {
    id: 'c19',
    title: 'On-call handover',
    body: 'Hand over open incidents and pending changes at 09:00; see step ① and build 1e5x.'
  },
  { id: 'c20', title: '值班交接', body: '交接未关闭的事件和待执行的变更。' }
];

const queries = [
  '备份',
  '数据库',
  '恢复 restore',
  'backup',
  'backups',
  'restoring',
  'mysql',
  'nginx 重载',
  '证书',
  'certificates',
  'cert',
  '磁盘',
  'disk',
  'redis 主从',
  'failover',
  '回滚',
  'roll',
  'cafe',
  'café',
  'kafka lag',
  '消费',
  'kub',
  '1.29',
  'v2',
  '主库',
  '值班',
  'unassigned',
  '网络',
  '不存在的词',
  // Tokens PostgreSQL's own parser would split ("1e5", "x") or drop ("①").
  '1e5x',
  '①',
  'zzz'
];

describe.skipIf(recordsBackends.some((backend) => backend.skip))(
  'runbook search on SQLite and PostgreSQL',
  () => {
    test('one corpus and the same queries give the same runbooks on both databases', async () => {
      const indexes = await Promise.all(
        recordsBackends.map(async (backend) => {
          const { records } = await openTestRecords(backend.name);
          return { backend: backend.name, records, index: new RunbookIndex(records) };
        })
      );
      for (const { index } of indexes) {
        for (const [i, doc] of corpus.entries()) {
          await index.upsert(
            'ws',
            meta(doc.id, doc.title, {
              tags: doc.tags ?? [],
              updatedAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString()
            }),
            doc.body
          );
        }
      }
      const results = async (records: Records, index: RunbookIndex, q: string) => {
        void records;
        return (await index.search('ws', { q, limit: 500 })).map((r) => r.id).sort();
      };
      let nonEmpty = 0;
      for (const q of queries) {
        const [sqlite, postgres] = await Promise.all(
          indexes.map(({ records, index }) => results(records, index, q))
        );
        expect(postgres, `query ${JSON.stringify(q)}`).toEqual(sqlite);
        const [sqliteCount, postgresCount] = await Promise.all(
          indexes.map(({ index }) => index.count('ws', { q }))
        );
        expect(postgresCount, `count of ${JSON.stringify(q)}`).toBe(sqliteCount);
        if (sqlite!.length > 0) nonEmpty++;
      }
      // The corpus and queries exercise matching, not only agreement on nothing.
      expect(nonEmpty).toBeGreaterThanOrEqual(20);
      // Spot checks of what both agree on.
      expect(await results(indexes[0]!.records, indexes[0]!.index, '备份')).toEqual(['c01', 'c18']);
      expect(await results(indexes[0]!.records, indexes[0]!.index, 'cafe')).toEqual(['c13']);
    });
  }
);
