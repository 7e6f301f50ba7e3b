/**
 * Incident cards edited on the board (docs/alerts.md, "Acknowledge from anywhere"): a member
 * who acknowledges an incident on its card, or drags it into a done column — live, or offline
 * on a phone and synced later — asks the server to acknowledge or resolve the incident. The
 * card is only a request: the server checks the lifecycle and records the move under the
 * connection's user (alerts-service.ts, `cardChanged`), and a card moved where the incident's
 * state does not allow is put back. Changes made by the server itself are not looked at
 * (board/card-edits.ts, shared with change cards).
 */
import { cardEditsExtension, type CardEditsExtension } from '../board/card-edits';
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

export type AlertsExtension = CardEditsExtension;

export function alertsExtension(deps: AlertsExtensionDeps): AlertsExtension {
  return cardEditsExtension<CardChange>({
    name: 'alerts',
    kind: 'incident',
    classify({ keys, card }) {
      const out: CardChange[] = [];
      if (keys.has('acknowledgedAt') && card.get('acknowledgedAt')) out.push('acknowledged');
      if (keys.has('doneAt') && card.get('doneAt')) out.push('resolved');
      else if (keys.has('status') || keys.has('archivedAt')) out.push('moved');
      return out;
    },
    handle: (workspaceId, taskId, change, actorId) =>
      deps.cardChanged(workspaceId, taskId, change, actorId),
    logger: deps.logger
  });
}
