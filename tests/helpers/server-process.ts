/**
 * A real server in a child process, for tests that kill it (SIGKILL) or need the production
 * entry. The standalone sync entry is bundled with esbuild on first use, so these tests do not
 * depend on `npm run build`; the full app entry needs the build (build/handler.js).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleEntryFromSource } from '../../scripts/entry-build-options.mjs';
import { databaseEnvFor } from './database';

const root = resolve(import.meta.dirname, '../..');
let bundled: Promise<string> | null = null;

/** Bundles entries/sync-main.ts once per test process; returns the file path. */
function bundleSyncEntry(): Promise<string> {
  bundled ??= bundleEntryFromSource('entries/sync-main.ts').then((file) => {
    if (!file) throw new Error('esbuild is needed to bundle the sync entry for tests');
    return file;
  });
  return bundled;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  wsUrl: string;
  /** Resolves with the exit code/signal once the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

async function spawnEntry(
  entry: string,
  env: Record<string, string>,
  cwd: string
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [entry], {
    cwd,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal }))
  );
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/[^\s:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    exited,
    output: () => output,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    }
  };
}

/** Starts the standalone sync node on `dataDir` (port 0 unless given). */
export async function startSyncProcess(
  dataDir: string,
  options: { port?: number; env?: Record<string, string> } = {}
): Promise<ServerProcess> {
  const entry = await bundleSyncEntry();
  return spawnEntry(
    entry,
    {
      PORT: String(options.port ?? 0),
      DATA_DIR: dataDir,
      ...(await databaseEnvFor(dataDir)),
      ...options.env
    },
    root
  );
}

/** Starts the full production app (needs `npm run build`). */
export async function startAppProcess(
  dataDir: string,
  options: { port?: number; env?: Record<string, string> } = {}
): Promise<ServerProcess> {
  const entry = join(root, 'build/server/main.js');
  if (!existsSync(entry) || !existsSync(join(root, 'build/handler.js'))) {
    throw new Error('no production build: run `npm run build` before this test');
  }
  return spawnEntry(
    entry,
    {
      PORT: String(options.port ?? 0),
      DATA_DIR: dataDir,
      ...(await databaseEnvFor(dataDir)),
      ...options.env
    },
    root
  );
}
