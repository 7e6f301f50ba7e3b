import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { syncDevServer } from './server/vite-plugin';

export default defineConfig({
  plugins: [sveltekit(), syncDevServer()],
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/sync/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true
  }
});
