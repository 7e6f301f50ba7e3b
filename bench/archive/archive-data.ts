/**
 * Data of the archive benchmark (scenario 2 of issue 12): a workspace whose board has a few
 * hundred open tasks and, optionally, tens of thousands of incidents resolved weeks to a year
 * ago, as they accumulate from alert intake. The entries are written as plain board task
 * entries (the fields every version reads), so the reference version and this one load the same
 * data; the board is stored through the server's own storage in DATA_DIR. Bundled from source
 * by bench/archive/index.mjs (esbuild, packages external).
 */
import * as Y from 'yjs';
import { initBoard, listColumns } from '../../src/lib/shared/board/board-model';
import { BoardStore } from '../../src/lib/server/board/board-store';
import { openDatabase } from '../../src/lib/server/db/records';
import { createLogger } from '../../src/lib/server/log';
import { boardDocName } from '../../src/lib/shared/doc-name';
import { seededRandom } from '../../tests/helpers/random';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Words the incident titles are made of; the search queries pick among them. */
export const SEARCH_TERMS = [
  'latency',
  'timeout',
  'disk',
  'certificate',
  'replication',
  '磁盘',
  '延迟',
  '证书',
  'checkout',
  'payments'
];
const SERVICES = ['checkout', 'payments', 'auth', 'search', 'kafka', 'postgres-main', 'ingress'];
const EN = [
  'High latency on {s}',
  'Timeouts from {s}',
  'Disk almost full on {s}',
  'Certificate expiring on {s}',
  'Replication lag on {s}'
];
const ZH = ['{s} 磁盘空间不足', '{s} 响应延迟升高', '{s} 证书即将过期'];

export interface ArchiveSeed {
  docName: string;
  open: number;
  incidents: number;
  bytes: number;
  buildMs: number;
}

/**
 * Stores a board with `open` open tasks and `incidents` incidents resolved 15 to 365 days ago
 * into `dataDir`, numbering every task like the server does.
 */
export async function seedArchiveBoard(options: {
  dataDir: string;
  workspaceId: string;
  memberIds: readonly string[];
  open: number;
  incidents: number;
}): Promise<ArchiveSeed> {
  const t0 = performance.now();
  const random = seededRandom(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const id = () =>
    Array.from({ length: 16 }, () => ALPHABET.charAt(Math.floor(random() * 62))).join('');
  const doc = new Y.Doc();
  initBoard(doc);
  const columns = listColumns(doc);
  const done = columns.find((c) => c.category === 'done') ?? columns[columns.length - 1];
  const working = columns.filter((c) => c.category !== 'done');
  const { records, documents } = await openDatabase(
    { dataDir: options.dataDir },
    { logger: createLogger('error') }
  );
  try {
    let number = await new BoardStore(records).reserveTaskNumbers(
      options.workspaceId,
      options.open + options.incidents
    );
    const now = Date.now();
    const tasks = doc.getMap<unknown>('tasks');
    const write = (fields: Record<string, unknown>) => {
      const map = new Y.Map<unknown>();
      const taskId = id();
      tasks.set(taskId, map);
      map.set('id', taskId);
      map.set('key', `OPS-${number++}`);
      for (const [key, value] of Object.entries(fields)) map.set(key, value);
      map.set('labels', new Y.Map<unknown>());
      map.set('links', new Y.Map<unknown>());
    };
    const total = options.open + options.incidents;
    for (let n = 0; n < total;) {
      doc.transact(() => {
        for (let k = 0; k < 1000 && n < total; k++, n++) {
          const service = pick(SERVICES);
          const title = (random() < 0.6 ? pick(EN) : pick(ZH)).replace('{s}', service);
          if (n < options.open) {
            const created = new Date(now - random() * 20 * 86_400_000).toISOString();
            write({
              title: `${title} (#${n + 1})`,
              kind: random() < 0.3 ? 'incident' : 'task',
              status: pick(working)?.id,
              position: `a${String(n).padStart(6, '0')}`,
              assignee: pick(options.memberIds),
              priority: 'medium',
              createdAt: created,
              updatedAt: created,
              createdBy: pick(options.memberIds)
            });
          } else {
            const resolved = now - (15 + random() * 350) * 86_400_000;
            const created = new Date(resolved - random() * 6 * 3_600_000).toISOString();
            const at = new Date(resolved).toISOString();
            write({
              title: `${title} (#${n + 1})`,
              kind: 'incident',
              status: done?.id,
              position: `b${String(n).padStart(6, '0')}`,
              assignee: pick(options.memberIds),
              priority: pick(['urgent', 'high', 'medium']),
              createdAt: created,
              updatedAt: at,
              createdBy: null,
              acknowledgedAt: created,
              resolvedAt: at,
              doneAt: at
            });
          }
        }
      });
    }
    const snapshot = Y.encodeStateAsUpdate(doc);
    const docName = boardDocName(options.workspaceId);
    await documents.compact(docName, snapshot, 0);
    return {
      docName,
      open: options.open,
      incidents: options.incidents,
      bytes: snapshot.byteLength,
      buildMs: performance.now() - t0
    };
  } finally {
    doc.destroy();
    await records.close();
  }
}
