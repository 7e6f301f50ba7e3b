// Bundles the process entries (entries/main.ts, entries/sync-main.ts, the admin CLI
// entries/admin.ts, the remote runner entries/runner.ts) into build/server/.
// Dependencies stay external and are loaded from node_modules at run time.
import { build } from 'esbuild';
import { entryBuildOptions } from './entry-build-options.mjs';

await build({
  entryPoints: {
    main: 'entries/main.ts',
    'sync-server': 'entries/sync-main.ts',
    admin: 'entries/admin.ts',
    runner: 'entries/runner.ts'
  },
  outdir: 'build/server',
  ...entryBuildOptions,
  sourcemap: true,
  logLevel: 'warning'
});
