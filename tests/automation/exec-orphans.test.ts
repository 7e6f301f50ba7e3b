/**
 * After a crash: the run processes a dead executor left (detached, so they outlived it) are
 * killed, and their working directories removed, by reapOrphans at the next start.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { reapOrphans } from '../../src/lib/server/automation/exec/orphans';
import { alive } from '../helpers/exec';

it('kills the processes left by runs under the work root and removes their directories', async () => {
  const root = await mkdtemp(join(tmpdir(), 'rb-orphans-'));
  const workRoot = join(root, 'work');
  const otherRoot = join(root, 'other');
  try {
    const orphanDir = join(workRoot, 'run-abc-123456');
    const keptDir = join(otherRoot, 'run-abc-123456');
    await mkdir(orphanDir, { recursive: true });
    await mkdir(keptDir, { recursive: true });
    const start = (home: string) => {
      const child = spawn('/bin/bash', ['-c', "trap '' TERM; sleep 60 & wait"], {
        env: { PATH: '/usr/bin:/bin', HOME: home },
        detached: true,
        stdio: 'ignore'
      });
      child.unref();
      return child.pid as number;
    };
    const orphan = start(orphanDir);
    const bystander = start(keptDir);
    await new Promise((r) => setTimeout(r, 200));
    try {
      const result = await reapOrphans(workRoot);
      // bash and its sleep
      expect(result).toEqual({ killed: 2, removed: 1 });
      await new Promise((r) => setTimeout(r, 100));
      expect(alive(orphan)).toBe(false);
      expect(existsSync(orphanDir)).toBe(false);
      expect(alive(bystander)).toBe(true);
      expect(existsSync(keptDir)).toBe(true);
    } finally {
      try {
        process.kill(-bystander, 'SIGKILL');
      } catch {
        // gone
      }
      try {
        process.kill(-orphan, 'SIGKILL');
      } catch {
        // gone
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

it('is a no-op for a work root that does not exist', async () => {
  expect(await reapOrphans(join(tmpdir(), 'rb-no-such-root-xyz'))).toEqual({
    killed: 0,
    removed: 0
  });
});
