/**
 * The AI index's sync extension (ai-service.ts): a change to a board, a task's content, a
 * runbook or a CMDB asks the workspace's index to refresh a moment after the last change. The
 * refresh reads the records the other extensions keep (the card mirror, the runbook index, the
 * CMDB mirror), which they write within a second of a change: the delay (2 s) is longer. A
 * change relayed by another node only refreshes this node's in-memory index: the node where it
 * was made writes the rows (ai-service.ts, `follow`).
 */
import type { SyncExtension } from '../../../../sync-server/extensions';
import { isLocalOrigin } from '../../../../sync-server/update-origin';

/** What the extension drives: the service's `touch`. */
export interface IndexToucher {
  /** `local` false: made on another node, which writes the rows (once across nodes). */
  touch(workspaceId: string, local: boolean): void;
}

export function aiExtension(deps: { index: IndexToucher }): SyncExtension {
  return {
    name: 'ai-index',
    kinds: ['board', 'task', 'runbook', 'cmdb'],
    onChange({ docName, origin }) {
      deps.index.touch(docName.workspaceId, isLocalOrigin(origin));
    }
  };
}
