/**
 * The live board's cards as records, so a card is answered without loading the board: a deep
 * link opened on a new device asks `GET /tasks/<key>` for the card (to open the task's own
 * document at once), and decoding a 10,000-task board to answer that took most of the wait.
 *
 * `TaskCardStore` keeps one `task_cards` row per task entry of the board document (the card as
 * `readTask` reads it) and, per workspace, the board's state when the rows were last known to
 * hold all of it (`task_card_mirrors`: a Yjs snapshot, state vector and delete set, so a change
 * that only deletes counts too). `cardMirrorExtension` keeps them in step with a loaded board:
 *
 * - on load, when the stored state is not the board's as loaded (first load after the upgrade,
 *   a crash before the last write, a rebase, a restore), every card is written again, after the
 *   load, never inside it;
 * - after each transaction, the tasks it touched are read a moment later (`CARD_WRITE_DELAY_MS`,
 *   with whatever follows) and written or deleted;
 * - when the board unloads, what is pending is read while the document still holds it and
 *   written with the board's final state.
 *
 * Writes run one after another per board and never inside a Yjs transaction. A failed write is
 * logged and followed by a full write a little later; until one succeeds the stored state is
 * dropped, so the next load writes everything again. Derived data: not backed up, rebuilt from
 * the board.
 *
 * The rows are as fresh as the last write: a reader that must see the last edit (anything but a
 * card shown until the live board arrives) reads the board itself.
 */
import * as Y from 'yjs';
import type { SyncExtension } from '../../../../sync-server/extensions';
import { findTask, getTask } from '../../shared/board/board-model';
import { boardDocName } from '../../shared/doc-name';
import type { DocStore } from '../../../../sync-server/doc-store';
import { taskSchema, type Task } from '../../shared/board/schema';
import type { Records, RecordsTransaction } from '../db/records';
import type { Logger } from '../log';
// Byte equality, of states here.
import { sameStateVector } from '../runbooks/versions-store';

/** How long touched tasks wait to be written with what follows. */
export const CARD_WRITE_DELAY_MS = 200;

/** Rows per INSERT statement (4 columns: far below both databases' parameter limits). */
const UPSERT_CHUNK = 500;

/** How long a failed write waits before the board is written in full. */
export const CARD_RETRY_DELAY_MS = 5_000;

/** What changed on a board since the last write: cards to write, ids whose entry is gone. */
export interface CardChanges {
  cards: Task[];
  removed: string[];
}

/**
 * What a write says of the stored state: the board's state (`Y.encodeSnapshot`) when the rows
 * now hold all of it, null when they may not (forget the stored state), undefined to leave it.
 */
export type MirroredState = Uint8Array | null | undefined;

/** The board's state as the mirror compares it: state vector and delete set. */
export function boardState(doc: Y.Doc): Uint8Array {
  return Y.encodeSnapshot(Y.snapshot(doc));
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

  /** The board's state when its rows last held all of it (`boardState`); null when unknown. */
  async state(workspaceId: string): Promise<Uint8Array | null> {
    const row = await this.records.db
      .selectFrom('task_card_mirrors')
      .select('doc_state')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return row ? new Uint8Array(row.doc_state) : null;
  }

  /** Replaces every card of the workspace with `cards`, in one transaction. */
  async replaceAll(workspaceId: string, cards: Task[], state: Uint8Array): Promise<void> {
    await this.records.transaction(async (trx) => {
      await trx.deleteFrom('task_cards').where('workspace_id', '=', workspaceId).execute();
      await this.write(trx, workspaceId, { cards, removed: [] }, state);
    });
  }

  /** Writes changed cards and deletes removed ones, and `state`, in one transaction. */
  async apply(workspaceId: string, changes: CardChanges, state?: MirroredState): Promise<void> {
    await this.records.transaction((trx) => this.write(trx, workspaceId, changes, state));
  }

  private async write(
    trx: RecordsTransaction,
    workspaceId: string,
    { cards, removed }: CardChanges,
    state: MirroredState
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
    if (state === null) {
      await trx.deleteFrom('task_card_mirrors').where('workspace_id', '=', workspaceId).execute();
    } else if (state !== undefined) {
      const mirrored = { doc_state: state, mirrored_at: this.now() };
      await trx
        .insertInto('task_card_mirrors')
        .values({ workspace_id: workspaceId, ...mirrored })
        .onConflict((oc) => oc.column('workspace_id').doUpdateSet(mirrored))
        .execute();
    }
  }
}

/**
 * Task `keyOrId`'s card without loading the board: the board's own while it is in memory (the
 * last edit included), else the mirrored one; null when neither has it.
 */
export async function cardWithoutLoad(
  docs: Pick<DocStore, 'isLoaded' | 'read'>,
  cards: Pick<TaskCardStore, 'find'>,
  workspaceId: string,
  keyOrId: string
): Promise<Task | null> {
  const board = boardDocName(workspaceId);
  return docs.isLoaded(board)
    ? docs.read(board, (doc) => findTask(doc, keyOrId))
    : cards.find(workspaceId, keyOrId);
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
  return { cards, removed };
}

export interface CardMirrorDeps {
  store: Pick<TaskCardStore, 'state' | 'replaceAll' | 'apply'>;
  logger: Logger;
  /** Override of `CARD_WRITE_DELAY_MS` (tests). */
  delayMs?: number;
  /** Override of `CARD_RETRY_DELAY_MS` (tests). */
  retryDelayMs?: number;
}

/** The mirror's sync extension, with the wait for its outstanding writes. */
export interface CardMirrorExtension extends SyncExtension {
  /** Resolves when no write is queued or running any more (failures are logged). */
  settled(): Promise<void>;
  onClose(): Promise<void>;
}

/** Keeps `task_cards` in step with every loaded board (see the file's comment). */
export function cardMirrorExtension(deps: CardMirrorDeps): CardMirrorExtension {
  const delayMs = deps.delayMs ?? CARD_WRITE_DELAY_MS;
  const retryDelayMs = deps.retryDelayMs ?? CARD_RETRY_DELAY_MS;
  /** One write after another per board document (a reload's full write after the unload's). */
  const queues = new Map<string, Promise<void>>();

  /** Queues `write` after the board's earlier writes; `failed` runs when it throws. */
  const enqueue = (
    docName: string,
    what: string,
    write: () => Promise<void>,
    failed: () => void
  ) => {
    const previous = queues.get(docName) ?? Promise.resolve();
    const next = previous.then(write).catch((error: unknown) => {
      deps.logger.error(`board: ${what} of task cards failed`, {
        doc: docName,
        error: String(error)
      });
      failed();
    });
    queues.set(docName, next);
    void next.then(() => {
      if (queues.get(docName) === next) queues.delete(docName);
    });
  };

  const settled = async () => {
    // A write may queue another (the load check queues the full write): wait for those too.
    while (queues.size > 0) await Promise.all([...queues.values()]);
  };

  return {
    name: 'card-mirror',
    kinds: ['board'],
    onLoad({ name, docName, doc }) {
      const { workspaceId } = docName;
      const tasks = doc.getMap<unknown>('tasks');
      const loadedState = boardState(doc);
      let destroyed = false;
      // Until the load check has answered, edits only collect (a full write reads them anyway);
      // a board dropped before that (a rebase on load) writes nothing: the next load decides.
      let checked = false;
      // The next write must be a full one (the check found other rows, or a write failed).
      let needsFull = false;
      // A write failed since the rows last held the whole board: the unload forgets the state.
      let failedSinceWhole = false;
      let touched = new Set<string>();
      let timer: NodeJS.Timeout | null = null;
      // The state the stored rows are known to hold, once known (an unload that changes nothing
      // writes nothing).
      let storedState: Uint8Array | null = null;

      const onFailure = (ids: Iterable<string>) => () => {
        failedSinceWhole = true;
        if (destroyed) return;
        for (const id of ids) touched.add(id);
        needsFull = true;
        schedule(retryDelayMs);
      };
      /** Queues a write of every card as the board holds them now. */
      const writeAll = () => {
        needsFull = false;
        touched = new Set();
        const started = Date.now();
        const { cards } = readCardChanges(doc, tasks.keys());
        const state = boardState(doc);
        enqueue(
          name,
          'mirroring',
          async () => {
            await deps.store.replaceAll(workspaceId, cards, state);
            failedSinceWhole = false;
            storedState = state;
            deps.logger.info('board: task cards mirrored in full', {
              doc: name,
              cards: cards.length,
              ms: Date.now() - started
            });
          },
          onFailure([])
        );
      };
      /** Queues the touched cards; `final` (the unload) with the board's state. */
      const writeTouched = (final: boolean) => {
        if (touched.size === 0 && !final) return;
        const ids = touched;
        touched = new Set();
        const state = final ? boardState(doc) : undefined;
        if (ids.size === 0 && state !== undefined && sameStateVector(state, storedState)) return;
        const changes = readCardChanges(doc, ids);
        enqueue(
          name,
          'writing',
          () => deps.store.apply(workspaceId, changes, failedSinceWhole && final ? null : state),
          onFailure(ids)
        );
      };
      const write = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        if (!checked || destroyed) return;
        if (needsFull) writeAll();
        else writeTouched(false);
      };
      function schedule(ms: number) {
        if (timer !== null || destroyed) return;
        timer = setTimeout(write, ms);
        timer.unref();
      }

      const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
        for (const event of events) {
          if (event instanceof Y.YMapEvent && event.target === tasks) {
            for (const id of event.keysChanged) touched.add(id);
          } else {
            const id = event.path[0];
            if (typeof id === 'string') touched.add(id);
          }
        }
        if (checked && touched.size > 0) schedule(delayMs);
      };
      tasks.observeDeep(observer);
      doc.once('destroy', () => {
        tasks.unobserveDeep(observer);
        if (timer) clearTimeout(timer);
        timer = null;
        // Read while the document still holds its content; written on the queue.
        if (checked) {
          if (needsFull) writeAll();
          else writeTouched(true);
        }
        destroyed = true;
      });

      // After the load (the client's first sync goes first): are the rows those of the board
      // as loaded? If not, the whole board is written again.
      enqueue(
        name,
        'checking',
        async () => {
          await new Promise((resolve) => setImmediate(resolve));
          if (destroyed) return;
          const stored = await deps.store.state(workspaceId);
          if (destroyed) return;
          checked = true;
          if (sameStateVector(stored, loadedState)) {
            storedState = stored;
            if (touched.size > 0) schedule(delayMs);
          } else {
            writeAll();
          }
        },
        () => {
          if (destroyed) return;
          checked = true;
          needsFull = true;
          schedule(retryDelayMs);
        }
      );
    },
    settled,
    onClose: settled
  };
}
