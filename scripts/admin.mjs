// `npm run admin -- <command> …`: the admin CLI (entries/admin.ts). In a checkout with the dev
// dependencies it is bundled from source on the fly, so it never runs stale code; without them
// (a production install) it runs the bundle made by `npm run build` (build/server/admin.js).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleEntryFromSource } from './entry-build-options.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

let entry = await bundleEntryFromSource('entries/admin.ts');
if (entry === null) {
  entry = join(root, 'build/server/admin.js');
  if (!existsSync(entry)) {
    process.stderr.write('runboard admin: no build found; run `npm run build` first\n');
    process.exit(1);
  }
}
await import(pathToFileURL(entry).href);
