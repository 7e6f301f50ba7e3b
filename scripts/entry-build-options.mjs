// How a process entry (entries/main.ts, entries/sync-main.ts, entries/admin.ts) is bundled, shared
// by the build, the admin CLI runner and the tests: one ESM file for Node 20 with every
// dependency left external, so packages load from node_modules at run time.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @type {import('esbuild').BuildOptions} */
export const entryBuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external'
};

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Bundles one entry (a path relative to the repository) from source and returns the bundle's
 * path, or null when esbuild is not installed (a production install). The bundle goes inside
 * the repo so external packages resolve from node_modules, in a directory of its own per call
 * so concurrent runs never read each other's half-written file; it is removed on exit.
 * @param {string} entry
 * @returns {Promise<string | null>}
 */
export async function bundleEntryFromSource(entry) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return null;
  }
  const cacheDir = join(root, 'node_modules/.cache');
  mkdirSync(cacheDir, { recursive: true });
  const outDir = mkdtempSync(join(cacheDir, 'runboard-entry-'));
  process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  const outfile = join(outDir, basename(entry).replace(/\.ts$/, '.mjs'));
  await esbuild.build({
    entryPoints: [join(root, entry)],
    outfile,
    ...entryBuildOptions,
    absWorkingDir: root,
    logLevel: 'error'
  });
  return outfile;
}
