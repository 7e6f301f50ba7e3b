/**
 * Board benchmark data, in Node: a realistic board `Y.Doc` built with the board model (the same
 * functions the browser and the server use), stored in DATA_DIR through the server's own
 * SQLite storage before the server starts (layout 2: descriptions in task documents); offline
 * edit batches for the merge scenario; and a
 * content hash to tell whether two replicas hold the same board. Bundled from source by
 * bench/board/index.mjs (esbuild, packages external, so Yjs is the one in node_modules).
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import {
  archiveTask,
  assignTaskKey,
  createTask,
  initBoard,
  listColumns,
  moveTask,
  updateTask,
  upsertLabel
} from '../../src/lib/shared/board/board-model';
import type { Priority, TaskKind } from '../../src/lib/shared/board/schema';
import { BoardStore } from '../../src/lib/server/board/board-store';
import { openDatabase } from '../../src/lib/server/db/records';
import { createLogger } from '../../src/lib/server/log';
import { boardDocName, taskDocName } from '../../src/lib/shared/doc-name';
import { initTaskContent } from '../../src/lib/shared/board/task-doc';
import { BOARD_LAYOUT, LAYOUT_KEY } from '../../src/lib/server/board/board-layout-migration';
// The tests' seeded PRNG (mulberry32), so every run seeds the same board.
import { seededRandom } from '../../tests/helpers/random';

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomId(random: Random): string {
  let id = '';
  for (let i = 0; i < 16; i++) id += ID_ALPHABET.charAt(Math.floor(random() * 62));
  return id;
}

const SERVICES = [
  'api-gateway',
  'billing',
  'auth',
  'search',
  'checkout',
  'postgres-main',
  'redis-cache',
  'kafka',
  'ingress',
  'cdn',
  'ldap',
  'backup',
  'grafana',
  'prometheus',
  'mail relay',
  'vpn'
];
const EN_VERBS = [
  'Investigate high latency on',
  'Rotate TLS certificates for',
  'Upgrade',
  'Fix flapping alert on',
  'Add disk capacity to',
  'Patch CVE in',
  'Document failover for',
  'Reduce error rate of',
  'Migrate',
  'Clean up old logs on',
  'Review access rules of',
  'Restart stuck workers of'
];
const ZH_TEMPLATES = [
  '排查 {s} 响应变慢的问题',
  '为 {s} 更新证书',
  '{s} 磁盘空间不足，需要扩容',
  '升级 {s} 到最新版本',
  '修复 {s} 的告警误报',
  '整理 {s} 的故障切换文档',
  '{s} 夜间备份失败，请检查',
  '评估 {s} 的访问权限',
  '迁移 {s} 到新机房'
];
const EN_SENTENCES = [
  'Customers in the EU region reported timeouts since the last deploy.',
  'The on-call engineer saw the p99 climb above 2 s during the nightly batch.',
  'Check the dashboard for the last 24 hours before changing anything.',
  'Rollback plan: redeploy the previous image and flush the cache.',
  'Coordinate with the database team; a maintenance window is needed.',
  'Link the incident timeline and the alert fingerprint when done.',
  'This blocks the quarterly audit, so it should be finished this sprint.'
];
const ZH_SENTENCES = [
  '昨晚发布后，华东区域的用户反馈请求超时。',
  '值班同学发现夜间批处理期间 p99 延迟超过 2 秒。',
  '变更前请先查看最近 24 小时的监控面板。',
  '回滚方案：重新部署上一个镜像并清空缓存。',
  '需要与数据库团队协调维护窗口。',
  '完成后请附上事故时间线和告警指纹。'
];
const LABELS = [
  { id: 'network', name: 'network', color: '#2563eb' },
  { id: 'database', name: 'database', color: '#7c3aed' },
  { id: 'security', name: 'security', color: '#dc2626' },
  { id: 'customer', name: 'customer', color: '#ea580c' },
  { id: 'toil', name: 'toil', color: '#65a30d' },
  { id: 'infra', name: '基础设施', color: '#0891b2' },
  { id: 'oncall', name: '值班', color: '#db2777' },
  { id: 'capacity', name: '容量', color: '#ca8a04' }
];
const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'medium', 'medium', 'low', 'none'];
const KINDS: readonly TaskKind[] = ['task', 'task', 'task', 'task', 'incident', 'change'];

function title(random: Random, n: number): string {
  const service = pick(random, SERVICES);
  return random() < 0.5
    ? `${pick(random, EN_VERBS)} ${service} (#${n})`
    : `${pick(random, ZH_TEMPLATES).replace('{s}', service)}（${n}）`;
}

function description(random: Random): string {
  const zh = random() < 0.5;
  const sentences = zh ? ZH_SENTENCES : EN_SENTENCES;
  const parts: string[] = [];
  // A few hundred characters, as a short ops ticket.
  const target = 200 + Math.floor(random() * 300);
  while (parts.join(' ').length < target) parts.push(pick(random, sentences));
  return parts.join(zh ? '' : ' ');
}

function labelsFor(random: Random): string[] {
  const count = Math.floor(random() * 3);
  const ids = new Set<string>();
  for (let i = 0; i < count; i++) ids.add(pick(random, LABELS).id);
  return [...ids];
}

/** What `seedBoard` made, for the report. */
export interface SeedResult {
  docName: string;
  tasks: number;
  archived: number;
  open: number;
  bytes: number;
  buildMs: number;
  storeMs: number;
}

/**
 * Builds a board of `tasks` tasks (`archived` of them archived) in workspace `workspaceId`
 * with assignees among `memberIds`, numbers the tasks like the server does (and advances the
 * workspace's key counter to match), and stores the board as a snapshot in DATA_DIR's SQLite
 * database through `SqliteStorage`, exactly where the server will load it from.
 */
export async function seedBoard(options: {
  dataDir: string;
  workspaceId: string;
  memberIds: readonly string[];
  tasks: number;
  archived: number;
  seed?: number;
}): Promise<SeedResult> {
  const t0 = performance.now();
  const random = seededRandom(options.seed ?? 1);
  const doc = new Y.Doc();
  initBoard(doc);
  for (const label of LABELS) upsertLabel(doc, label);
  const columns = listColumns(doc).map((c) => c.id);
  const { records, documents } = await openDatabase(
    { dataDir: options.dataDir },
    { logger: createLogger('error') }
  );
  // Every number at once: one reservation instead of one per task.
  let nextNumber = await new BoardStore(records).reserveTaskNumbers(
    options.workspaceId,
    options.tasks
  );
  const start = Date.parse('2026-01-05T08:00:00.000Z');
  const ids: string[] = [];
  const descriptions = new Map<string, string>();
  // One transaction per 500 tasks: the creates are the model's own, the batching only saves
  // the observers' work (there are none here) and keeps the stored update compact.
  for (let n = 0; n < options.tasks;) {
    doc.transact(() => {
      for (let k = 0; k < 500 && n < options.tasks; k++, n++) {
        const now = new Date(start + n * 37 * 60_000);
        const due = random() < 0.4 ? new Date(now.getTime() + random() * 30 * 86_400_000) : null;
        const assignee = random() < 0.85 ? pick(random, options.memberIds) : null;
        // Drawn in the order they always were, so the same seed gives the same board.
        const taskTitle = title(random, n + 1);
        const text = description(random);
        const task = createTask(
          doc,
          {
            title: taskTitle,
            kind: pick(random, KINDS),
            status: pick(random, columns),
            assignee,
            priority: pick(random, PRIORITIES),
            labels: labelsFor(random),
            dueAt: due === null ? null : due.toISOString(),
            estimateMinutes: random() < 0.5 ? 15 * (1 + Math.floor(random() * 32)) : null,
            progress: Math.floor(random() * 11) * 10
          },
          { id: randomId(random), now, actor: assignee ?? options.memberIds[0] }
        );
        assignTaskKey(doc, task.id, nextNumber++);
        ids.push(task.id);
        descriptions.set(task.id, text);
      }
    });
  }
  // Archive the oldest `archived` tasks, as a board that has been used for a while.
  doc.transact(() => {
    for (const id of ids.slice(0, options.archived)) {
      archiveTask(doc, id, { now: new Date(start + options.tasks * 37 * 60_000) });
    }
  });
  // Board layout 2 (ARCHITECTURE "Board scale"): each description in its task's document, as
  // the server's start-up migration leaves a board; the board itself marked migrated.
  doc.getMap('meta').set(LAYOUT_KEY, BOARD_LAYOUT);
  const contents: Array<[string, Uint8Array]> = [];
  for (const [id, text] of descriptions) {
    const taskDoc = new Y.Doc();
    taskDoc.transact(() => initTaskContent(taskDoc, text));
    contents.push([taskDocName(options.workspaceId, id), Y.encodeStateAsUpdate(taskDoc)]);
    taskDoc.destroy();
  }
  const snapshot = Y.encodeStateAsUpdate(doc);
  const buildMs = performance.now() - t0;
  const t1 = performance.now();
  const docName = boardDocName(options.workspaceId);
  await documents.compact(docName, snapshot, 0);
  for (const [name, update] of contents) await documents.compact(name, update, 0);
  await records.close();
  doc.destroy();
  return {
    docName,
    tasks: options.tasks,
    archived: options.archived,
    open: options.tasks - options.archived,
    bytes: snapshot.byteLength,
    buildMs,
    storeMs: performance.now() - t1
  };
}

/** Content hash of a board: the JSON of its maps with keys sorted (replica-independent). */
export function contentHash(doc: Y.Doc): string {
  const hash = createHash('sha256');
  for (const name of ['meta', 'columns', 'labels', 'tasks']) {
    hash.update(name);
    hash.update(stableJson(doc.getMap(name).toJSON()));
  }
  return hash.digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** State vectors equal (as encoded bytes of a sorted map, so replica order does not matter). */
export function sameStateVector(a: Y.Doc, b: Y.Doc): boolean {
  const sa = Y.decodeStateVector(Y.encodeStateVector(a));
  const sb = Y.decodeStateVector(Y.encodeStateVector(b));
  if (sa.size !== sb.size) return false;
  for (const [client, clock] of sa) if (sb.get(client) !== clock) return false;
  return true;
}

/** Ids of open tasks in `doc` that have no human key yet. */
export function keylessCount(doc: Y.Doc): number {
  let n = 0;
  doc.getMap('tasks').forEach((value) => {
    if (value instanceof Y.Map && typeof value.get('key') !== 'string') n++;
  });
  return n;
}

/** Counts of the kinds of edits `makeOfflineEdits` made. */
export type EditMix = Record<'title' | 'priority' | 'assignee' | 'move' | 'create', number>;

/**
 * `count` edits as a user makes them offline, each its own transaction (so each is one update,
 * as in the browser): title, priority and assignee changes, moves between and within columns,
 * and new tasks. Picks tasks among the open ones; `seed` makes two clients edit differently
 * but with overlap (both touch some of the same tasks, which is the interesting case).
 */
export function makeOfflineEdits(
  doc: Y.Doc,
  options: { count: number; seed: number; memberIds: readonly string[]; actor: string }
): EditMix {
  const random = seededRandom(options.seed);
  const open: string[] = [];
  doc.getMap('tasks').forEach((value, id) => {
    if (value instanceof Y.Map && (value.get('archivedAt') ?? null) === null) open.push(id);
  });
  open.sort();
  const columns = listColumns(doc).map((c) => c.id);
  const mix: EditMix = { title: 0, priority: 0, assignee: 0, move: 0, create: 0 };
  const base = Date.parse('2026-11-25T10:00:00.000Z');
  for (let i = 0; i < options.count; i++) {
    const now = new Date(base + i * 1000);
    const opts = { now, actor: options.actor };
    const r = random();
    // Overlap: a third of the edits go to the first 300 open tasks, which both clients share.
    const id = random() < 0.33 ? pick(random, open.slice(0, 300)) : pick(random, open);
    if (r < 0.25) {
      updateTask(doc, id, { title: title(random, 100_000 + i) }, opts);
      mix.title++;
    } else if (r < 0.45) {
      updateTask(doc, id, { priority: pick(random, PRIORITIES) }, opts);
      mix.priority++;
    } else if (r < 0.6) {
      updateTask(doc, id, { assignee: pick(random, options.memberIds) }, opts);
      mix.assignee++;
    } else if (r < 0.85) {
      const status = pick(random, columns);
      const anchor = random() < 0.5 ? pick(random, open) : undefined;
      const anchorStatus = anchor === undefined ? undefined : doc.getMap('tasks').get(anchor);
      // Before a card of the target column when one was picked there, else to its end.
      const beforeId =
        anchorStatus instanceof Y.Map && anchorStatus.get('status') === status && anchor !== id
          ? anchor
          : undefined;
      moveTask(doc, id, { status, beforeId }, opts);
      mix.move++;
    } else {
      // A new task's description goes into its own task document, not the board (the page
      // writes it there); drawn anyway, so the sequence of edits stays the same.
      void description(random);
      const task = createTask(
        doc,
        {
          title: title(random, 200_000 + i),
          status: pick(random, columns),
          priority: pick(random, PRIORITIES),
          assignee: pick(random, options.memberIds),
          labels: labelsFor(random)
        },
        { id: randomId(random), now, actor: options.actor }
      );
      open.push(task.id);
      mix.create++;
    }
  }
  return mix;
}
