/** Seeds accounts straight into a DATA_DIR's database, for tests that need credentials. */
import { Accounts } from '../../src/lib/server/accounts/accounts-store';
import { hashPassword } from '../../src/lib/server/auth/password';
import { openDatabase, type DatabaseTarget } from '../../src/lib/server/db/records';
import { createLogger } from '../../src/lib/server/log';
import { openTestDatabase } from './database';
import type { Role } from '../../src/lib/shared/permissions';

export interface SeededUser {
  userId: string;
  email: string;
  password: string;
  /** An API token scoped to the workspace. */
  token: string;
}

/**
 * Creates workspace `workspaceId` owned by a fresh user, plus one user per extra role, each with
 * an API token for the workspace. Returns them by role.
 */
export async function seedWorkspace(
  dataDir: string,
  workspaceId: string,
  roles: Role[] = ['owner'],
  /** Another database than this run's for `dataDir` (a test that picks its own). */
  target?: DatabaseTarget
): Promise<Record<string, SeededUser>> {
  const { records } = target
    ? await openDatabase(target, { logger: createLogger('error'), poolSize: 2 })
    : await openTestDatabase(dataDir);
  try {
    const accounts = new Accounts(records);
    const password = 'correct horse battery';
    const passwordHash = await hashPassword(password);
    const out: Record<string, SeededUser> = {};
    let ownerId: string | null = null;
    for (const role of roles) {
      const email = `${role}-${workspaceId}-${Math.random().toString(36).slice(2, 8)}@example.test`;
      const user = await accounts.createUser({
        email,
        name: `${role} ${workspaceId}`,
        passwordHash
      });
      if (ownerId === null) {
        await accounts.createWorkspace(`Workspace ${workspaceId}`, user.id, workspaceId);
        ownerId = user.id;
        if (role !== 'owner') await accounts.setRole(workspaceId, user.id, role);
      } else {
        await accounts.addMember(workspaceId, user.id, role);
      }
      const { token } = await accounts.createToken({
        userId: user.id,
        workspaceId,
        name: 'test',
        expiresAt: null
      });
      out[role] = { userId: user.id, email, password, token };
    }
    return out;
  } finally {
    await records.close();
  }
}
