/**
 * Members' edits of cards that follow server facts (incident and change cards): the board
 * extension part that watches the cards of one kind and hands every client edit of them, after
 * its transaction and in order, to the domain that owns the facts. Changes made by the server
 * itself are not looked at (no loop: the server's rewrite of a card is not a client's edit).
 */
import * as Y from 'yjs';
import type { SyncExtension } from '../../../../sync-server/extensions';
import { toUpdateOrigin } from '../../../../sync-server/update-origin';
import { tasksOf } from '../../shared/board/board-doc';
import type { Logger } from '../log';

/** One client edit of a watched card. */
export interface CardEdit {
  workspaceId: string;
  taskId: string;
  /** The keys of the card's map the edit changed. */
  keys: ReadonlySet<string>;
  /** The card's map after the edit. */
  card: Y.Map<unknown>;
  /** The connection's user. */
  actorId: string;
}

export interface CardEditsExtension extends SyncExtension {
  /** Resolves when every edit seen so far is handled (tests, shutdown). */
  settled(): Promise<void>;
}

/**
 * A board extension calling `classify` for every client edit of a card of `kind`; what it
 * answers (requests, in order) is handed to `handle` one at a time, after the transaction.
 */
export function cardEditsExtension<C>(options: {
  name: string;
  kind: 'incident' | 'change';
  classify(edit: CardEdit): readonly C[];
  handle(workspaceId: string, taskId: string, request: C, actorId: string): Promise<void>;
  logger: Logger;
}): CardEditsExtension {
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (workspaceId: string, taskId: string, request: C, actorId: string) => {
    chain = chain
      .then(() => options.handle(workspaceId, taskId, request, actorId))
      .catch((error: unknown) => {
        options.logger.warn(`${options.name}: a card edit was not applied`, {
          task: taskId,
          request: String(request),
          error: String(error)
        });
      });
  };
  return {
    name: options.name,
    kinds: ['board'],
    onLoad({ doc, docName }) {
      const tasks = tasksOf(doc);
      tasks.observeDeep((events: Y.YEvent<Y.AbstractType<unknown>>[], transaction) => {
        const origin = toUpdateOrigin(transaction.origin);
        if (origin.kind !== 'client') return;
        const actorId = origin.connection.grant?.principal.userId;
        if (!actorId) return;
        for (const event of events) {
          const card = event.target;
          if (!(card instanceof Y.Map) || card.parent !== tasks) continue;
          if (card.get('kind') !== options.kind) continue;
          const taskId = card.get('id');
          if (typeof taskId !== 'string') continue;
          const edit = { workspaceId: docName.workspaceId, taskId, keys: event.changes.keys, card };
          for (const request of options.classify({
            ...edit,
            keys: new Set(edit.keys.keys()),
            actorId
          })) {
            enqueue(docName.workspaceId, taskId, request, actorId);
          }
        }
      });
    },
    settled() {
      return chain;
    },
    onClose() {
      return chain;
    }
  };
}
