/**
 * The live board's cards as records, so a card is answered without loading the board: a deep
 * link opened on a new device asks `GET /tasks/<key>` for the card (to open the task's own
 * document at once), and decoding a 10,000-task board to answer that took most of the wait.
 *
 * `TaskCardStore` keeps one `task_cards` row per task entry of the board document (the card as
 * `readTask` reads it) and, per workspace, the board's state vector when the rows were written
 * (`task_card_mirrors`). `cardMirrorExtension` keeps them in step with a loaded board:
 *
 * - on load, when the stored state vector is not the board's (first load after the upgrade, a
 *   crash before the last write, a rebase, a restore), every card is written again, after the
 *   load, never inside it;
 * - after each transaction, the tasks it touched are read a moment later (`CARD_WRITE_DELAY_MS`,
 *   with whatever follows) and written or deleted, with the state vector read at that moment;
 * - when the board unloads, what is pending is read while the document still holds it.
 *
 * Writes run one after another per board and never inside a Yjs transaction; a failure is
 * logged, and the next load writes everything again (its state vector will differ). Derived
 * data: not backed up, rebuilt from the board.
 *
 * The rows are as fresh as the last write: a reader that must see the last edit (anything but a
 * card shown until the live board arrives) reads the board itself.
 */
import * as Y from 'yjs';
import type { SyncExtension } from '../../../../sync-server/extensions';
import { getTask } from '../../shared/board/board-model';
import { taskSchema, type Task } from '../../shared/board/schema';
import type { Records } from '../db/records';
import type { Logger } from '../log';
import { sameStateVector } from '../runbooks/versions-store';

/** How long touched tasks wait to be written with what follows. */
export const CARD_WRITE_DELAY_MS = 200;

/** Rows per INSERT statement (4 columns: far below both databases' parameter limits). */
const UPSERT_CHUNK = 500;

/** What changed on a board since the last write: cards to write, ids whose entry is gone. */
export interface CardChanges {
  cards: Task[];
  removed: string[];
  /** The board's state vector when the cards were read. */
  stateVector: Uint8Array;
}

/** Records of the live board's cards (migration 0009). */
export class TaskCardStore {
  constructor(
    private readonly records: Records,
    private readonly now: () => number = Date.now
  ) {}

  /**
   * The card of a task on the live board, by id or key (case-insensitive), as last mirrored;
   * null when there is none (or it no longer reads as a card).
   */
  async find(workspaceId: string, keyOrId: string): Promise<Task | null> {
    if (keyOrId === '') return null;
    const row = await this.records.db
      .selectFrom('task_cards')
      .select('card')
      .where('workspace_id', '=', workspaceId)
      .where((eb) =>
        eb.or([eb('task_id', '=', keyOrId), eb('key_upper', '=', keyOrId.toUpperCase())])
      )
      // An id wins over a key that happens to read the same.
      .orderBy((eb) => eb.case().when('task_id', '=', keyOrId).then(0).else(1).end())
      .limit(1)
      .executeTakeFirst();
    if (!row) return null;
    try {
      const parsed = taskSchema.safeParse(JSON.parse(row.card));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  /** The board's state vector when its cards were last written; null when never. */
  async stateVector(workspaceId: string): Promise<Uint8Array | null> {
    const row = await this.records.db
      .selectFrom('task_card_mirrors')
      .select('state_vector')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return row ? new Uint8Array(row.state_vector) : null;
  }

  /** Replaces every card of the workspace with `cards`, in one transaction. */
  async replaceAll(workspaceId: string, cards: Task[], stateVector: Uint8Array): Promise<void> {
    await this.records.transaction(async (trx) => {
      await trx.deleteFrom('task_cards').where('workspace_id', '=', workspaceId).execute();
      await this.write(trx, workspaceId, { cards, removed: [], stateVector });
    });
  }

  /** Writes changed cards and deletes removed ones, in one transaction. */
  async apply(workspaceId: string, changes: CardChanges): Promise<void> {
    await this.records.transaction((trx) => this.write(trx, workspaceId, changes));
  }

  private async write(
    trx: Parameters<Parameters<Records['transaction']>[0]>[0],
    workspaceId: string,
    { cards, removed, stateVector }: CardChanges
  ): Promise<void> {
    for (let i = 0; i < removed.length; i += UPSERT_CHUNK) {
      await trx
        .deleteFrom('task_cards')
        .where('workspace_id', '=', workspaceId)
        .where('task_id', 'in', removed.slice(i, i + UPSERT_CHUNK))
        .execute();
    }
    for (let i = 0; i < cards.length; i += UPSERT_CHUNK) {
      const rows = cards.slice(i, i + UPSERT_CHUNK).map((card) => ({
        workspace_id: workspaceId,
        task_id: card.id,
        key_upper: card.key === null ? null : card.key.toUpperCase(),
        card: JSON.stringify(card)
      }));
      await trx
        .insertInto('task_cards')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'task_id']).doUpdateSet((eb) => ({
            key_upper: eb.ref('excluded.key_upper'),
            card: eb.ref('excluded.card')
          }))
        )
        .execute();
    }
    const mirrored = { state_vector: stateVector, mirrored_at: this.now() };
    await trx
      .insertInto('task_card_mirrors')
      .values({ workspace_id: workspaceId, ...mirrored })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet(mirrored))
      .execute();
  }
}

/** The cards of `ids` as the board holds them now, and the ids with no entry any more. */
export function readCardChanges(doc: Y.Doc, ids: Iterable<string>): CardChanges {
  const cards: Task[] = [];
  const removed: string[] = [];
  for (const id of ids) {
    const card = getTask(doc, id);
    if (card === null) removed.push(id);
    else cards.push(card);
  }
  return { cards, removed, stateVector: Y.encodeStateVector(doc) };
}

export interface CardMirrorDeps {
  store: Pick<TaskCardStore, 'stateVector' | 'replaceAll' | 'apply'>;
  logger: Logger;
  /** Override of `CARD_WRITE_DELAY_MS` (tests). */
  delayMs?: number;
}

/** The mirror's sync extension, with the wait for its outstanding writes. */
export interface CardMirrorExtension extends SyncExtension {
  /** Resolves when every write started so far is done (failures are logged). */
  settled(): Promise<void>;
  onClose(): Promise<void>;
}

/** Keeps `task_cards` in step with every loaded board (see the file's comment). */
export function cardMirrorExtension(deps: CardMirrorDeps): CardMirrorExtension {
  const delayMs = deps.delayMs ?? CARD_WRITE_DELAY_MS;
  /** One write after another per board document (a reload's full write after the unload's). */
  const queues = new Map<string, Promise<void>>();

  const enqueue = (docName: string, what: string, write: () => Promise<void>) => {
    const previous = queues.get(docName) ?? Promise.resolve();
    const next = previous.then(write).catch((error: unknown) => {
      deps.logger.error(`board: ${what} of task cards failed`, {
        doc: docName,
        error: String(error)
      });
    });
    queues.set(docName, next);
    void next.then(() => {
      if (queues.get(docName) === next) queues.delete(docName);
    });
  };

  const settled = async () => {
    await Promise.all([...queues.values()]);
  };

  return {
    name: 'card-mirror',
    kinds: ['board'],
    onLoad({ name, docName, doc }) {
      const { workspaceId } = docName;
      const tasks = doc.getMap<unknown>('tasks');
      const loadedVector = Y.encodeStateVector(doc);
      // False until the rows are known to hold the board as loaded (or a full write of it is
      // queued); until then edits only collect, the full write reads them anyway.
      let mirrored = false;
      let touched = new Set<string>();
      let timer: NodeJS.Timeout | null = null;

      const writeTouched = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        if (!mirrored || touched.size === 0) return;
        const changes = readCardChanges(doc, touched);
        touched = new Set();
        enqueue(name, 'writing', () => deps.store.apply(workspaceId, changes));
      };
      const schedule = () => {
        if (touched.size === 0 || timer !== null) return;
        timer = setTimeout(writeTouched, delayMs);
        timer.unref();
      };
      /** Queues a write of every card as the board holds them now. */
      const writeAll = () => {
        mirrored = true;
        touched = new Set();
        const started = Date.now();
        const { cards, stateVector } = readCardChanges(doc, tasks.keys());
        enqueue(name, 'mirroring', async () => {
          await deps.store.replaceAll(workspaceId, cards, stateVector);
          deps.logger.info('board: task cards mirrored in full', {
            doc: name,
            cards: cards.length,
            ms: Date.now() - started
          });
        });
      };

      const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
        for (const event of events) {
          if (event instanceof Y.YMapEvent && event.target === tasks) {
            for (const id of event.keysChanged) touched.add(id);
          } else {
            const id = event.path[0];
            if (typeof id === 'string') touched.add(id);
          }
        }
        if (mirrored) schedule();
      };
      tasks.observeDeep(observer);
      doc.once('destroy', () => {
        // Read while the document still holds its content; written on the queue.
        if (mirrored) writeTouched();
        else writeAll();
        tasks.unobserveDeep(observer);
      });

      // After the load (the client's first sync goes first): are the rows those of the board
      // as loaded? If not, the whole board is written again.
      enqueue(name, 'checking', async () => {
        await new Promise((resolve) => setImmediate(resolve));
        if (mirrored) return;
        const stored = await deps.store.stateVector(workspaceId);
        if (mirrored) return;
        if (sameStateVector(stored, loadedVector)) {
          mirrored = true;
          schedule();
        } else {
          writeAll();
        }
      });
    },
    settled,
    onClose: settled
  };
}
