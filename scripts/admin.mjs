// `npm run admin -- <command> …`: the admin CLI (server/admin.ts). In a checkout with the dev
// dependencies it is bundled from source on the fly, so it never runs stale code; without them
// (a production install) it runs the bundle made by `npm run build` (build/server/admin.js).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { entryBuildOptions } from './entry-build-options.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function bundleFromSource() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return null;
  }
  // Inside the repo so the external packages resolve from node_modules; one directory per run,
  // so concurrent runs never read each other's half-written bundle.
  const cacheDir = join(root, 'node_modules/.cache');
  mkdirSync(cacheDir, { recursive: true });
  const outDir = mkdtempSync(join(cacheDir, 'runboard-admin-'));
  process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  const outfile = join(outDir, 'admin.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'server/admin.ts')],
    outfile,
    ...entryBuildOptions,
    absWorkingDir: root,
    logLevel: 'error'
  });
  return outfile;
}

let entry = await bundleFromSource();
if (entry === null) {
  entry = join(root, 'build/server/admin.js');
  if (!existsSync(entry)) {
    process.stderr.write('runboard admin: no build found; run `npm run build` first\n');
    process.exit(1);
  }
}
await import(pathToFileURL(entry).href);
