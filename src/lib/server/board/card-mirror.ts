/**
 * The live board's cards as records, so a card is answered without loading the board: a deep
 * link opened on a new device asks `GET /tasks/<key>` for the card (to open the task's own
 * document at once), and decoding a 10,000-task board to answer that took most of the wait.
 *
 * `TaskCardStore` keeps one `task_cards` row per task entry of the board document (the card as
 * `readTask` reads it) and, per workspace, the board's state when the rows were last known to
 * hold all of it (`task_card_mirrors`). `cardMirrorExtension` keeps them in step with a loaded
 * board through the document mirror (db/doc-mirror.ts: a full write when the stored state is
 * not the loaded board's, touched cards a moment after each change, the rest at the unload).
 * Derived data: not backed up, rebuilt from the board.
 *
 * The rows are as fresh as the last write: a reader that must see the last edit (anything but a
 * card shown until the live board arrives) reads the board itself.
 */
import type * as Y from 'yjs';
import { findTask, getTask } from '../../shared/board/board-model';
import { boardDocName } from '../../shared/doc-name';
import type { DocStore } from '../../../../sync-server/doc-store';
import { taskSchema, type Task } from '../../shared/board/schema';
import type { Records, RecordsTransaction } from '../db/records';
import type { Logger } from '../log';
import {
  docMirrorExtension,
  mirrorState,
  type DocMirrorExtension,
  type MirroredState
} from '../db/doc-mirror';

export type { MirroredState } from '../db/doc-mirror';

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

/** The board's state as the mirror compares it: state vector and delete set. */
export const boardState = mirrorState;

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
        card: JSON.stringify(card),
        kind: card.kind,
        started_at: card.startedAt,
        done_at: card.doneAt,
        due_at: card.dueAt,
        resolved_at: card.resolvedAt
      }));
      await trx
        .insertInto('task_cards')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'task_id']).doUpdateSet((eb) => ({
            key_upper: eb.ref('excluded.key_upper'),
            card: eb.ref('excluded.card'),
            kind: eb.ref('excluded.kind'),
            started_at: eb.ref('excluded.started_at'),
            done_at: eb.ref('excluded.done_at'),
            due_at: eb.ref('excluded.due_at'),
            resolved_at: eb.ref('excluded.resolved_at')
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
export type CardMirrorExtension = DocMirrorExtension;

/** Keeps `task_cards` in step with every loaded board (see the file's comment). */
export function cardMirrorExtension(deps: CardMirrorDeps): CardMirrorExtension {
  return docMirrorExtension<CardChanges>({
    name: 'card-mirror',
    kind: 'board',
    area: 'board',
    rows: 'task cards',
    maps: ['tasks'],
    read: (doc, touched) => readCardChanges(doc, touched.get('tasks') ?? []),
    count: (changes) => changes.cards.length,
    store: {
      state: (workspaceId) => deps.store.state(workspaceId),
      replaceAll: (workspaceId, changes, state) =>
        deps.store.replaceAll(workspaceId, changes.cards, state),
      apply: (workspaceId, changes, state) => deps.store.apply(workspaceId, changes, state)
    },
    logger: deps.logger,
    delayMs: deps.delayMs ?? CARD_WRITE_DELAY_MS,
    retryDelayMs: deps.retryDelayMs ?? CARD_RETRY_DELAY_MS
  });
}
