/**
 * Workspaces, members, invites and the audit log against the real production app
 * (build/server/main.js in a child process): the role rules (admins vs owners, the last owner),
 * invite links (role, expiry, use limit, revocation, the accept page), audit filters, and that a
 * role change or a removal closes the member's live websocket at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Accounts } from '../../src/lib/server/accounts/accounts-store';
import { SESSION_COOKIE } from '../../src/lib/server/auth/authenticate';
import { hashPassword } from '../../src/lib/server/auth/password';
import { createTask, listTasks } from '../../src/lib/shared/board/board-model';
import { taskSchema } from '../../src/lib/shared/board/schema';
import { CloseCode } from '../../src/lib/shared/sync-protocol';
import {
  auditEntrySchema,
  inviteCreatedSchema,
  inviteSchema,
  memberSchema,
  workspaceCreatedSchema,
  workspaceSummarySchema
} from '../../src/lib/shared/workspaces/schema';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { openTestDatabase } from '../helpers/database';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { tempDataDir } from '../helpers/sync-server';
import { errorShape } from '../helpers/rest';

/** A seeded account with both an API token (for its workspace) and a browser session. */
interface Person extends SeededUser {
  session: string;
}

let app: TestApp;
const people: Record<string, Record<string, Person>> = {};
/** Accounts in no workspace (invitees), with sessions. */
const outsiders: Person[] = [];
/** An invite that expired before the app started. */
let expiredInviteToken = '';
const clients: TestClient[] = [];

const WORKSPACES = {
  list: ['owner', 'admin', 'member'],
  roles: ['owner', 'admin', 'operator', 'member', 'viewer'],
  lastOwner: ['owner', 'admin'],
  invites: ['owner', 'admin', 'member'],
  audit: ['owner', 'admin', 'member'],
  live: ['owner', 'member']
} as const;

async function seedSessions(dataDir: string): Promise<void> {
  const { records } = await openTestDatabase(dataDir);
  try {
    const accounts = new Accounts(records);
    const origin = { ip: '127.0.0.1', userAgent: 'vitest' };
    for (const group of Object.values(people)) {
      for (const person of Object.values(group)) {
        person.session = (await accounts.createSession(person.userId, origin)).token;
      }
    }
    const passwordHash = await hashPassword('correct horse battery');
    for (let i = 0; i < 4; i++) {
      const email = `outsider-${i}-${Math.random().toString(36).slice(2, 8)}@example.test`;
      const user = await accounts.createUser({ email, name: `Outsider ${i}`, passwordHash });
      const { token } = await accounts.createToken({
        userId: user.id,
        workspaceId: 'wsa-list',
        name: 'elsewhere',
        expiresAt: null
      });
      const session = (await accounts.createSession(user.id, origin)).token;
      outsiders.push({ userId: user.id, email, password: 'correct horse battery', token, session });
    }
    const owner = people.invites!.owner!;
    const expired = await accounts.createInvite({
      workspaceId: 'wsa-invites',
      role: 'member',
      createdBy: owner.userId,
      expiresAt: Date.now() - 1000,
      maxUses: null
    });
    expiredInviteToken = expired.token;
  } finally {
    await records.close();
  }
}

beforeAll(async () => {
  const dataDir = tempDataDir('runboard-workspaces-');
  for (const [name, roles] of Object.entries(WORKSPACES)) {
    const seeded = await seedWorkspace(dataDir, `wsa-${name}`, [...roles]);
    people[name] = Object.fromEntries(
      Object.entries(seeded).map(([role, user]) => [role, { ...user, session: '' }])
    );
  }
  await seedSessions(dataDir);
  app = await startApp({ dataDir });
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  await app?.stop();
});

function who(group: keyof typeof WORKSPACES, role: string): Person {
  const person = people[group]?.[role];
  if (!person) throw new Error(`no ${role} seeded in ${group}`);
  return person;
}

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

type Auth = { token: string } | { session: string } | null;

/** As an API token, a session cookie, or anonymous. */
function as(person: Person, kind: 'token' | 'session' = 'token'): Auth {
  return kind === 'token' ? { token: person.token } : { session: person.session };
}

async function call(method: string, path: string, auth: Auth, body?: unknown): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (auth && 'token' in auth) headers.authorization = `Bearer ${auth.token}`;
  if (auth && 'session' in auth) headers.cookie = `${SESSION_COOKIE}=${auth.session}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${app.baseUrl}/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown)
  };
}

function expectError(reply: Reply, status: number, code: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(errorShape.parse(reply.body).error.code).toBe(code);
}

function expectStatus(reply: Reply, status: number): unknown {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  return reply.body;
}

async function members(ws: string, auth: Auth) {
  return z
    .array(memberSchema)
    .parse(expectStatus(await call('GET', `/workspaces/${ws}/members`, auth), 200));
}

/** A member's role as their workspace's owner sees it (undefined: not a member). */
async function roleOf(group: keyof typeof WORKSPACES, userId: string): Promise<string | undefined> {
  const list = await members(`wsa-${group}`, as(who(group, 'owner')));
  return list.find((m) => m.userId === userId)?.role;
}

async function audit(ws: string, auth: Auth, query = '') {
  return z
    .array(auditEntrySchema)
    .parse(expectStatus(await call('GET', `/workspaces/${ws}/audit${query}`, auth), 200));
}

describe('workspaces', () => {
  it('lists the caller’s workspaces with their role; a token sees only its own', async () => {
    const owner = who('list', 'owner');
    const bySession = z
      .array(workspaceSummarySchema)
      .parse(expectStatus(await call('GET', '/workspaces', as(owner, 'session')), 200));
    expect(bySession).toContainEqual({ id: 'wsa-list', name: 'Workspace wsa-list', role: 'owner' });
    const member = who('list', 'member');
    expect(expectStatus(await call('GET', '/workspaces', as(member)), 200)).toEqual([
      { id: 'wsa-list', name: 'Workspace wsa-list', role: 'member' }
    ]);
    expectError(await call('GET', '/workspaces', null), 401, 'unauthorized');
  });

  it('creates a workspace: 201 { id } from the name, caller is owner, board has columns', async () => {
    const owner = who('list', 'owner');
    const reply = await call('POST', '/workspaces', as(owner, 'session'), {
      name: '  Platform Team  '
    });
    const { id } = workspaceCreatedSchema.parse(expectStatus(reply, 201));
    expect(id).toBe('platform-team');
    expect(reply.headers.get('location')).toBe('/api/v1/workspaces/platform-team');
    const again = workspaceCreatedSchema.parse(
      expectStatus(
        await call('POST', '/workspaces', as(owner, 'session'), { name: 'Platform Team' }),
        201
      )
    );
    expect(again.id).toMatch(/^platform-team-[a-z2-9]{4}$/);
    const chinese = workspaceCreatedSchema.parse(
      expectStatus(await call('POST', '/workspaces', as(owner, 'session'), { name: '运维组' }), 201)
    );
    expect(chinese.id).toBe('yun-wei-zu');
    const symbols = workspaceCreatedSchema.parse(
      expectStatus(await call('POST', '/workspaces', as(owner, 'session'), { name: '！！！' }), 201)
    );
    expect(symbols.id).toMatch(/^ws-[a-z2-9]{8}$/);

    const list = z
      .array(workspaceSummarySchema)
      .parse(expectStatus(await call('GET', '/workspaces', as(owner, 'session')), 200));
    expect(list).toContainEqual({ id, name: 'Platform Team', role: 'owner' });
    expect(list).toContainEqual({ id: chinese.id, name: '运维组', role: 'owner' });

    // The new board gets its default columns on first load: a task lands in the first one.
    const task = taskSchema.parse(
      expectStatus(
        await call('POST', `/workspaces/${id}/tasks`, as(owner, 'session'), { title: 'Hello' }),
        201
      )
    );
    expect(task.status).toBe('backlog');

    const entries = await audit(id, as(owner, 'session'), '?action=workspace.created');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId: owner.userId, target: `workspace:${id}` });
  });

  it('refuses creation with an API token, without a name, or anonymously', async () => {
    const owner = who('list', 'owner');
    expectError(
      await call('POST', '/workspaces', as(owner), { name: 'Via token' }),
      403,
      'forbidden'
    );
    expectError(
      await call('POST', '/workspaces', as(owner, 'session'), { name: '   ' }),
      400,
      'invalid_input'
    );
    expectError(
      await call('POST', '/workspaces', as(owner, 'session'), { name: 'x', extra: 1 }),
      400,
      'invalid_input'
    );
    expectError(await call('POST', '/workspaces', null, { name: 'Anon' }), 401, 'unauthorized');
  });

  it('renames: admins and owners only; non-members get 404; audited with from/to', async () => {
    const path = '/workspaces/wsa-list';
    expectError(
      await call('PATCH', path, as(who('list', 'member')), { name: 'Nope' }),
      403,
      'forbidden'
    );
    expectError(
      await call('PATCH', path, as(outsiders[0]!, 'session'), { name: 'Nope' }),
      404,
      'not_found'
    );
    const renamed = workspaceSummarySchema.parse(
      expectStatus(
        await call('PATCH', path, as(who('list', 'admin')), { name: 'Ops Central' }),
        200
      )
    );
    expect(renamed).toEqual({ id: 'wsa-list', name: 'Ops Central', role: 'admin' });
    expect(expectStatus(await call('GET', path, as(who('list', 'member'))), 200)).toEqual({
      id: 'wsa-list',
      name: 'Ops Central',
      role: 'member'
    });
    const [entry] = await audit('wsa-list', as(who('list', 'owner')), '?action=workspace.renamed');
    expect(entry).toMatchObject({
      actorId: who('list', 'admin').userId,
      details: { from: 'Workspace wsa-list', to: 'Ops Central' }
    });
  });
});

describe('members', () => {
  const ws = 'wsa-roles';
  const memberPath = (userId: string) => `/workspaces/${ws}/members/${userId}`;

  it('lists members with roles for any member, 404 for others', async () => {
    const list = await members(ws, as(who('roles', 'viewer')));
    expect(list.map((m) => m.role).sort()).toEqual([
      'admin',
      'member',
      'operator',
      'owner',
      'viewer'
    ]);
    expect(list[0]).toMatchObject({ active: true, joinedAt: expect.any(String) });
    expectError(
      await call('GET', `/workspaces/${ws}/members`, as(outsiders[0]!, 'session')),
      404,
      'not_found'
    );
  });

  it('admins manage roles below admin but never admins or owners; members manage nothing', async () => {
    const admin = as(who('roles', 'admin'));
    const operator = who('roles', 'operator');
    expectError(
      await call('PATCH', memberPath(operator.userId), as(who('roles', 'member')), {
        role: 'viewer'
      }),
      403,
      'forbidden'
    );
    const changed = memberSchema.parse(
      expectStatus(await call('PATCH', memberPath(operator.userId), admin, { role: 'member' }), 200)
    );
    expect(changed).toMatchObject({ userId: operator.userId, role: 'member' });
    expectStatus(
      await call('PATCH', memberPath(operator.userId), admin, { role: 'operator' }),
      200
    );
    // Granting admin, touching an owner, or touching an admin (themselves too) is for owners.
    expectError(
      await call('PATCH', memberPath(operator.userId), admin, { role: 'admin' }),
      403,
      'forbidden'
    );
    expectError(
      await call('PATCH', memberPath(who('roles', 'owner').userId), admin, { role: 'member' }),
      403,
      'forbidden'
    );
    expectError(
      await call('PATCH', memberPath(who('roles', 'admin').userId), admin, { role: 'member' }),
      403,
      'forbidden'
    );
    expect(await roleOf('roles', operator.userId)).toBe('operator');
  });

  it('owners grant and take away admin and owner', async () => {
    const owner = as(who('roles', 'owner'));
    const member = who('roles', 'member');
    expectStatus(await call('PATCH', memberPath(member.userId), owner, { role: 'admin' }), 200);
    expect(await roleOf('roles', member.userId)).toBe('admin');
    expectStatus(await call('PATCH', memberPath(member.userId), owner, { role: 'member' }), 200);
    const [entry] = await audit(ws, owner, '?action=member.role_changed&limit=1');
    expect(entry).toMatchObject({
      target: `user:${member.userId}`,
      details: { from: 'admin', to: 'member' }
    });
  });

  it('refuses unknown members and invalid roles', async () => {
    const owner = as(who('roles', 'owner'));
    expectError(
      await call('PATCH', memberPath('nobody'), owner, { role: 'viewer' }),
      404,
      'not_found'
    );
    expectError(
      await call('PATCH', memberPath(who('roles', 'viewer').userId), owner, { role: 'god' }),
      400,
      'invalid_input'
    );
    expectError(await call('DELETE', memberPath('nobody'), owner), 404, 'not_found');
  });

  it('the last owner can be neither demoted nor removed, nor leave; a second owner unlocks it', async () => {
    const lastOwnerWs = 'wsa-lastOwner';
    const owner = who('lastOwner', 'owner');
    const admin = who('lastOwner', 'admin');
    const path = (userId: string) => `/workspaces/${lastOwnerWs}/members/${userId}`;
    expectError(
      await call('PATCH', path(owner.userId), as(owner), { role: 'admin' }),
      409,
      'last_owner'
    );
    expectError(await call('DELETE', path(owner.userId), as(owner)), 409, 'last_owner');
    expectStatus(await call('PATCH', path(admin.userId), as(owner), { role: 'owner' }), 200);
    // Two owners now: the first may step down, then the second is the last one.
    expectStatus(await call('PATCH', path(owner.userId), as(owner), { role: 'admin' }), 200);
    expectError(
      await call('PATCH', path(admin.userId), as(admin), { role: 'member' }),
      409,
      'last_owner'
    );
    expectError(await call('DELETE', path(admin.userId), as(admin)), 409, 'last_owner');
  });

  it('removes members within the rules; anyone may leave; a removed token loses access', async () => {
    const admin = as(who('roles', 'admin'));
    const viewer = who('roles', 'viewer');
    expectError(
      await call('DELETE', memberPath(who('roles', 'owner').userId), admin),
      403,
      'forbidden'
    );
    expectError(
      await call('DELETE', memberPath(who('roles', 'operator').userId), as(who('roles', 'member'))),
      403,
      'forbidden'
    );
    expectStatus(await call('DELETE', memberPath(viewer.userId), admin), 204);
    expectError(await call('GET', `/workspaces/${ws}/members`, as(viewer)), 404, 'not_found');

    const member = who('roles', 'member');
    expectStatus(await call('DELETE', memberPath(member.userId), as(member)), 204);
    expect(await roleOf('roles', member.userId)).toBeUndefined();

    const removals = await audit(ws, as(who('roles', 'owner')), '?action=member.removed');
    // The removed person is named in the entry, since the log cannot look them up afterwards.
    expect(removals.map((e) => e.details)).toEqual([
      { role: 'member', name: `member ${ws}`, email: member.email, left: true },
      { role: 'viewer', name: `viewer ${ws}`, email: viewer.email }
    ]);
  });
});

describe('invites', () => {
  const ws = 'wsa-invites';
  const invitesPath = `/workspaces/${ws}/invites`;

  async function invite(auth: Auth, body: Record<string, unknown>) {
    return inviteCreatedSchema.parse(
      expectStatus(await call('POST', invitesPath, auth, body), 201)
    );
  }

  function tokenOf(url: string): string {
    expect(url).toMatch(/^\/invite\/[a-z2-9]{20}\.[a-z2-9]{52}$/);
    return url.slice('/invite/'.length);
  }

  async function listInvites() {
    return z
      .array(inviteSchema)
      .parse(expectStatus(await call('GET', invitesPath, as(who('invites', 'admin'))), 200));
  }

  it('creates links for roles below owner; only owners invite admins; members none', async () => {
    const admin = as(who('invites', 'admin'));
    const before = Date.now();
    const created = await invite(admin, { role: 'member' });
    tokenOf(created.url);
    // Default lifetime: one week.
    const ttl = Date.parse(created.expiresAt) - before;
    expect(ttl).toBeGreaterThan(167 * 3600_000);
    expect(ttl).toBeLessThanOrEqual(168 * 3600_000 + 5_000);

    expectError(await call('POST', invitesPath, admin, { role: 'admin' }), 403, 'forbidden');
    expectError(
      await call('POST', invitesPath, as(who('invites', 'member')), { role: 'viewer' }),
      403,
      'forbidden'
    );
    await invite(as(who('invites', 'owner')), { role: 'admin', expiresInHours: 1 });
    for (const bad of [
      { role: 'owner' },
      { role: 'member', expiresInHours: 0 },
      { role: 'member', expiresInHours: 721 },
      { role: 'member', maxUses: 0 }
    ]) {
      expectError(await call('POST', invitesPath, admin, bad), 400, 'invalid_input');
    }
  });

  it('lists links without their secret', async () => {
    const created = await invite(as(who('invites', 'admin')), { role: 'viewer', maxUses: 3 });
    const reply = await call('GET', invitesPath, as(who('invites', 'admin')));
    const secret = tokenOf(created.url).split('.')[1]!;
    expect(JSON.stringify(reply.body)).not.toContain(secret);
    const listed = (await listInvites()).find((i) => i.id === created.id);
    expect(listed).toMatchObject({
      role: 'viewer',
      status: 'active',
      maxUses: 3,
      uses: 0,
      createdBy: who('invites', 'admin').userId,
      revokedAt: null
    });
    expectError(await call('GET', invitesPath, as(who('invites', 'member'))), 403, 'forbidden');
  });

  it('accepting makes the signed-in caller a member with the invite’s role', async () => {
    const created = await invite(as(who('invites', 'admin')), { role: 'operator' });
    const token = tokenOf(created.url);
    const outsider = outsiders[0]!;
    expectError(await call('POST', `/invites/${token}/accept`, null), 401, 'unauthorized');
    // API tokens act only inside their own workspace.
    expectError(await call('POST', `/invites/${token}/accept`, as(outsider)), 403, 'forbidden');
    const joined = expectStatus(
      await call('POST', `/invites/${token}/accept`, as(outsider, 'session')),
      200
    );
    expect(joined).toEqual({ workspaceId: ws, role: 'operator' });
    expect(await roleOf('invites', outsider.userId)).toBe('operator');
    expectError(
      await call('POST', `/invites/${token}/accept`, as(outsider, 'session')),
      409,
      'already_member'
    );
    const [entry] = await audit(ws, as(who('invites', 'owner')), '?action=invite.accepted');
    expect(entry).toMatchObject({
      actorId: outsider.userId,
      target: `invite:${created.id}`,
      details: { role: 'operator' }
    });
  });

  it('a link stops working after maxUses, when revoked and when expired', async () => {
    const admin = as(who('invites', 'admin'));
    const once = await invite(admin, { role: 'viewer', maxUses: 1 });
    expectStatus(
      await call('POST', `/invites/${tokenOf(once.url)}/accept`, as(outsiders[1]!, 'session')),
      200
    );
    expectError(
      await call('POST', `/invites/${tokenOf(once.url)}/accept`, as(outsiders[2]!, 'session')),
      410,
      'invite_invalid'
    );

    const revoked = await invite(admin, { role: 'member' });
    expectStatus(await call('DELETE', `${invitesPath}/${revoked.id}`, admin), 204);
    expectError(
      await call('POST', `/invites/${tokenOf(revoked.url)}/accept`, as(outsiders[2]!, 'session')),
      410,
      'invite_invalid'
    );
    expectError(await call('DELETE', `${invitesPath}/${revoked.id}`, admin), 404, 'not_found');
    // Another workspace's admin cannot address this workspace's invites at all.
    expectError(
      await call('DELETE', `/workspaces/wsa-list/invites/${revoked.id}`, as(who('list', 'admin'))),
      404,
      'not_found'
    );

    expectError(
      await call('POST', `/invites/${expiredInviteToken}/accept`, as(outsiders[2]!, 'session')),
      410,
      'invite_invalid'
    );
    expectError(
      await call('POST', '/invites/not-a-token/accept', as(outsiders[2]!, 'session')),
      410,
      'invite_invalid'
    );

    const statuses = new Map((await listInvites()).map((i) => [i.id, i.status]));
    expect(statuses.get(once.id)).toBe('used_up');
    expect(statuses.get(revoked.id)).toBe('revoked');
    expect([...statuses.values()]).toContain('expired');
    const revocations = await audit(ws, as(who('invites', 'owner')), '?action=invite.revoked');
    expect(revocations[0]).toMatchObject({ target: `invite:${revoked.id}` });
  });

  it('the invite page shows the workspace and role; a dead link gets a clear 410 page', async () => {
    const created = await invite(as(who('invites', 'admin')), { role: 'member' });
    const page = await fetch(`${app.baseUrl}${created.url}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toContain('no-store');
    const html = await page.text();
    expect(html).toContain('Workspace wsa-invites');
    expect(html).toContain('data-testid="invite-signup"');

    for (const url of [`/invite/${expiredInviteToken}`, '/invite/nonsense']) {
      const dead = await fetch(`${app.baseUrl}${url}`);
      expect(dead.status).toBe(410);
      expect(await dead.text()).toContain('data-testid="invite-invalid"');
    }
  });

  it('the invite page creates an account, signs it in and joins the workspace', async () => {
    const created = await invite(as(who('invites', 'admin')), { role: 'viewer' });
    const email = `new-${Date.now()}@example.test`;
    const post = (fields: Record<string, string>) =>
      fetch(`${app.baseUrl}${created.url}?/signup`, {
        method: 'POST',
        redirect: 'manual',
        // SvelteKit refuses cross-site form posts: the Origin must be ours.
        headers: {
          origin: app.baseUrl,
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded'
        },
        body: new URLSearchParams(fields).toString()
      });

    const short = await post({ name: 'New Person', email, password: 'short' });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('signup-password-hint" class="field-error');
    const taken = await post({
      name: 'Copycat',
      email: who('invites', 'member').email,
      password: 'a long enough password'
    });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('data-testid="invite-problem"');

    const ok = await post({ name: 'New Person', email, password: 'a long enough password' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/w/${ws}/board`);
    const cookie = /rb_session=([^;]+)/.exec(ok.headers.get('set-cookie') ?? '')?.[1];
    expect(cookie).toBeTruthy();
    const mine = expectStatus(await call('GET', '/workspaces', { session: cookie! }), 200);
    expect(mine).toEqual([{ id: ws, name: 'Workspace wsa-invites', role: 'viewer' }]);
  });
});

describe('audit log', () => {
  const ws = 'wsa-audit';

  beforeAll(async () => {
    const owner = as(who('audit', 'owner'));
    const member = who('audit', 'member');
    const path = `/workspaces/${ws}/members/${member.userId}`;
    expectStatus(await call('PATCH', `/workspaces/${ws}`, owner, { name: 'Audited' }), 200);
    for (const role of ['viewer', 'member', 'operator'] as const) {
      expectStatus(await call('PATCH', path, owner, { role }), 200);
    }
    expectStatus(
      await call('POST', `/workspaces/${ws}/invites`, as(who('audit', 'admin')), {
        role: 'viewer'
      }),
      201
    );
  });

  it('admins read it newest first; members may not', async () => {
    const entries = await audit(ws, as(who('audit', 'admin')));
    expect(entries.map((e) => e.action)).toEqual([
      'invite.created',
      'member.role_changed',
      'member.role_changed',
      'member.role_changed',
      'workspace.renamed'
    ]);
    const seqs = entries.map((e) => e.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    expect(entries[0]).toMatchObject({ ip: expect.any(String), userAgent: expect.any(String) });
    expectError(
      await call('GET', `/workspaces/${ws}/audit`, as(who('audit', 'member'))),
      403,
      'forbidden'
    );
  });

  it('filters by action (exact or group), actor and time; pages with before', async () => {
    const admin = as(who('audit', 'admin'));
    const owner = who('audit', 'owner');
    expect((await audit(ws, admin, '?action=member')).map((e) => e.details)).toEqual([
      { from: 'member', to: 'operator' },
      { from: 'viewer', to: 'member' },
      { from: 'member', to: 'viewer' }
    ]);
    expect(await audit(ws, admin, '?action=member.role')).toEqual([]);
    expect((await audit(ws, admin, '?action=invite.created')).length).toBe(1);
    const byOwner = await audit(ws, admin, `?actor=${owner.userId}`);
    expect(byOwner).toHaveLength(4);
    expect(byOwner.every((e) => e.actorId === owner.userId)).toBe(true);

    const all = await audit(ws, admin);
    const middle = all[2]!;
    const since = await audit(ws, admin, `?since=${encodeURIComponent(middle.createdAt)}`);
    expect(since.length).toBeGreaterThanOrEqual(3);
    expect(await audit(ws, admin, '?since=2999-01-01')).toEqual([]);
    expect(await audit(ws, admin, '?until=2000-01-01T00:00:00Z')).toEqual([]);
    expect((await audit(ws, admin, '?until=2999-01-01')).length).toBe(all.length);

    const first = await audit(ws, admin, '?limit=2');
    const second = await audit(ws, admin, `?limit=2&before=${first.at(-1)!.seq}`);
    expect([...first, ...second].map((e) => e.seq)).toEqual(all.slice(0, 4).map((e) => e.seq));

    for (const bad of [
      '?limit=0',
      '?limit=201',
      '?since=yesterday',
      '?action=Bad Action',
      '?colour=red'
    ]) {
      expectError(await call('GET', `/workspaces/${ws}/audit${bad}`, admin), 400, 'invalid_input');
    }
  });
});

describe('settings page', () => {
  async function page(path: string, person: Person | null) {
    const response = await fetch(`${app.baseUrl}${path}`, {
      redirect: 'manual',
      headers: person ? { cookie: `${SESSION_COOKIE}=${person.session}` } : {}
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text()
    };
  }

  it('gets the same check as the REST API: sign-in first, 404 for non-members', async () => {
    const anonymous = await page('/w/wsa-invites/settings', null);
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toBe('/login?next=%2Fw%2Fwsa-invites%2Fsettings');
    expect((await page('/w/wsa-invites/settings', outsiders[3]!)).status).toBe(404);
  });

  it('shows each role what it may manage', async () => {
    const member = await page('/w/wsa-invites/settings', who('invites', 'member'));
    expect(member.status).toBe(200);
    expect(member.html).toContain('data-testid="settings-members"');
    expect(member.html).not.toContain('data-testid="settings-invites"');
    expect(member.html).not.toContain('data-testid="settings-audit"');
    const admin = await page('/w/wsa-invites/settings', who('invites', 'admin'));
    expect(admin.html).toContain('data-testid="settings-invites"');
    expect(admin.html).toContain('data-testid="settings-audit"');
  });
});

describe('access changes reach live connections', () => {
  const ws = 'wsa-live';

  async function serverTitles(): Promise<string[]> {
    const reply = await call('GET', `/workspaces/${ws}/tasks`, as(who('live', 'owner')));
    return z
      .array(taskSchema)
      .parse(expectStatus(reply, 200))
      .map((t) => t.title);
  }

  function closeCodes(client: TestClient): number[] {
    const codes: number[] = [];
    client.provider.on('connection-close', (event) => {
      if (event) codes.push(event.code);
    });
    return codes;
  }

  /** Resolves once the provider has closed, reconnected and synced again. */
  async function resynced(client: TestClient, closes: number[], after: number): Promise<void> {
    await waitFor(() => closes.length > after, 2_000, 'the socket to close');
    await waitFor(() => client.provider.wsconnected && client.provider.synced, 5_000, 'resync');
  }

  it('[ACCESS1] a demotion closes the member’s socket at once; it reconnects read-only', async () => {
    const member = who('live', 'member');
    const client = connectClient(app.wsUrl, `${ws}.board`, { params: { token: member.token } });
    clients.push(client);
    await whenSynced(client);
    const closes = closeCodes(client);

    createTask(client.doc, { title: 'Written as member' });
    await expect.poll(serverTitles, { timeout: 3_000 }).toContain('Written as member');

    const demotedAt = Date.now();
    expectStatus(
      await call('PATCH', `/workspaces/${ws}/members/${member.userId}`, as(who('live', 'owner')), {
        role: 'viewer'
      }),
      200
    );
    await waitFor(() => closes.length > 0, 1_000, 'AccessChanged');
    expect(closes[0]).toBe(CloseCode.AccessChanged);
    expect(Date.now() - demotedAt).toBeLessThan(1_000);
    await resynced(client, closes, 0);

    // Read-only now: the edit stays local and never reaches the server...
    createTask(client.doc, { title: 'Written as viewer' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await serverTitles()).not.toContain('Written as viewer');
    // ...while the connection still receives what others write.
    expectStatus(
      await call('POST', `/workspaces/${ws}/tasks`, as(who('live', 'owner')), {
        title: 'From owner'
      }),
      201
    );
    await waitFor(
      () => listTasks(client.doc).some((t) => t.title === 'From owner'),
      2_000,
      'the owner’s task to arrive'
    );
  });

  it('[ACCESS2] a removal closes the member’s socket at once and the reconnect is refused', async () => {
    const member = who('live', 'member');
    const client = connectClient(app.wsUrl, `${ws}.board`, { params: { token: member.token } });
    clients.push(client);
    await whenSynced(client);
    const closes = closeCodes(client);
    const refused = new Promise<number>((resolve) =>
      client.provider.on('closed', ({ code }) => resolve(code))
    );

    expectStatus(
      await call('DELETE', `/workspaces/${ws}/members/${member.userId}`, as(who('live', 'owner'))),
      204
    );
    await waitFor(() => closes.length > 0, 1_000, 'AccessChanged');
    expect(closes[0]).toBe(CloseCode.AccessChanged);
    expect(await refused).toBe(CloseCode.Forbidden);
    expect(client.provider.wsconnected).toBe(false);
  });
});
