import type { Runtime } from './runtime';

export interface Readiness {
  ready: boolean;
  storage: { kind: string; ok: boolean; error?: string };
  documentsLoaded: number;
  connections: number;
}

/** `/readyz`: storage reachable. Errors are reported by kind, never with a stack. */
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
  return {
    ready: ok,
    storage: { kind: runtime.storage.kind, ok, ...(error ? { error } : {}) },
    documentsLoaded: runtime.docStore.loadedCount,
    connections: runtime.syncServer.connectionCount
  };
}
