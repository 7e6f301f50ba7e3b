/**
 * The AI index on both databases (ai/ai-store.ts, ai/ai-service.ts): built from the live cards,
 * the archive and the CMDB's rows; found across Chinese and English; an edited text is
 * re-embedded and nothing else; a removed card leaves; the rows are loaded back by a new
 * service without embedding again; a change of embedder re-embeds everything; a rebuild
 * reports its progress; "last time this happened" reads the incident's resolver and runbook.
 */
import { describe, expect, test } from 'vitest';
import { AiService } from '../../src/lib/server/ai/ai-service';
import { AiStore } from '../../src/lib/server/ai/ai-store';
import type { AiEmbedder } from '../../src/lib/server/ai/embedder';
import { LexicalEmbedder } from '../../src/lib/server/ai/lexical-embedder';
import { ArchiveStore } from '../../src/lib/server/archive/archive-store';
import { TaskCardStore } from '../../src/lib/server/board/card-mirror';
import type { Records } from '../../src/lib/server/db/records';
import { createLogger } from '../../src/lib/server/log';
import type { Task } from '../../src/lib/shared/board/schema';
import { openTestRecords, recordsBackends } from '../helpers/records';

const AT = '2026-03-01T10:00:00.000Z';

function card(id: string, title: string, over: Partial<Task> = {}): Task {
  return {
    id,
    key: `OPS-${id.replace(/\D/g, '') || '1'}`,
    title,
    description: '',
    kind: 'task',
    status: 'todo',
    position: 'a0',
    assignee: null,
    priority: 'none',
    labels: [],
    dueAt: null,
    estimateMinutes: null,
    progress: 0,
    createdAt: AT,
    createdBy: null,
    updatedAt: AT,
    startedAt: null,
    acknowledgedAt: null,
    resolvedAt: null,
    doneAt: null,
    archivedAt: null,
    links: [],
    checklistDone: 0,
    checklistTotal: 0,
    commentCount: 0,
    ...over
  };
}

/** The lexical embedder, counting the texts it embeds; `id` may be changed. */
class CountingEmbedder implements AiEmbedder {
  private readonly inner = new LexicalEmbedder();
  readonly dimensions = this.inner.dimensions;
  readonly termWeighting = 'idf' as const;
  embedded = 0;
  constructor(readonly id = 'lexical-test') {}
  embed(texts: readonly string[]) {
    this.embedded += texts.length;
    return this.inner.embed(texts);
  }
}

const logger = createLogger('error');

function service(records: Records, embedder: AiEmbedder) {
  return new AiService({ store: new AiStore(records), embedder, logger, refreshDelayMs: 10 });
}

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`AI index (${backend.name})`, () => {
    test('indexes cards, the archive and CIs; follows changes; reloads; re-embeds', async () => {
      const { records } = await openTestRecords(backend.name);
      const cards = new TaskCardStore(records);
      const archive = new ArchiveStore(records);
      await cards.apply('ws', {
        cards: [
          card('t1', 'db-01 磁盘空间不足'),
          card('t2', 'Renew the TLS certificate of api.example.com'),
          card('t3', 'Redis 内存使用率过高', { kind: 'incident' })
        ],
        removed: []
      });
      await cards.apply('other', { cards: [card('t9', 'disk space low on db-01')], removed: [] });
      const archived = card('t4', 'MySQL 主从延迟超过 300 秒', {
        kind: 'incident',
        doneAt: AT,
        resolvedAt: AT
      });
      await archive.upsert([
        {
          workspaceId: 'ws',
          task: archived,
          finishedAt: AT,
          movedAt: AT,
          item: [1, 1],
          itemIds: []
        }
      ]);
      await records.db
        .insertInto('cmdb_items')
        .values({
          workspace_id: 'ws',
          id: 'ci1',
          type: 'database',
          name: 'mysql-prod-01',
          name_lower: 'mysql-prod-01',
          environment: 'production',
          criticality: 'high',
          owner: null,
          tags: JSON.stringify(['payments']),
          attributes: JSON.stringify({ role: 'replication primary' }),
          created_at: AT,
          updated_at: AT
        })
        .execute();

      const embedder = new CountingEmbedder();
      const ai = service(records, embedder);
      const disk = await ai.similar('ws', { text: 'disk space low on db-01', limit: 5 });
      expect(disk[0]).toMatchObject({ id: 't1', type: 'task', key: 'OPS-1', status: 'open' });
      expect(disk[0]!.url).toBe('/w/ws/tasks/OPS-1');
      // Another workspace's card is never found.
      expect(disk.map((h) => h.id)).not.toContain('t9');
      const lag = await ai.similar('ws', { text: 'mysql replication lag', limit: 5 });
      expect(lag[0]).toMatchObject({ id: 't4', type: 'incident', status: 'archived' });
      expect(lag.map((h) => h.id)).toContain('ci1');
      const onlyCis = await ai.similar('ws', { text: 'mysql', limit: 5, types: ['ci'] });
      expect(onlyCis.map((h) => h.id)).toEqual(['ci1']);
      expect(embedder.embedded).toBe(5 + 3);

      // An edit re-embeds that card only; a status change is no re-embedding; removal leaves.
      await cards.apply('ws', {
        cards: [
          card('t2', 'Kafka consumer lag on the orders topic'),
          card('t3', 'Redis 内存使用率过高', { kind: 'incident', doneAt: AT, resolvedAt: AT })
        ],
        removed: ['t1']
      });
      await ai.refreshNow('ws');
      expect(embedder.embedded).toBe(8 + 1);
      const kafka = await ai.similar('ws', { text: 'kafka 消费者积压', limit: 3 });
      expect(kafka[0]?.id).toBe('t2');
      expect((await ai.similar('ws', { text: 'redis memory high', limit: 1 }))[0]).toMatchObject({
        id: 't3',
        status: 'done',
        finishedAt: AT
      });
      const after = await ai.similar('ws', { text: '磁盘空间不足', limit: 5 });
      expect(after.map((h) => h.id)).not.toContain('t1');
      expect((await ai.status('ws')).items).toBe(4);
      await ai.close();

      // A new service loads the rows and embeds only the query.
      const again = new CountingEmbedder();
      const reloaded = service(records, again);
      expect(
        (await reloaded.similar('ws', { text: 'mysql replication lag', limit: 1 }))[0]?.id
      ).toBe('t4');
      expect(again.embedded).toBe(1);
      await reloaded.close();

      // Another embedder re-embeds everything; a rebuild reports its progress.
      const changed = new CountingEmbedder('lexical-other');
      const other = service(records, changed);
      expect((await other.status('ws')).stale).toBe(4);
      await other.similar('ws', { text: 'x', limit: 1 });
      expect(changed.embedded).toBe(4 + 1);
      expect((await other.status('ws')).items).toBe(4);
      const started = other.startRebuild('ws');
      expect(started.state).toBe('running');
      for (let i = 0; i < 100 && (await other.status('ws')).rebuild.state === 'running'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const status = await other.status('ws');
      expect(status.rebuild).toMatchObject({ state: 'done', done: 4, total: 4 });
      await other.close();
    });

    test('last time this happened: resolver, duration and runbook of the nearest incident', async () => {
      const { records } = await openTestRecords(backend.name);
      const cards = new TaskCardStore(records);
      await records.db
        .insertInto('users')
        .values({
          id: 'u1',
          email: 'alice@example.com',
          name: 'Alice',
          password_hash: null,
          created_at: Date.parse(AT),
          updated_at: Date.parse(AT)
        })
        .execute();
      await records.db
        .insertInto('runbooks')
        .values({
          workspace_id: 'ws',
          id: 'rb1',
          title: 'MySQL replication lag',
          tags: '[]',
          owner_id: null,
          services: '[]',
          cis: '[]',
          alert_matchers: '[]',
          reviewed_at: null,
          review_interval_days: null,
          created_at: AT,
          created_by: null,
          updated_at: AT,
          archived_at: null,
          plain_text: 'Check seconds behind master, then skip the stuck statement.'
        })
        .execute();
      await cards.apply('ws', {
        cards: [
          card('i1', 'MySQL 主从延迟超过 300 秒', {
            kind: 'incident',
            doneAt: '2026-03-01T11:30:00.000Z',
            resolvedAt: '2026-03-01T11:30:00.000Z',
            links: [{ type: 'runbook', target: 'rb1', addedAt: AT }]
          })
        ],
        removed: []
      });
      await records.db
        .insertInto('incidents')
        .values({
          id: 'i1',
          workspace_id: 'ws',
          integration_id: 'int1',
          dedupe_key: 'k',
          title: 'MySQL 主从延迟超过 300 秒',
          severity: 'critical',
          state: 'resolved',
          labels: '{}',
          annotations: '{}',
          opened_at: AT,
          acknowledged_at: null,
          acknowledged_by: null,
          resolved_at: '2026-03-01T11:30:00.000Z',
          resolved_by: 'u1',
          closed_at: null,
          closed_by: null,
          alerts_cleared_at: null,
          reopen_count: 0,
          flapping: 0,
          board_state: 'resolved',
          task_key: 'OPS-1',
          updated_at: AT,
          routed_channels: null,
          assignee: null,
          escalation_policy_id: null
        })
        .execute();
      const ai = service(records, new LexicalEmbedder());
      const last = await ai.lastTime('ws', 'mysql replication lag is high again');
      expect(last).toMatchObject({
        incident: { id: 'i1', type: 'incident' },
        durationMinutes: 90,
        runbooks: [{ id: 'rb1', title: 'MySQL replication lag' }]
      });
      expect(await ai.lastTime('ws', 'mysql replication lag', 'i1')).toBeNull();
      await ai.close();
    });
  });
}
