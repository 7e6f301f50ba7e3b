// TEMPORARY shim so the composition root loads while the runbook stores move to the records
// layer (branch records-runbooks replaces this file).
import type { SyncExtension } from '../../../../sync-server/extensions';
export { indexRunbookDoc } from './runbook-watch';

export function runbookExtension(_deps: unknown): SyncExtension {
  return { name: 'runbooks', kinds: ['runbook'] };
}
