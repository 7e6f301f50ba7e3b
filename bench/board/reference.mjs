// The "before" of the board benchmark: the app as it was before the board-scale work
// (REFERENCE_COMMIT: one board document holding every task, its description, checklist,
// comments and activity). Its source is taken out of git (`git archive`) into
// node_modules/.cache/runboard-reference/<commit>/, built there once (`npm run build`, with this
// checkout's node_modules), and reused by later runs. The same reference seeds the benchmark's
// board with its own model (bench/board/legacy-seed.mjs), so the data is exactly what an
// installation of that version holds when it upgrades.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../sync/servers.mjs';

/** The last commit before issue 12 (board scale) began: activity and content in the board. */
export const REFERENCE_COMMIT = '221b8da2b45ac0089b5ee29433fc1a5d51a42321';

/**
 * The reference build, built first when missing.
 * @param {string} commit
 * @param {(s: string) => void} log
 * @returns {Promise<{ commit: string, root: string, app: string, admin: string, seeder: () => Promise<any> }>}
 */
export async function ensureReference(commit, log) {
  const root = join(ROOT, 'node_modules', '.cache', 'runboard-reference', commit);
  const marker = join(root, '.built');
  if (!existsSync(marker)) {
    log(`building the reference ${commit.slice(0, 10)} in ${root} (once; later runs reuse it)`);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const archive = execFileSync('git', ['archive', '--format=tar', commit], {
      cwd: ROOT,
      maxBuffer: 512 * 2 ** 20
    });
    execFileSync('tar', ['-x', '-C', root], { input: archive });
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    const t0 = performance.now();
    const built = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    if (built.status !== 0) {
      throw new Error(`reference build failed:\n${(built.stdout + built.stderr).slice(-3000)}`);
    }
    writeFileSync(marker, new Date().toISOString());
    log(`reference built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  return {
    commit,
    root,
    app: join(root, 'build', 'server', 'main.js'),
    admin: join(root, 'build', 'server', 'admin.js'),
    // Bundled inside the reference tree, so its imports are the reference's own model.
    seeder: async () => {
      const esbuild = await import('esbuild');
      const entry = join(root, 'bench', 'board', 'legacy-seed.mjs');
      copyFileSync(join(ROOT, 'bench', 'board', 'legacy-seed.mjs'), entry);
      const outfile = join(root, 'node_modules-bench', `legacy-seed-${process.pid}.mjs`);
      await esbuild.build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        absWorkingDir: root,
        logLevel: 'error'
      });
      process.on('exit', () => rmSync(outfile, { force: true }));
      return import(outfile);
    }
  };
}
