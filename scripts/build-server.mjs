// Bundles the process entries (server/main.ts, server/sync-main.ts, the admin CLI
// server/admin.ts) into build/server/.
// Dependencies stay external and are loaded from node_modules at run time.
import { build } from 'esbuild';
import { entryBuildOptions } from './entry-build-options.mjs';

await build({
  entryPoints: {
    main: 'server/main.ts',
    'sync-server': 'server/sync-main.ts',
    admin: 'server/admin.ts'
  },
  outdir: 'build/server',
  ...entryBuildOptions,
  sourcemap: true,
  logLevel: 'warning'
});
