/**
 * The composition root: builds storage, the DocStore and the sync server from the config and
 * wires the sync hooks. Created once per process and handed over through `globalThis`, because
 * the SvelteKit server bundle and the process entry (server/main.ts, or the Vite dev plugin)
 * are separate module graphs: importing this file twice must not create two DocStores.
 */
import { DocStore } from '../sync-server/doc-store';
import type { Grant, SyncHooks } from '../sync-server/hooks';
import { SyncServer } from '../sync-server/server';
import { MemoryStorage } from '../sync-server/storage/memory-storage';
import { SqliteStorage } from '../sync-server/storage/sqlite-storage';
import type { DocumentStorage } from '../sync-server/storage/types';
import type { Limits } from '../sync-server/defaults';
import { initBoard } from '../src/lib/shared/board/board-model';
import type { Config } from '../src/lib/server/config';
import { openSqlite } from '../src/lib/server/db/sqlite';
import { createLogger, type Logger } from '../src/lib/server/log';
import {
  RUNTIME_KEY as KEY,
  type Runtime,
  type RuntimeHolder as Holder
} from '../src/lib/server/runtime';

export interface RuntimeOptions {
  /** 'memory' keeps nothing on disk (tests); default 'sqlite' in DATA_DIR. */
  storage?: 'sqlite' | 'memory';
  limits?: Partial<Limits>;
  logger?: Logger;
}

/**
 * Access rules on the websocket until accounts exist (next milestone): every document is
 * open, except the ledger, which only the server writes. The hook receives the parsed name, so
 * membership and role checks slot in here without touching the sync core.
 */
function authenticateOpen(ctx: Parameters<NonNullable<SyncHooks['onAuthenticate']>>[0]): Grant {
  const principal = {
    id: `ip:${ctx.request.socket.remoteAddress ?? 'unknown'}`,
    kind: 'anonymous' as const
  };
  return { principal, readOnly: ctx.docName.kind === 'ledger' };
}

/** Builds every service of the process from `config`. Prefer `startRuntime`. */
export async function createRuntime(
  config: Config,
  options: RuntimeOptions = {}
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = options.storage === 'memory' ? null : openSqlite(config.dataDir);
  const storage: DocumentStorage = db ? new SqliteStorage(db) : new MemoryStorage();
  const docStore = new DocStore({
    storage,
    logger,
    limits: options.limits,
    hooks: {
      onLoad: ({ docName, doc }) => {
        if (docName.kind === 'board') initBoard(doc);
      }
    }
  });
  const syncServer = new SyncServer({
    docStore,
    logger,
    hooks: { onAuthenticate: authenticateOpen }
  });
  let closed: Promise<void> | null = null;
  return {
    config,
    logger,
    db,
    storage,
    docStore,
    syncServer,
    close() {
      closed ??= (async () => {
        await syncServer.close();
        await docStore.close();
        await storage.close();
      })();
      return closed;
    }
  };
}

/** Creates the process-wide runtime once; later calls return the same one. */
export function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const holder = globalThis as Holder;
  holder[KEY] ??= createRuntime(config, options);
  return holder[KEY];
}

/** Forgets the process-wide runtime after closing it (tests start several in one process). */
export async function stopRuntime(): Promise<void> {
  const holder = globalThis as Holder;
  const runtime = holder[KEY];
  delete holder[KEY];
  if (runtime) await (await runtime).close();
}
