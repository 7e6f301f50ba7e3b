/**
 * Incident cards edited on the board (docs/alerts.md, "Acknowledge from anywhere"): a member
 * who acknowledges an incident on its card, or drags it into a done column — live, or offline
 * on a phone and synced later — asks the server to acknowledge or resolve the incident. The
 * card is only a request: the server checks the lifecycle and records the move under the
 * connection's user (alerts-service.ts, `cardChanged`), and a card moved where the incident's
 * state does not allow is put back. Changes made by the server itself are not looked at.
 */
import * as Y from 'yjs';
import type { SyncExtension } from '../../../../sync-server/extensions';
import { toUpdateOrigin } from '../../../../sync-server/update-origin';
import { tasksOf } from '../../shared/board/board-doc';
import type { Logger } from '../log';

/** What a client did to an incident card. */
export type CardChange = 'acknowledged' | 'resolved' | 'moved';

export interface AlertsExtensionDeps {
  /** Called once per changed incident card, after the transaction, in order. */
  cardChanged(
    workspaceId: string,
    taskId: string,
    change: CardChange,
    actorId: string
  ): Promise<void>;
  logger: Logger;
}

export interface AlertsExtension extends SyncExtension {
  /** Resolves when every card change seen so far is handled (tests, shutdown). */
  settled(): Promise<void>;
}

export function alertsExtension(deps: AlertsExtensionDeps): AlertsExtension {
  let chain: Promise<void> = Promise.resolve();
  const handle = (workspaceId: string, taskId: string, change: CardChange, actor: string) => {
    chain = chain
      .then(() => deps.cardChanged(workspaceId, taskId, change, actor))
      .catch((error: unknown) => {
        deps.logger.warn('alerts: an incident card change was not applied', {
          task: taskId,
          change,
          error: String(error)
        });
      });
  };
  return {
    name: 'alerts',
    kinds: ['board'],
    onLoad({ doc, docName }) {
      const tasks = tasksOf(doc);
      tasks.observeDeep((events: Y.YEvent<Y.AbstractType<unknown>>[], transaction) => {
        const origin = toUpdateOrigin(transaction.origin);
        if (origin.kind !== 'client') return;
        const actor = origin.connection.grant?.principal.userId;
        if (!actor) return;
        for (const event of events) {
          const map = event.target;
          if (!(map instanceof Y.Map) || map.parent !== tasks) continue;
          if (map.get('kind') !== 'incident') continue;
          const keys = event.changes.keys;
          const id = map.get('id');
          if (typeof id !== 'string') continue;
          if (keys.has('acknowledgedAt') && map.get('acknowledgedAt')) {
            handle(docName.workspaceId, id, 'acknowledged', actor);
          }
          if (keys.has('doneAt') && map.get('doneAt')) {
            handle(docName.workspaceId, id, 'resolved', actor);
          } else if (keys.has('status') || keys.has('archivedAt')) {
            handle(docName.workspaceId, id, 'moved', actor);
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
