/** The production app in a child process on a fresh DATA_DIR, for REST and page tests. */
import { startAppProcess } from './server-process';
import { tempDataDir } from './sync-server';

export interface TestApp {
  baseUrl: string;
  wsUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts `build/server/main.js` on port 0 with SQLite in a temp dir. */
export async function startApp(): Promise<TestApp> {
  const dataDir = tempDataDir('runboard-app-');
  const proc = await startAppProcess(dataDir);
  return {
    baseUrl: proc.baseUrl,
    wsUrl: proc.wsUrl,
    dataDir,
    stop: () => proc.kill('SIGTERM')
  };
}
