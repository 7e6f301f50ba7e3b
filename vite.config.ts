import { availableParallelism } from 'node:os';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { syncDevServer } from './entries/vite-plugin';

export default defineConfig({
  plugins: [
    sveltekit(),
    syncDevServer(),
    {
      // The browser build only (the server build keeps one module per route): merge chunks
      // under 20 kB into their neighbours. The build had 34 chunks, many under 1 kB, and a
      // runbook page loaded 40 scripts that queue six at a time over HTTP/1.1; now 19 chunks.
      name: 'runboard:min-chunk-size',
      enforce: 'post',
      config(config) {
        if (config.build?.ssr) return {};
        return {
          build: {
            rollupOptions: {
              output: {
                experimentalMinChunkSize: 20_000,
                // Each locale's messages in a chunk of their own, loaded only when shown (see
                // src/lib/i18n/load-messages.ts). Without this, the merge above treats a catalog
                // (data, no side effects) as a free home for small shared chunks, and the page's
                // own code then imports the other language's text statically.
                manualChunks: (id) => /\/src\/lib\/i18n\/messages\/(en|zh-CN)\//.exec(id)?.[1]
              }
            }
          }
        };
      }
    },
    {
      // A clean build log: the messages below are known and harmless, so they are dropped
      // once here (and explained in docs/faq.md) instead of being read past on every build.
      name: 'runboard:quiet-build-log',
      config() {
        return {
          build: {
            // The runbook editor's route bundles tiptap and ProseMirror (about 560 kB before
            // gzip). It is loaded only on that route, and the runbook benchmark keeps its cold
            // open under 1 s; warn only if it grows well past that.
            chunkSizeWarningLimit: 700,
            rollupOptions: {
              onLog(level, log, defaultHandler) {
                // zod's sources carry a comment next to a @__PURE__ annotation that Rollup
                // cannot place; Rollup drops the comment, the code is unchanged.
                if (log.code === 'INVALID_ANNOTATION' && log.id?.includes('node_modules/zod/'))
                  return;
                // experimentalMinChunkSize reports its chunk counts as an info log.
                if (log.code === 'OPTIMIZE_CHUNK_STATUS') return;
                defaultHandler(level, log);
              }
            }
          }
        };
      }
    }
  ],
  test: {
    include: [
      'tests/unit/**/*.test.ts',
      'tests/records/**/*.test.ts',
      'tests/sync/**/*.test.ts',
      'tests/api/**/*.test.ts',
      'tests/alerts/**/*.test.ts',
      'tests/automation/**/*.test.ts'
    ],
    setupFiles: ['tests/setup/databases.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    // Vitest runs `cores - 1` files at once by default: one at a time on CI's 2 cores, where
    // most files wait on a child process, a socket, PostgreSQL or a timer rather than compute.
    // Two at once on 2 cores (one per core elsewhere); docs/testing.md has the measurements.
    // VITEST_MAX_WORKERS still overrides it.
    maxWorkers: Math.max(2, availableParallelism())
  }
});
