// How a process entry (server/main.ts, sync-server/main.ts, server/admin.ts) is bundled, shared
// by the build, the admin CLI runner and the tests: one ESM file for Node 20 with every
// dependency left external, so packages load from node_modules at run time.
export const entryBuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external'
};
