/**
 * What a dead executor left behind. A run's process group is detached (its own group, so a
 * timeout can kill it whole), so when the server or runner process dies mid-run — the case the
 * runner marks `interrupted` at its next start — the run's processes go on and its working
 * directory stays. At start, before any run of this process begins, `reapOrphans` kills every
 * process whose `HOME` is a run directory under `workRoot` and removes those directories.
 *
 * Only for a `workRoot` no other live executor uses (each server node and runner has its own).
 */
/* eslint-disable security/detect-non-literal-fs-filename -- the configured work root and its
   run-* entries, never request text. */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sweepByEnvironmentPrefix } from './process-group';

export async function reapOrphans(workRoot: string): Promise<{ killed: number; removed: number }> {
  const killed = sweepByEnvironmentPrefix(`HOME=${join(workRoot, 'run-')}`);
  let removed = 0;
  const entries = await readdir(workRoot, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith('run-')) continue;
    await rm(join(workRoot, entry.name), { recursive: true, force: true });
    removed += 1;
  }
  return { killed, removed };
}
