/**
 * The admin CLI (`npm run admin -- …`, here `node scripts/admin.mjs …`, or the same bundle made
 * once: tests/helpers/admin-cli.ts) as an operator runs it: a real process on a temp DATA_DIR,
 * while the production app serves the same directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/lib/server/accounts/accounts-store';
import { verifyPassword } from '../../src/lib/server/auth/password';
import type { OpenedDatabase } from '../../src/lib/server/db/records';
import { runAdmin, runAdminScript, type CliRun } from '../helpers/admin-cli';
import { startApp, type TestApp } from '../helpers/app-process';
import { databaseEnvFor, openTestDatabase } from '../helpers/database';
import { tempDataDir } from '../helpers/sync-server';

const PASSWORD = 'correct horse battery staple';

type Run = CliRun;

let dataDir: string;
let app: TestApp;
let db: OpenedDatabase;
let accounts: Accounts;
const outputs: Run[] = [];

/**
 * Runs the CLI with `args` on the test's DATA_DIR (and database); `script` goes through
 * `node scripts/admin.mjs` as `npm run admin` does (the others run the same bundle, made once).
 */
async function admin(
  args: string[],
  env: Record<string, string> = {},
  options: { script?: boolean } = {}
): Promise<Run> {
  const run = await (options.script ? runAdminScript : runAdmin)(args, {
    DATA_DIR: dataDir,
    ...(await databaseEnvFor(dataDir)),
    ...env
  });
  outputs.push(run);
  return run;
}

beforeAll(async () => {
  dataDir = tempDataDir('runboard-cli-');
  app = await startApp({ dataDir });
  db = await openTestDatabase(dataDir);
  accounts = new Accounts(db.records);
});

afterAll(async () => {
  await app?.stop();
  await db?.records.close();
});

describe('admin CLI', () => {
  it('prints usage for --help and refuses bad usage with exit code 2', async () => {
    const help = await admin(['--help'], {}, { script: true });
    expect(help.code).toBe(0);
    for (const command of [
      'create-user',
      'create-workspace',
      'add-member',
      'create-token',
      'reset-password'
    ]) {
      expect(help.stdout).toContain(command);
    }
    for (const args of [
      [],
      ['frobnicate'],
      ['create-user', '--email', 'a@example.test'],
      ['create-user', '--email', 'a@example.test', '--name', 'A', '--password', 'x', '--bogus'],
      ['create-user', '--email', 'not-an-email', '--name', 'A', '--password', PASSWORD],
      ['add-member', '--workspace', 'w', '--email', 'a@example.test', '--role', 'boss']
    ]) {
      const run = await admin(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/runboard admin: |Usage/);
    }
    const short = await admin([
      'create-user',
      '--email',
      'a@example.test',
      '--name',
      'A',
      '--password',
      'tiny pw'
    ]);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 10 characters');
    expect(short.stderr).not.toContain('tiny pw');
  });

  it('creates a user, a workspace, a member and a token the running app accepts', async () => {
    const user = await admin([
      'create-user',
      '--email',
      'ops@example.test',
      '--name',
      'Ops Lead',
      '--password',
      PASSWORD
    ]);
    expect(user.code, user.stderr).toBe(0);
    const userId = user.stdout.trim();
    expect(user.stdout).toBe(`${userId}\n`);
    expect((await accounts.getUser(userId))?.email).toBe('ops@example.test');

    const again = await admin([
      'create-user',
      '--email',
      'OPS@example.test',
      '--name',
      'Twin',
      '--password',
      PASSWORD
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');

    const ws = await admin([
      'create-workspace',
      '--name',
      'Platform Team',
      '--owner',
      'ops@example.test'
    ]);
    expect(ws.code, ws.stderr).toBe(0);
    expect(ws.stdout).toBe('platform-team\n');
    // The same ids as the REST API: pinyin for Chinese names, a suffix when taken.
    const chinese = await admin([
      'create-workspace',
      '--name',
      '运维平台',
      '--owner',
      'ops@example.test'
    ]);
    expect(chinese.stdout).toBe('yun-wei-ping-tai\n');
    const taken = await admin([
      'create-workspace',
      '--name',
      '运维平台',
      '--owner',
      'ops@example.test'
    ]);
    expect(taken.stdout).toMatch(/^yun-wei-ping-tai-[a-z2-9]{4}\n$/);
    const named = await admin([
      'create-workspace',
      '--name',
      'E2E',
      '--owner',
      'ops@example.test',
      '--id',
      'e2e'
    ]);
    expect(named.stdout).toBe('e2e\n');
    expect(
      (
        await admin([
          'create-workspace',
          '--name',
          'X',
          '--owner',
          'ops@example.test',
          '--id',
          'e2e'
        ])
      ).code
    ).toBe(1);
    expect(
      (await admin(['create-workspace', '--name', 'X', '--owner', 'nobody@example.test'])).code
    ).toBe(1);
    expect((await accounts.getMembership('platform-team', userId))?.role).toBe('owner');

    const member = await admin([
      'create-user',
      '--email',
      'dev@example.test',
      '--name',
      'Dev',
      '--password-stdin'
    ]);
    // No stdin given: an empty password is refused.
    expect(member.code).toBe(2);
    const dev = await runAdmin(
      ['create-user', '--email', 'dev@example.test', '--name', 'Dev', '--password-stdin'],
      { DATA_DIR: dataDir, ...(await databaseEnvFor(dataDir)) },
      `${PASSWORD}\n`
    );
    expect(dev.code, dev.stderr).toBe(0);
    const devId = dev.stdout.trim();
    const added = await admin([
      'add-member',
      '--workspace',
      'platform-team',
      '--email',
      'dev@example.test',
      '--role',
      'operator'
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect((await accounts.getMembership('platform-team', devId))?.role).toBe('operator');
    expect(
      (
        await admin([
          'add-member',
          '--workspace',
          'platform-team',
          '--email',
          'dev@example.test',
          '--role',
          'viewer'
        ])
      ).code
    ).toBe(1);
    expect(
      (
        await admin([
          'add-member',
          '--workspace',
          'nope',
          '--email',
          'dev@example.test',
          '--role',
          'viewer'
        ])
      ).code
    ).toBe(1);

    // create-token prints the token and nothing else, so `$(…)` captures exactly it.
    const token = await admin([
      'create-token',
      '--email',
      'dev@example.test',
      '--workspace',
      'platform-team',
      '--name',
      'deploy bot'
    ]);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/^rbt_[a-z2-9]{20}\.[a-z2-9]{52}\n$/);
    const secret = token.stdout.trim();
    const reply = await fetch(`${app.baseUrl}/api/v1/workspaces/platform-team/tasks`, {
      headers: { authorization: `Bearer ${secret}` }
    });
    expect(reply.status).toBe(200);
    const me = (await (
      await fetch(`${app.baseUrl}/api/v1/auth/me`, {
        headers: { authorization: `Bearer ${secret}` }
      })
    ).json()) as { id: string };
    expect(me.id).toBe(devId);
    // Not a member of e2e: refused.
    expect(
      (
        await admin([
          'create-token',
          '--email',
          'dev@example.test',
          '--workspace',
          'e2e',
          '--name',
          'x'
        ])
      ).code
    ).toBe(1);
    const expiring = await admin([
      'create-token',
      '--email',
      'ops@example.test',
      '--workspace',
      'e2e',
      '--name',
      'x',
      '--expires-in-days',
      '7'
    ]);
    expect(expiring.code).toBe(0);
    const stored = await accounts.listTokens(userId);
    const expiresAt = stored.find((t) => t.workspaceId === 'e2e')?.expiresAt ?? 0;
    expect(Math.abs(expiresAt - (Date.now() + 7 * 86_400_000))).toBeLessThan(60_000);

    const audit = await db.records.db
      .selectFrom('audit_log')
      .select(['action', 'actor_label', 'actor_id'])
      .where('actor_label', '=', 'cli')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'user.created',
      'workspace.created',
      'workspace.created',
      'workspace.created',
      'workspace.created',
      'user.created',
      'member.added',
      'token.created',
      'token.created'
    ]);
    expect(audit.every((a) => a.actor_id === null)).toBe(true);
  });

  it('reset-password prints a new password and ends every session of the user', async () => {
    const login = async (password: string) =>
      fetch(`${app.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ops@example.test', password })
      });
    const signedIn = await login(PASSWORD);
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.getSetCookie()[0]!.split(';')[0]!;
    const meBefore = await fetch(`${app.baseUrl}/api/v1/auth/me`, { headers: { cookie } });
    expect(meBefore.status).toBe(200);

    const reset = await admin(['reset-password', '--email', 'ops@example.test']);
    expect(reset.code, reset.stderr).toBe(0);
    const password = reset.stdout.trim();
    expect(reset.stdout).toBe(`${password}\n`);
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(reset.stderr).toContain('1 session(s) ended');

    const meAfter = await fetch(`${app.baseUrl}/api/v1/auth/me`, { headers: { cookie } });
    expect(meAfter.status).toBe(401);
    expect((await login(PASSWORD)).status).toBe(401);
    expect((await login(password)).status).toBe(200);
    const user = await accounts.getUserByEmail('ops@example.test');
    expect(await verifyPassword(password, user!.passwordHash!)).toBe(true);
    expect((await admin(['reset-password', '--email', 'nobody@example.test'])).code).toBe(1);
  });

  it('stops on a bad configuration with exit code 78', async () => {
    const run = await admin(['reset-password', '--email', 'ops@example.test'], {
      LOG_LEVEL: 'loud'
    });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('LOG_LEVEL');
  });

  it('never prints a password it was given', () => {
    for (const run of outputs) {
      expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    }
  });
});
