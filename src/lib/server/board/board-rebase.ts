/**
 * Rebasing a workspace's board (docs/ARCHITECTURE.md, "Rebasing a document"): the board
 * document is replaced by a fresh one with the same meta, columns, labels and tasks, and none
 * of the history of deleted entries (tasks moved to the archive, overwritten fields). The lead
 * calls `rebaseBoard` after the archive sweep and after the start-up migration when
 * `boardTombstones` says the board carries many deleted entries; `npm run admin -- compact-board`
 * runs it by hand.
 */
import * as Y from 'yjs';
import {
  copyMapRoots,
  copyValue,
  tombstoneEstimate,
  type TombstoneEstimate
} from '../../../../sync-server/doc-copy';
import type { DocStore, RebaseResult } from '../../../../sync-server/doc-store';
import { boardDocName } from '../../shared/doc-name';

/**
 * Copies a board's content into a fresh document (the `build` of `DocStore.rebase`), each task
 * entry in its compact form: fields that read as unset (null) and the `id` field (the entry's
 * key in `tasks` is its id; `readTask` is always given it) are left out, so a card costs only
 * what it holds. Nested maps (labels, links) are copied even when empty: they are created with
 * the task so two replicas adding the first label land in the same map.
 */
export function copyBoard(source: Y.Doc, target: Y.Doc): void {
  copyMapRoots(source, target, ['meta', 'columns', 'labels']);
  target.transact(() => {
    const to = target.getMap<unknown>('tasks');
    for (const [id, value] of source.getMap<unknown>('tasks')) {
      if (!(value instanceof Y.Map)) {
        to.set(id, copyValue(value));
        continue;
      }
      const entry = new Y.Map<unknown>();
      for (const [key, field] of value as Y.Map<unknown>) {
        if (field === null || field === undefined || key === 'id') continue;
        entry.set(key, copyValue(field));
      }
      to.set(id, entry);
    }
  });
}

/**
 * Whether a loaded board carries enough deleted entries to be worth a rebase on load: at least
 * 2,000 deleted items and a tenth of its structs (an upgrade that moved content and finished
 * tasks out leaves tens of thousands; everyday edits take months to get there).
 */
export function boardNeedsRebase(doc: Y.Doc): boolean {
  const { structs, deletedItems } = tombstoneEstimate(doc);
  return deletedItems >= 2_000 && deletedItems >= structs / 10;
}

/**
 * Rebases the board of `workspaceId`: every open connection to it is closed with
 * `CloseCode.DocumentReset` (browsers save their unsynced edits, drop their copy and reload),
 * server writes meanwhile wait, and copies from before are refused from then on.
 */
export function rebaseBoard(
  docs: Pick<DocStore, 'rebase'>,
  workspaceId: string
): Promise<RebaseResult> {
  return docs.rebase(boardDocName(workspaceId), copyBoard);
}

/**
 * What deleted entries cost the board of `workspaceId` (loading it if needed): deleted items,
 * their estimated bytes and the encoded size. Worth a rebase when `deletedItems` is large
 * (say over 5,000, or `estimatedBytes` over a tenth of `bytes`).
 */
export function boardTombstones(
  docs: Pick<DocStore, 'tombstones'>,
  workspaceId: string
): Promise<TombstoneEstimate & { bytes: number }> {
  return docs.tombstones(boardDocName(workspaceId));
}
