/**
 * When access changes (member removed or demoted, token revoked, session ended, password
 * changed) the affected websocket connections close at once with `AccessChanged` (4009). The
 * stock client reconnects, and the upgrade check then grants the new access or refuses.
 */
import { parseDocName } from '../../shared/doc-name';
import { CloseCode } from '../../shared/sync-protocol';
import type { Runtime } from '../runtime';

export interface ConnectionMatch {
  userId?: string;
  workspaceId?: string;
  sessionId?: string;
  tokenId?: string;
}

/** Closes every connection matching all given fields; returns how many were closed. */
export function closeConnections(runtime: Runtime, match: ConnectionMatch): number {
  return runtime.syncServer.closeWhere(({ rawName, grant }) => {
    const p = grant.principal;
    if (match.userId !== undefined && p.userId !== match.userId) return false;
    if (match.sessionId !== undefined && p.sessionId !== match.sessionId) return false;
    if (match.tokenId !== undefined && p.tokenId !== match.tokenId) return false;
    if (match.workspaceId !== undefined) {
      const parsed = parseDocName(rawName);
      if (!parsed.ok || parsed.name.workspaceId !== match.workspaceId) return false;
    }
    return true;
  }, CloseCode.AccessChanged);
}
