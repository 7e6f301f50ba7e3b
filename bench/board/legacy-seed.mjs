// Seeds the board benchmark's data with the REFERENCE version's own code (bench/board/
// reference.mjs copies this file into the reference tree and bundles it there, so every import
// below is the reference's): its seeder builds the 10,000-task board (description, checklist,
// comments and activity inside the board document), and this adds what an upgrading workspace
// also has: open tasks finished within the last days (they stay on the live board) and one
// incident with a long description and 200 comments for the task-page figure.
// Plain JavaScript, not type-checked by this checkout: its imports are the reference's.
import * as Y from 'yjs';
import { seedBoard } from './board-data';
import {
  addComment,
  assignTaskKey,
  createTask,
  listColumns
} from '../../src/lib/shared/board/board-model';
import { BoardStore } from '../../src/lib/server/board/board-store';
import { openDatabase } from '../../src/lib/server/db/records';
import { createLogger } from '../../src/lib/server/log';

export { contentHash, keylessCount, makeOfflineEdits, sameStateVector } from './board-data';

/** Id of the task with the long description and 200 comments. */
export const LONG_TASK_ID = 'benchLongTask001';

const PARAGRAPHS = [
  'Timeline: at 02:14 the p99 latency of the checkout API climbed above 2 s; the on-call engineer was paged at 02:16 and acknowledged at 02:19.',
  '时间线：02:14 结算接口 p99 延迟超过 2 秒，02:16 值班工程师收到告警，02:19 确认。',
  'Impact: about 4% of the orders in the EU region failed to complete; retries succeeded for most of them within ten minutes.',
  '影响：华东区域约 4% 的订单未能完成，大部分在十分钟内重试成功。',
  'Root cause: a connection pool limit lowered in the last deploy; the database itself was healthy throughout.',
  '根因：上次发布降低了连接池上限，数据库本身一直正常。'
];

/**
 * @param {{ dataDir: string, workspaceId: string, memberIds: string[], tasks: number, archived: number }} options
 */
export async function seedLegacyBoard(options) {
  const seed = await seedBoard(options);
  const t0 = performance.now();
  const { records, documents } = await openDatabase(
    { dataDir: options.dataDir },
    { logger: createLogger('error') }
  );
  try {
    const stored = await documents.load(seed.docName);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
    const tasks = doc.getMap('tasks');
    // Open tasks that are done were done lately (the seeder dates them by creation, months ago).
    const now = Date.now();
    let recent = 0;
    doc.transact(() => {
      tasks.forEach((value) => {
        if (!(value instanceof Y.Map) || value.get('archivedAt') !== null) return;
        const at = new Date(now - ((recent++ % 240) + 1) * 3_600_000).toISOString();
        if (value.get('doneAt') !== null) value.set('doneAt', at);
        if (value.get('resolvedAt') !== null) value.set('resolvedAt', at);
      });
    });
    const columns = listColumns(doc);
    const column = columns.find((c) => c.category === 'in_progress') ?? columns[0];
    const actor = options.memberIds[0];
    const description = Array.from(
      { length: 120 },
      (_, i) => PARAGRAPHS[i % PARAGRAPHS.length]
    ).join('\n\n');
    const task = createTask(
      doc,
      {
        title: 'Checkout latency incident: postmortem and follow-ups',
        description,
        kind: 'incident',
        status: column?.id,
        assignee: actor,
        priority: 'urgent'
      },
      { id: LONG_TASK_ID, actor, now: new Date(now - 86_400_000) }
    );
    const number = await new BoardStore(records).reserveTaskNumbers(options.workspaceId, 1);
    assignTaskKey(doc, task.id, number);
    for (let i = 0; i < 200; i++) {
      const by = options.memberIds[i % options.memberIds.length];
      addComment(doc, task.id, `${PARAGRAPHS[i % PARAGRAPHS.length]} (#${i + 1})`, {
        actor: by,
        now: new Date(now - 86_400_000 + (i + 1) * 60_000)
      });
    }
    const snapshot = Y.encodeStateAsUpdate(doc);
    await documents.compact(seed.docName, snapshot, stored.lastSeq);
    doc.destroy();
    return {
      ...seed,
      bytes: snapshot.byteLength,
      longTask: {
        id: LONG_TASK_ID,
        key: String(tasks.get(LONG_TASK_ID)?.get('key')),
        comments: 200,
        descriptionChars: description.length
      },
      extrasMs: performance.now() - t0
    };
  } finally {
    await records.close();
  }
}
