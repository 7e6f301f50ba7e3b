/**
 * Change cards edited on the board (docs/changes.md, "Facts that cannot be forged"): a change
 * card is a view of the change's rows. A member who drags it to another stage, marks it done or
 * archives it — live, or offline and synced later — approves or moves nothing: the server puts
 * the card back where the change's state shows it (changes-service.ts, `cardChanged`). Changes
 * made by the server itself are not looked at (board/card-edits.ts, shared with incident cards).
 */
import { cardEditsExtension, type CardEditsExtension } from '../board/card-edits';
import type { Logger } from '../log';

/** The card keys that show a change's state. */
const STATE_KEYS = ['status', 'doneAt', 'archivedAt', 'startedAt'] as const;

export interface ChangesExtensionDeps {
  /** Called once per moved change card, after the transaction, in order. */
  cardChanged(workspaceId: string, taskId: string, actorId: string): Promise<void>;
  logger: Logger;
}

export type ChangesExtension = CardEditsExtension;

export function changesExtension(deps: ChangesExtensionDeps): ChangesExtension {
  return cardEditsExtension<'moved'>({
    name: 'changes',
    kind: 'change',
    classify: ({ keys }) => (STATE_KEYS.some((key) => keys.has(key)) ? ['moved'] : []),
    handle: (workspaceId, taskId, _moved, actorId) =>
      deps.cardChanged(workspaceId, taskId, actorId),
    logger: deps.logger
  });
}
