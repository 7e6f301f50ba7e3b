/**
 * When access changes (member removed or demoted, token revoked, session ended, password
 * changed) the affected websocket connections close at once with `AccessChanged` (4009), on
 * every node: the change is closed here and published on `<REDIS_PREFIX>:access` when there
 * are several nodes (sync-server/fanout/fanout.ts), and each other node closes its own. The
 * stock client reconnects, and the upgrade check then grants the new access or refuses.
 */
import { z } from 'zod';
import type { SyncServer } from '../../../../sync-server/server';
import { parseDocName } from '../../shared/doc-name';
import { CloseCode } from '../../shared/sync-protocol';
import type { Runtime } from '../runtime';

/** Which connections an access change affects (every given field must match). */
export const connectionMatchSchema = z
  .object({
    userId: z.string().min(1).optional(),
    workspaceId: z.string().min(1).optional(),
    sessionId: z.string().min(1).optional(),
    tokenId: z.string().min(1).optional()
  })
  .strict()
  // An empty match would close every connection of a node: never from the bus.
  .refine((m) => Object.values(m).some((v) => v !== undefined), { message: 'empty match' });

export type ConnectionMatch = z.infer<typeof connectionMatchSchema>;

/**
 * Closes every connection of this node matching all given fields; returns how many were
 * closed. Other nodes learn of it through `closeConnections`.
 */
export function closeLocalConnections(syncServer: SyncServer, match: ConnectionMatch): number {
  return syncServer.closeWhere(({ rawName, grant }) => {
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

/**
 * Closes every connection matching all given fields, on this node at once and on the others
 * through the fan-out; returns how many were closed here.
 */
export function closeConnections(runtime: Runtime, match: ConnectionMatch): number {
  runtime.fanout?.publishAccess(match);
  return closeLocalConnections(runtime.syncServer, match);
}
