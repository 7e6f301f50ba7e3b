import type { Runtime } from './runtime';

export interface Readiness {
  ready: boolean;
  storage: { kind: string; ok: boolean; error?: string };
  /** A graceful shutdown has begun: the node finishes what it holds and takes nothing new. */
  draining: boolean;
  /** Resident memory against `RUNBOARD_MAX_MEMORY_MB` (no limit: `limitBytes` absent). */
  memory: { rssBytes: number; limitBytes?: number; ok: boolean };
  documentsLoaded: number;
  connections: number;
}

/**
 * `/readyz`: storage reachable, not draining, under the memory limit. A load balancer stops
 * sending new clients to a node that answers 503 here. Errors are reported by kind, never with
 * a stack.
 */
export async function checkReadiness(runtime: Runtime): Promise<Readiness> {
  let ok = true;
  let error: string | undefined;
  try {
    // The documents' storage and the records; the same database unless documents are in memory.
    await Promise.all([runtime.storage.ping(), runtime.records.ping()]);
  } catch (e) {
    ok = false;
    error = e instanceof Error ? e.name : 'unreachable';
  }
  const limit = runtime.docStore.limits.maxMemoryBytes;
  const memoryOk = !runtime.syncServer.overMemoryLimit();
  const draining = runtime.lifecycle.draining;
  return {
    ready: ok && memoryOk && !draining,
    storage: { kind: runtime.storage.kind, ok, ...(error ? { error } : {}) },
    draining,
    memory: {
      rssBytes: process.memoryUsage.rss(),
      ...(Number.isFinite(limit) ? { limitBytes: limit } : {}),
      ok: memoryOk
    },
    documentsLoaded: runtime.docStore.loadedCount,
    connections: runtime.syncServer.connectionCount
  };
}
