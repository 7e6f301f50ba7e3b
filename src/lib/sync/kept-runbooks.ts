/**
 * Runbooks a person chose to "keep offline" on this device. The ids live in localStorage
 * (`runboard:offline-runbooks:<ws>`); the library page refreshes each one in the background by
 * opening its document briefly (offline copy + websocket), so the IndexedDB copy is current
 * when the network is gone in the middle of an incident.
 */
import { runbookDocName } from '$lib/shared/doc-name';
import { connectDoc } from './connect-doc';

/** How long a background refresh may take before the connection is closed anyway. */
const REFRESH_TIMEOUT_MS = 20_000;
/** At most this many runbooks are refreshed at the same time. */
const REFRESH_PARALLEL = 3;

function storageKey(workspaceId: string): string {
  return `runboard:offline-runbooks:${workspaceId}`;
}

/** The runbook ids kept offline in workspace `workspaceId` on this device. */
export function keptRunbooks(workspaceId: string): string[] {
  try {
    const raw = localStorage.getItem(storageKey(workspaceId));
    const parsed: unknown = raw === null ? [] : JSON.parse(raw);
    // Stored by us, but anything in localStorage can be edited by hand: keep only strings.
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** Adds or removes runbook `id` from the kept list; returns the new list. */
export function setKept(workspaceId: string, id: string, kept: boolean): string[] {
  const current = keptRunbooks(workspaceId).filter((other) => other !== id);
  const next = kept ? [...current, id] : current;
  try {
    localStorage.setItem(storageKey(workspaceId), JSON.stringify(next));
  } catch {
    // Storage full or disabled: the toggle just does not stick.
  }
  return next;
}

function refreshOne(workspaceId: string, id: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let connection: ReturnType<typeof connectDoc>;
    try {
      connection = connectDoc(runbookDocName(workspaceId, id));
    } catch {
      resolve();
      return;
    }
    const finish = (): void => {
      clearInterval(poll);
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      connection.destroy();
      resolve();
    };
    // SyncStatus is rune state, not an emitter; a light poll avoids an effect root here.
    const poll = setInterval(() => {
      const { status } = connection;
      if (status.localLoaded && (status.synced || status.state === 'refused')) finish();
    }, 250);
    const timer = setTimeout(finish, REFRESH_TIMEOUT_MS);
    signal.addEventListener('abort', finish);
  });
}

/** Brings the offline copies of the kept runbooks up to date; stops early on `signal`. */
export async function refreshKeptRunbooks(
  workspaceId: string,
  ids: readonly string[],
  signal: AbortSignal
): Promise<void> {
  const queue = [...ids];
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined && !signal.aborted; id = queue.shift()) {
      await refreshOne(workspaceId, id, signal);
    }
  };
  await Promise.all(Array.from({ length: REFRESH_PARALLEL }, worker));
}
