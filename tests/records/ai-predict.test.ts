/**
 * `ai/predict` on both databases (ai/ai-service.ts `predict`, ai/history-store.ts, ai/predict.ts):
 * from live and archived cards and the members, a new MySQL disk incident gets a duration near
 * what similar incidents took and, first, the person who resolved them, with the reason; an
 * inactive member and a viewer are never suggested; who is on call counts for incidents; a
 * workspace without finished work gets no duration.
 */
import { describe, expect, test } from 'vitest';
import { Accounts } from '../../src/lib/server/accounts/accounts-store';
import { AiService } from '../../src/lib/server/ai/ai-service';
import { AiStore } from '../../src/lib/server/ai/ai-store';
import { AiHistoryStore } from '../../src/lib/server/ai/history-store';
import { LexicalEmbedder } from '../../src/lib/server/ai/lexical-embedder';
import { ArchiveStore } from '../../src/lib/server/archive/archive-store';
import { TaskCardStore } from '../../src/lib/server/board/card-mirror';
import { createLogger } from '../../src/lib/server/log';
import type { Task } from '../../src/lib/shared/board/schema';
import { openTestRecords, recordsBackends } from '../helpers/records';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function card(id: string, title: string, over: Partial<Task> = {}): Task {
  return {
    id,
    key: null,
    title,
    description: '',
    kind: 'incident',
    status: 'done',
    position: 'a0',
    assignee: null,
    priority: 'high',
    labels: [],
    dueAt: null,
    estimateMinutes: null,
    progress: 0,
    createdAt: iso(T0),
    createdBy: null,
    updatedAt: iso(T0),
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

/** A finished incident created on day `day`, resolved after `minutes`. */
function incident(
  id: string,
  title: string,
  day: number,
  minutes: number,
  assignee: string,
  labels: string[]
) {
  const created = T0 + day * 24 * HOUR;
  const resolved = iso(created + minutes * 60_000);
  return card(id, title, {
    assignee,
    labels,
    createdAt: iso(created),
    acknowledgedAt: iso(created + 60_000),
    resolvedAt: resolved,
    doneAt: resolved
  });
}

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`AI prediction (${backend.name})`, () => {
    test('suggests who resolved similar work, predicts from how long it took', async () => {
      const { records } = await openTestRecords(backend.name);
      const accounts = new Accounts(records);
      const user = (name: string, active = true) =>
        accounts.createUser({ email: `${name}@example.test`, name, passwordHash: null, active });
      const alice = await user('Alice');
      const bob = await user('Bob');
      const gone = await user('Gone', false);
      const watcher = await user('Watcher');
      const oncall = await user('Oncall');
      await accounts.createWorkspace('Predict', alice.id, 'ws');
      await accounts.addMember('ws', bob.id, 'operator');
      await accounts.addMember('ws', gone.id, 'member');
      await accounts.addMember('ws', watcher.id, 'viewer');
      await accounts.addMember('ws', oncall.id, 'operator');

      const cards = new TaskCardStore(records);
      const archive = new ArchiveStore(records);
      const disk = ['l-mysql', 'l-db'];
      const past = [
        incident('d1', 'db-01 磁盘空间不足', 1, 50, alice.id, disk),
        incident('d2', 'Disk almost full on db-02', 5, 70, alice.id, disk),
        incident('d3', 'db-03 数据盘使用率超过 90%', 9, 60, alice.id, disk),
        incident('d4', 'Low disk space on db-01', 13, 65, alice.id, disk),
        incident('d5', 'db-02 磁盘快满了', 17, 55, gone.id, disk),
        incident('d6', 'db-02 磁盘快满了', 18, 55, watcher.id, disk),
        incident('r1', 'Redis 内存使用率过高', 3, 30, bob.id, ['l-redis']),
        incident('r2', 'Redis memory usage high on redis-01', 8, 35, bob.id, ['l-redis']),
        incident('k1', 'Kafka consumer lag growing', 11, 240, bob.id, ['l-kafka'])
      ];
      // two in the archive, the rest on the board; one open task of bob's
      for (const task of past.slice(0, 2))
        await archive.upsert([
          {
            workspaceId: 'ws',
            task,
            finishedAt: task.resolvedAt!,
            movedAt: task.resolvedAt!,
            item: null,
            itemIds: []
          }
        ]);
      await cards.apply('ws', {
        cards: [
          ...past.slice(2),
          card('o1', 'Upgrade Kafka', { kind: 'task', assignee: bob.id, createdAt: iso(T0) })
        ],
        removed: []
      });

      const onCallNow = ['x'];
      const ai = new AiService({
        store: new AiStore(records),
        embedder: new LexicalEmbedder(),
        logger: createLogger('error'),
        history: new AiHistoryStore(records),
        onCallNow: () => Promise.resolve(onCallNow),
        now: () => T0 + 30 * 24 * HOUR
      });
      try {
        const p = await ai.predict('ws', {
          title: 'db-03 磁盘空间不足',
          kind: 'incident',
          priority: 'high',
          labels: disk
        });
        expect(p.duration).not.toBeNull();
        const d = p.duration!;
        expect(d.basedOn).toBeGreaterThanOrEqual(4);
        expect(d.p50Minutes).toBeGreaterThanOrEqual(45);
        expect(d.p50Minutes).toBeLessThanOrEqual(80);
        expect(d.p10Minutes).toBeLessThan(d.p50Minutes);
        expect(d.p90Minutes).toBeGreaterThan(d.p50Minutes);

        const ids = p.assignees.map((a) => a.id);
        expect(ids[0]).toBe(alice.id);
        expect(ids).not.toContain(gone.id);
        expect(ids).not.toContain(watcher.id);
        expect(ids.length).toBeLessThanOrEqual(3);
        const first = p.assignees[0]!;
        expect(first.name).toBe('Alice');
        expect(first.email).toBe('Alice@example.test');
        expect(first.reason).toEqual({ kind: 'resolved_similar', count: 4, topic: 'l-mysql' });
        expect(first.autoApply).toBe(first.confidence >= 0.75);

        // on call now, for an incident with no similar history: the on-call person leads
        onCallNow.splice(0, 1, oncall.id);
        const night = await ai.predict('ws', {
          title: 'Certificate expiry warning',
          kind: 'incident'
        });
        expect(night.assignees[0]!.id).toBe(oncall.id);
        expect(night.assignees[0]!.reason).toEqual({ kind: 'on_call' });

        // a workspace with members but nothing finished: no duration, no basis for anyone
        await accounts.createWorkspace('Empty', alice.id, 'empty');
        const empty = await ai.predict('empty', { title: 'db-03 磁盘空间不足' });
        expect(empty.duration).toBeNull();
        expect(empty.assignees).toEqual([]);
      } finally {
        await ai.close();
      }
    });
  });
}
