/**
 * Sets up the shared e2e server once per run, the way an operator would: first-run setup over
 * REST (owner and workspace `e2e`), a second user made with the admin CLI and added to `e2e` as
 * a member. Both are signed in once and their sessions saved (see fixtures.ts).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { request, type FullConfig } from '@playwright/test';
import { accountsFile, type E2eAccounts, type E2eUser } from './fixtures';

const root = resolve(import.meta.dirname, '../..');
const PASSWORD = 'e2e correct horse battery';

async function waitForServer(baseURL: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${baseURL}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`e2e server at ${baseURL} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Signs `user` in over REST and saves the session as a storage state file. */
async function saveSession(baseURL: string, user: Omit<E2eUser, 'storageState'>, dir: string) {
  const api = await request.newContext({ baseURL });
  try {
    const reply = await api.post('/api/v1/auth/login', {
      data: { email: user.email, password: user.password }
    });
    if (reply.status() !== 200) throw new Error(`sign-in of ${user.email}: ${await reply.text()}`);
    const storageState = join(dir, `e2e-${user.email.split('@')[0]}.json`);
    await api.storageState({ path: storageState });
    return { ...user, storageState };
  } finally {
    await api.dispose();
  }
}

/** Playwright global setup. */
export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL = config.projects[0]?.use.baseURL;
  const dataDir = process.env.RUNBOARD_E2E_DATA_DIR;
  if (!baseURL || !dataDir) throw new Error('baseURL and RUNBOARD_E2E_DATA_DIR are required');
  await waitForServer(baseURL);

  const owner = { email: 'owner@e2e.test', password: PASSWORD, name: 'Olga Owner' };
  const setup = await fetch(`${baseURL}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // The workspace id is derived from its name: `e2e`.
    body: JSON.stringify({ ...owner, workspaceName: 'e2e' })
  });
  if (setup.status !== 201) throw new Error(`setup: ${setup.status} ${await setup.text()}`);
  const { userId, workspaceId } = (await setup.json()) as { userId: string; workspaceId: string };
  if (workspaceId !== 'e2e') throw new Error(`setup made workspace ${workspaceId}, not e2e`);

  const member = { email: 'member@e2e.test', password: PASSWORD, name: 'Max Member' };
  const cli = (args: string[]) =>
    execFileSync(process.execPath, ['scripts/admin.mjs', ...args], {
      cwd: root,
      // The server's store: DATA_DIR, or the PostgreSQL database of the smoke run.
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        DATABASE_URL: process.env.RUNBOARD_E2E_DATABASE_URL ?? ''
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    }).trim();
  const memberId = cli([
    'create-user',
    '--email',
    member.email,
    '--name',
    member.name,
    '--password',
    member.password
  ]);
  cli(['add-member', '--workspace', 'e2e', '--email', member.email, '--role', 'member']);

  const accounts: E2eAccounts = {
    baseURL,
    workspaceId,
    owner: await saveSession(baseURL, { id: userId, ...owner }, dataDir),
    member: await saveSession(baseURL, { id: memberId, ...member }, dataDir)
  };
  writeFileSync(accountsFile(), JSON.stringify(accounts, null, 2));
}
