/**
 * End-to-end tests: real Chromium against the production build (`npm run build` first), on a
 * server started with a fresh data directory, so every run starts from an empty store. With
 * RUNBOARD_E2E_DATABASE_URL (an empty PostgreSQL database; scripts/test-postgres.mjs makes one
 * for the smoke run) the server keeps its store there instead of in SQLite.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, devices } from '@playwright/test';

// E2E_PORT lets two checkouts run their browser tests side by side.
const PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE_URL = `http://127.0.0.1:${PORT}`;

// Workers load this file again; the environment carries the directory over, so all of them
// agree on one directory and only the first load creates it.
process.env.RUNBOARD_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'runboard-e2e-'));
const dataDir = process.env.RUNBOARD_E2E_DATA_DIR;

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.e2e.ts',
  // Sets up the shared server once (owner and member in workspace `e2e`, see tests/e2e/fixtures.ts).
  globalSetup: './tests/e2e/global-setup.ts',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // No retries anywhere: a flaky sync test is a bug to fix, not to hide.
  retries: 0,
  workers: 2,
  reporter: 'list',
  // A test walks several pages, often as two users; with two workers, the server and Chromium
  // on two cores, flows that take 10 s alone took over 30 s in clean-clone CI runs. Each
  // assertion still waits 5 s at most (below), so a real hang fails as fast as before.
  timeout: 60_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure'
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync'
          ]
        }
      }
    }
  ],
  webServer: {
    command: 'node build/server/main.js',
    url: `${BASE_URL}/healthz`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
    // SIGTERM lets the server save what it holds; the data directory is thrown away anyway.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: process.env.RUNBOARD_E2E_DATABASE_URL ?? '',
      LOG_LEVEL: 'warn'
    }
  }
});
