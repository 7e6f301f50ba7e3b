/** The production app in a child process on a fresh DATA_DIR, for REST and page tests. */
import { startAppProcess, type ServerProcess } from './server-process';
import { tempDataDir } from './sync-server';

export interface TestApp {
  baseUrl: string;
  wsUrl: string;
  dataDir: string;
  process: ServerProcess;
  stop(): Promise<void>;
}

/**
 * Starts `build/server/main.js` on port 0 (or `port`: the same node again) with SQLite in `dataDir` (a fresh temp dir unless
 * given: seed it first, e.g. with `seedWorkspace` from ./accounts, then start the app on it).
 */
export async function startApp(
  options: { dataDir?: string; env?: Record<string, string>; port?: number } = {}
): Promise<TestApp> {
  const dataDir = options.dataDir ?? tempDataDir('runboard-app-');
  const proc = await startAppProcess(dataDir, { env: options.env, port: options.port });
  return {
    baseUrl: proc.baseUrl,
    wsUrl: proc.wsUrl,
    dataDir,
    process: proc,
    stop: () => proc.kill('SIGTERM')
  };
}
