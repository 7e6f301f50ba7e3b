/**
 * Rebasing a workspace's board (docs/ARCHITECTURE.md, "Rebasing a document"): the board
 * document is replaced by a fresh one with the same meta, columns, labels and tasks, and none
 * of the history of deleted entries (tasks moved to the archive, overwritten fields). The lead
 * calls `rebaseBoard` after the archive sweep and after the start-up migration when
 * `boardTombstones` says the board carries many deleted entries; `npm run admin -- compact-board`
 * runs it by hand.
 */
import type * as Y from 'yjs';
import { copyMapRoots, type TombstoneEstimate } from '../../../../sync-server/doc-copy';
import type { DocStore, RebaseResult } from '../../../../sync-server/doc-store';
import { boardDocName } from '../../shared/doc-name';

/** The root maps of a board document (board-model.ts), copied by a rebase. */
export const BOARD_ROOTS = ['meta', 'columns', 'labels', 'tasks'] as const;

/** Copies a board's content into a fresh document (the `build` of `DocStore.rebase`). */
export function copyBoard(source: Y.Doc, target: Y.Doc): void {
  copyMapRoots(source, target, BOARD_ROOTS);
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
