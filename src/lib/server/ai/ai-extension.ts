/**
 * The AI index's sync extension (ai-service.ts): a change to a board, a task's content, a
 * runbook or a CMDB asks the workspace's index to refresh a moment after the last change. The
 * refresh reads the records the other extensions keep (the card mirror, the runbook index, the
 * CMDB mirror), which they write within a second of a change: the delay (2 s) is longer.
 */
import type { SyncExtension } from '../../../../sync-server/extensions';

/** What the extension drives: the service's `touch`. */
export interface IndexToucher {
  touch(workspaceId: string): void;
}

export function aiExtension(deps: { index: IndexToucher }): SyncExtension {
  return {
    name: 'ai-index',
    kinds: ['board', 'task', 'runbook', 'cmdb'],
    onChange({ docName }) {
      deps.index.touch(docName.workspaceId);
    }
  };
}
