import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { syncDevServer } from './server/vite-plugin';

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
        return { build: { rollupOptions: { output: { experimentalMinChunkSize: 20_000 } } } };
      }
    }
  ],
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/sync/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true
  }
});
