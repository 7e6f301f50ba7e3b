/**
 * The archive's sync extension on board documents (archive-service.ts, `TaskArchiver`): on load, after the
 * board extension set up keys and activity, it attaches the board to the sweeper and sweeps
 * once (on the document itself, before any client sees it, so a board that grew big for years
 * is served small); then every `intervalMs` while the board stays loaded. Every client update
 * goes through the rescue before it is applied (`onApply`: Yjs would drop the part written into
 * a deleted entry), so an edit to a task moved meanwhile is applied to its row. A board left
 * carrying many deleted entries is rebased on load, before any client sees it.
 */
import type * as Y from 'yjs';
import type { SyncExtension } from '../../../../sync-server/extensions';
import type { ChangeContext } from '../../../../sync-server/hooks';
import { boardNeedsRebase, copyBoard } from '../board/board-rebase';
import type { Logger } from '../log';

/** How often a loaded board is swept again. */
export const ARCHIVE_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** What the extension drives: the service's `TaskArchiver`. */
export interface Archiver {
  attach(doc: Y.Doc, docName: string, workspaceId: string): Promise<void>;
  sweep(docName: string, options?: { doc?: Y.Doc }): Promise<unknown>;
  rescue(ctx: ChangeContext): void;
  settled(): Promise<void>;
}

export interface ArchiveExtensionDeps {
  archiver: Archiver;
  logger: Logger;
  /** Between sweeps of a loaded board; default hourly. */
  intervalMs?: number;
}

export function archiveExtension(deps: ArchiveExtensionDeps): SyncExtension {
  const { archiver, logger } = deps;
  const intervalMs = deps.intervalMs ?? ARCHIVE_SWEEP_INTERVAL_MS;
  const report = (doc: string, error: unknown) =>
    logger.error('archive: sweeping a board failed', { doc, error: String(error) });
  return {
    name: 'archive',
    kinds: ['board'],
    async onLoad({ name, docName, doc, requestRebase }) {
      await archiver.attach(doc, name, docName.workspaceId);
      // A failed sweep leaves the board as it was (bigger): served anyway, tried again later.
      await archiver.sweep(name, { doc }).catch((error: unknown) => report(name, error));
      // What the sweep (or an upgrade before it) deleted still weighs on every load: a board
      // carrying many deleted entries is rebased before anyone sees it (board-rebase.ts).
      if (boardNeedsRebase(doc)) requestRebase(copyBoard);
      const timer = setInterval(() => {
        archiver.sweep(name).catch((error: unknown) => report(name, error));
      }, intervalMs);
      timer.unref();
      doc.once('destroy', () => clearInterval(timer));
    },
    onApply(ctx) {
      archiver.rescue(ctx);
    },
    onClose() {
      return archiver.settled();
    }
  };
}
