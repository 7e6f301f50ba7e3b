/**
 * Setup, sign-in, sessions and API tokens against the real production app (build/server/main.js
 * in a child process, on a temp DATA_DIR's database: SQLite, or PostgreSQL in that run). The app
 * trusts X-Forwarded-For here (ADDRESS_HEADER), so each test speaks from its own address and the
 * per-address limits of one test do not spill into another.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Accounts } from '../../src/lib/server/accounts/accounts-store';
import { hashPassword } from '../../src/lib/server/auth/password';
import type { Records } from '../../src/lib/server/db/records';
import { authLimits } from '../../src/lib/server/auth/rate-limit';
import { CloseCode } from '../../src/lib/shared/sync-protocol';
import { startApp, type TestApp } from '../helpers/app-process';
import { openTestDatabase } from '../helpers/database';
import { rawClient } from '../helpers/clients';
import { errorShape } from '../helpers/rest';

const PASSWORD = 'correct horse battery staple';

let app: TestApp;
let records: Records;
let accounts: Accounts;
/** Every password and token the tests use: none may appear in an error body or the logs. */
const secrets = new Set<string>([PASSWORD]);
let ipCounter = 0;

/** A fresh client address (X-Forwarded-For), so per-address limits start full. */
function newIp(): string {
  ipCounter += 1;
  return `198.51.100.${ipCounter}`;
}

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** A client with its own address and cookie jar (only the session cookie matters here). */
class Client {
  session: string | null = null;
  constructor(readonly ip: string = newIp()) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    init: { token?: string; cookie?: string | null } = {}
  ): Promise<Reply> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip };
    const cookie = init.cookie === undefined ? this.session : init.cookie;
    if (cookie) headers['cookie'] = `rb_session=${cookie}`;
    if (init.token) headers['authorization'] = `Bearer ${init.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${app.baseUrl}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual'
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      parsed = text;
    }
    // Like a browser's jar: only a request that sent the jar's cookie updates it.
    const set = sessionFromSetCookie(response.headers);
    if (set !== undefined && init.cookie === undefined) this.session = set;
    for (const secret of secrets) {
      if (response.status >= 400) expect(text, 'secret in an error body').not.toContain(secret);
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  login(email: string, password = PASSWORD): Promise<Reply> {
    return this.call('POST', '/auth/login', { email, password });
  }
}

/** The session token a response sets: a string, null when it clears the cookie, else undefined. */
function sessionFromSetCookie(headers: Headers): string | null | undefined {
  for (const line of headers.getSetCookie()) {
    const match = /^rb_session=([^;]*)/.exec(line);
    if (!match) continue;
    const cleared = match[1] === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line);
    return cleared ? null : decodeURIComponent(match[1]!);
  }
  return undefined;
}

function expectError(reply: Reply, status: number, code: string) {
  expect(reply.status, reply.text).toBe(status);
  const body = errorShape.parse(reply.body);
  expect(body.error.code).toBe(code);
  return body.error;
}

/** Creates a user straight in the database (the admin CLI's way), with PASSWORD. */
async function createUser(
  email: string,
  options: { active?: boolean; workspace?: string } = {}
): Promise<string> {
  const user = await accounts.createUser({
    email,
    name: email.split('@')[0]!,
    passwordHash: await hashPassword(PASSWORD),
    active: options.active
  });
  if (options.workspace) await accounts.addMember(options.workspace, user.id, 'member');
  return user.id;
}

function auditRows(
  action: string
): Promise<{ actor_id: string | null; details: string | null; workspace_id: string | null }[]> {
  return records.db
    .selectFrom('audit_log')
    .select(['actor_id', 'details', 'workspace_id'])
    .where('action', '=', action)
    .orderBy('seq')
    .execute();
}

/** A websocket on the board of `ws`, authenticated by session cookie or token. */
async function openSocket(ws: string, auth: { cookie?: string; token?: string }) {
  const headers: Record<string, string> = { origin: app.baseUrl };
  if (auth.cookie) headers['cookie'] = `rb_session=${auth.cookie}`;
  if (auth.token) headers['authorization'] = `Bearer ${auth.token}`;
  const client = rawClient(app.wsUrl, `${ws}.board`, { headers });
  await client.opened;
  return client;
}

async function closedWithin(closed: Promise<number>, ms = 5_000): Promise<number> {
  return Promise.race([
    closed,
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error('still open')), ms))
  ]);
}

let ownerEmail: string;
let ownerId: string;
let workspaceId: string;
const owner = new Client();

beforeAll(async () => {
  app = await startApp({ env: { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' } });
  ({ records } = await openTestDatabase(app.dataDir));
  accounts = new Accounts(records);
});

afterAll(async () => {
  await app?.stop();
  await records?.close();
});

describe('first run', () => {
  it('before setup, the API answers 401 and pages lead to /setup', async () => {
    expectError(await new Client().call('GET', '/auth/me'), 401, 'unauthorized');
    const page = await fetch(`${app.baseUrl}/`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/setup');
  });

  it('refuses an invalid setup body without echoing the password', async () => {
    const reply = await new Client().call('POST', '/setup', {
      email: 'owner@example.test',
      password: 'tooshort',
      name: 'Olga',
      workspaceName: 'Ops'
    });
    expectError(reply, 400, 'invalid_input');
    expect(reply.text).not.toContain('tooshort');
  });

  it('[AUTH1] concurrent setups create exactly one owner; later setups get 409 setup_done', async () => {
    const racers = Array.from({ length: 6 }, () => new Client());
    const replies = await Promise.all(
      racers.map((client, i) =>
        client.call('POST', '/setup', {
          email: `owner${i}@example.test`,
          password: PASSWORD,
          name: `Owner ${i}`,
          workspaceName: 'Platform Team',
          demo: true
        })
      )
    );
    const created = replies.filter((r) => r.status === 201);
    expect(created, replies.map((r) => `${r.status} ${r.text}`).join('\n')).toHaveLength(1);
    for (const reply of replies.filter((r) => r.status !== 201)) {
      expectError(reply, 409, 'setup_done');
    }
    const winner = racers[replies.indexOf(created[0]!)]!;
    const body = z
      .object({ userId: z.string(), workspaceId: z.string() })
      .strict()
      .parse(created[0]!.body);
    ownerId = body.userId;
    workspaceId = body.workspaceId;
    ownerEmail = `owner${replies.indexOf(created[0]!)}@example.test`;
    expect(workspaceId).toBe('platform-team');
    const n = sql<number>`COUNT(*)`.as('n');
    const { db } = records;
    expect((await db.selectFrom('users').select(n).executeTakeFirstOrThrow()).n).toBe(1);
    expect((await db.selectFrom('workspaces').select(n).executeTakeFirstOrThrow()).n).toBe(1);
    const owners = db.selectFrom('memberships').select(n).where('role', '=', 'owner');
    expect((await owners.executeTakeFirstOrThrow()).n).toBe(1);

    // Setup signed the owner in: an HttpOnly, SameSite=Lax cookie, not Secure over plain http.
    const cookie = created[0]!.headers.getSetCookie().find((c) => c.startsWith('rb_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    owner.session = winner.session;
    const me = await owner.call('GET', '/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: ownerId, email: ownerEmail, authenticatedBy: 'session' });

    // Demo data: a realistic board, some of it assigned to the owner.
    const tasks = await owner.call('GET', `/workspaces/${workspaceId}/tasks?limit=100`);
    expect(tasks.status).toBe(200);
    const list = tasks.body as { kind: string; assignee: string | null }[];
    expect(list.length).toBeGreaterThanOrEqual(10);
    expect(new Set(list.map((t) => t.kind))).toEqual(new Set(['task', 'incident', 'change']));
    expect(list.some((t) => t.assignee === ownerId)).toBe(true);

    expectError(
      await new Client().call('POST', '/setup', {
        email: 'late@example.test',
        password: PASSWORD,
        name: 'Late',
        workspaceName: 'Late'
      }),
      409,
      'setup_done'
    );
    expect(await auditRows('setup.completed')).toHaveLength(1);
  });

  it('[AUTH3] setup is rate limited per address too', async () => {
    const client = new Client();
    const body = { email: 'x@example.test', password: PASSWORD, name: 'X', workspaceName: 'X' };
    for (let i = 0; i < authLimits.setupPerIp.burst; i++) {
      expectError(await client.call('POST', '/setup', body), 409, 'setup_done');
    }
    const limited = expectError(await client.call('POST', '/setup', body), 429, 'rate_limited');
    expect(limited.message).toBeTruthy();
  });

  it('anonymous page requests go to /login with the page as next', async () => {
    const page = await fetch(`${app.baseUrl}/w/${workspaceId}/board?x=1`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(
      `/login?next=${encodeURIComponent(`/w/${workspaceId}/board?x=1`)}`
    );
    const login = await fetch(`${app.baseUrl}/login`, { redirect: 'manual' });
    expect(login.status).toBe(200);
  });
});

describe('sign-in', () => {
  it('[AUTH4][AUTH5] signs in with a new session each time and signs out', async () => {
    const client = new Client();
    const first = await client.login(ownerEmail.toUpperCase());
    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({ userId: ownerId });
    const firstSession = client.session!;
    expect(firstSession).toBeTruthy();
    expect(firstSession).not.toBe(owner.session);
    expect((await client.call('GET', '/auth/me')).status).toBe(200);
    expect((await auditRows('auth.login')).some((r) => r.actor_id === ownerId)).toBe(true);

    // The session a request brings along is never the one it leaves with: it is
    // replaced and ended, so a planted cookie is worthless.
    const again = await client.login(ownerEmail);
    expect(again.status).toBe(200);
    expect(client.session).not.toBe(firstSession);
    expectError(
      await client.call('GET', '/auth/me', undefined, { cookie: firstSession }),
      401,
      'unauthorized'
    );
    const planted = new Client();
    planted.session = 'aaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
    await planted.login(ownerEmail);
    expect(planted.session).not.toContain('aaaaaaaaaaaaaaaaaaaa');

    // Sign out: the session ends, the cookie is cleared, its websockets close.
    const socket = await openSocket(workspaceId, { cookie: client.session! });
    const before = client.session!;
    const logout = await client.call('POST', '/auth/logout');
    expect(logout.status).toBe(204);
    expect(client.session).toBeNull();
    expect(await closedWithin(socket.closed)).toBe(CloseCode.AccessChanged);
    expectError(
      await client.call('GET', '/auth/me', undefined, { cookie: before }),
      401,
      'unauthorized'
    );
    expect((await auditRows('auth.logout')).length).toBeGreaterThanOrEqual(1);
    // Signing out twice is harmless.
    expect((await client.call('POST', '/auth/logout')).status).toBe(204);
  });

  it('[AUTH2] answers unknown email and wrong password alike, in about the same time', async () => {
    const email = 'alike@example.test';
    await createUser(email);
    const timings = { wrong: [] as number[], unknown: [] as number[] };
    for (let round = 0; round < 3; round++) {
      for (const kind of ['wrong', 'unknown'] as const) {
        const client = new Client();
        const started = performance.now();
        const reply =
          kind === 'wrong'
            ? await client.login(email, 'not the right password')
            : await client.login(`nobody${round}@example.test`, PASSWORD);
        timings[kind].push(performance.now() - started);
        const error = expectError(reply, 401, 'invalid_credentials');
        expect(error.message).toBe('wrong email or password');
      }
    }
    // Both pay for one scrypt verification; without the dummy hash an unknown email would answer
    // in a fraction of the time.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    expect(median(timings.unknown)).toBeGreaterThan(median(timings.wrong) * 0.5);
    expect(median(timings.wrong)).toBeGreaterThan(median(timings.unknown) * 0.5);
    const failed = await auditRows('auth.login_failed');
    expect(failed.some((r) => r.details?.includes(email))).toBe(true);
    for (const row of failed) expect(row.details ?? '').not.toContain('not the right password');
  });

  it('[AUTH2] refuses inactive users with the same answer', async () => {
    const email = 'inactive@example.test';
    await createUser(email, { active: false });
    expectError(await new Client().login(email), 401, 'invalid_credentials');
  });

  it('[AUTH3] limits attempts per account, whatever the address', async () => {
    const email = 'limited@example.test';
    await createUser(email);
    for (let i = 0; i < authLimits.loginPerAccount.burst; i++) {
      expectError(await new Client().login(email, 'wrong password!'), 401, 'invalid_credentials');
    }
    // The right password from a fresh address is refused too: the account's bucket is empty.
    const reply = await new Client().login(email);
    expectError(reply, 429, 'rate_limited');
    expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other accounts are not affected.
    expect((await new Client().login(ownerEmail)).status).toBe(200);
  });

  it('[AUTH3] limits attempts per address, whatever the account', async () => {
    const client = new Client();
    // The bucket refills slowly while the attempts run, so count until it refuses.
    let attempts = 0;
    let reply: Reply;
    do {
      reply = await client.login(`spray${attempts}@example.test`);
      attempts += 1;
    } while (reply.status === 401 && attempts < authLimits.loginPerIp.burst + 10);
    expectError(reply, 429, 'rate_limited');
    expect(attempts).toBeGreaterThan(authLimits.loginPerIp.burst);
    expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
    // The right password of another account is refused from this address too…
    expectError(await client.login(ownerEmail), 429, 'rate_limited');
    // …and works from another address.
    expect((await new Client().login(ownerEmail)).status).toBe(200);
  });

  it('[AUTH6] an expired session is refused and its cookie cleared', async () => {
    const client = new Client();
    await client.login(ownerEmail);
    const token = client.session!;
    const id = token.split('.')[0]!;
    await records.db
      .updateTable('sessions')
      .set({ expires_at: Date.now() - 1_000 })
      .where('id', '=', id)
      .execute();
    const reply = await client.call('GET', '/auth/me');
    expectError(reply, 401, 'unauthorized');
    expect(client.session).toBeNull();
  });
});

describe('account', () => {
  it('[AUTH5] changing the password needs the current one and ends every other session', async () => {
    const email = 'changer@example.test';
    await createUser(email, { workspace: workspaceId });
    const here = new Client();
    const there = new Client();
    await here.login(email);
    await there.login(email);
    const socket = await openSocket(workspaceId, { cookie: there.session! });

    expectError(
      await here.call('POST', '/auth/password', {
        currentPassword: 'not my password',
        newPassword: 'a brand new password'
      }),
      403,
      'wrong_password'
    );
    expectError(
      await here.call('POST', '/auth/password', {
        currentPassword: PASSWORD,
        newPassword: 'short'
      }),
      400,
      'invalid_input'
    );
    const newPassword = 'a brand new password';
    secrets.add(newPassword);
    const changed = await here.call('POST', '/auth/password', {
      currentPassword: PASSWORD,
      newPassword
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toEqual({ endedSessions: 1 });
    expect(await closedWithin(socket.closed)).toBe(CloseCode.AccessChanged);
    expectError(await there.call('GET', '/auth/me'), 401, 'unauthorized');
    expect((await here.call('GET', '/auth/me')).status).toBe(200);
    expectError(await new Client().login(email), 401, 'invalid_credentials');
    expect((await new Client().login(email, newPassword)).status).toBe(200);
    expect((await auditRows('auth.password_changed')).length).toBe(1);
  });

  it('[AUTH5] lists sessions with the current one marked, and ends others', async () => {
    const email = 'devices@example.test';
    await createUser(email);
    const a = new Client();
    const b = new Client();
    const c = new Client();
    for (const client of [a, b, c]) await client.login(email);
    const list = await a.call('GET', '/auth/sessions');
    expect(list.status).toBe(200);
    const sessions = list.body as { id: string; current: boolean; ip: string | null }[];
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const current = sessions.find((s) => s.current)!;
    expect(a.session!.startsWith(`${current.id}.`)).toBe(true);
    expect(current.ip).toBe(a.ip);
    // No secret in the list: only ids.
    for (const client of [a, b, c]) expect(list.text).not.toContain(client.session!.split('.')[1]);

    // Someone else's session is not found.
    const ownerSessions = (await owner.call('GET', '/auth/sessions')).body as { id: string }[];
    expectError(await a.call('DELETE', `/auth/sessions/${ownerSessions[0]!.id}`), 404, 'not_found');

    const bId = b.session!.split('.')[0]!;
    expect((await a.call('DELETE', `/auth/sessions/${bId}`)).status).toBe(204);
    expectError(await b.call('GET', '/auth/me'), 401, 'unauthorized');
    const others = await a.call('POST', '/auth/sessions/revoke-others');
    expect(others.body).toEqual({ revoked: 1 });
    expectError(await c.call('GET', '/auth/me'), 401, 'unauthorized');
    expect((await a.call('GET', '/auth/me')).status).toBe(200);
  });

  it('changes the display name', async () => {
    const reply = await owner.call('PATCH', '/auth/me', { name: '  Olga Owner ' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ name: 'Olga Owner' });
    expectError(await owner.call('PATCH', '/auth/me', { name: '' }), 400, 'invalid_input');
  });
});

describe('API tokens', () => {
  it('[AUTH5][AUTH7] creates, lists, uses and revokes tokens', async () => {
    const created = await owner.call('POST', '/tokens', { name: 'ci', workspaceId });
    expect(created.status, created.text).toBe(201);
    const { id, token } = z
      .object({ id: z.string(), token: z.string().startsWith('rbt_') })
      .strict()
      .parse(created.body);
    secrets.add(token);

    const tasks = await new Client().call('GET', `/workspaces/${workspaceId}/tasks`, undefined, {
      token
    });
    expect(tasks.status).toBe(200);
    const me = await new Client().call('GET', '/auth/me', undefined, { token });
    expect(me.body).toMatchObject({ authenticatedBy: 'token', tokenWorkspaceId: workspaceId });

    const list = await owner.call('GET', '/tokens');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(token.split('.')[1]!);
    expect(list.body).toEqual([
      expect.objectContaining({ id, name: 'ci', workspaceId, workspaceName: 'Platform Team' })
    ]);
    expect(list.body).toEqual([expect.not.objectContaining({ token: expect.anything() })]);

    // A token cannot mint tokens, list them, or touch another token.
    expectError(
      await new Client().call('POST', '/tokens', { name: 'x', workspaceId }, { token }),
      403,
      'forbidden'
    );
    expectError(await new Client().call('GET', '/tokens', undefined, { token }), 403, 'forbidden');

    // Someone else cannot revoke it.
    const other = new Client();
    await createUser('other@example.test', { workspace: workspaceId });
    await other.login('other@example.test');
    expectError(await other.call('DELETE', `/tokens/${id}`), 404, 'not_found');

    const socket = await openSocket(workspaceId, { token });
    expect((await owner.call('DELETE', `/tokens/${id}`)).status).toBe(204);
    expect(await closedWithin(socket.closed)).toBe(CloseCode.AccessChanged);
    expectError(
      await new Client().call('GET', `/workspaces/${workspaceId}/tasks`, undefined, { token }),
      401,
      'unauthorized'
    );
    expectError(await owner.call('DELETE', `/tokens/${id}`), 404, 'not_found');

    const audit = await records.db
      .selectFrom('audit_log')
      .select(['action', 'workspace_id'])
      .where('target', '=', `token:${id}`)
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { action: 'token.created', workspace_id: workspaceId },
      { action: 'token.revoked', workspace_id: workspaceId }
    ]);
  });

  it('[AUTH6][AUTH7] scopes tokens to workspaces the caller belongs to, with a future expiry', async () => {
    await accounts.createWorkspace('Elsewhere', await createUser('else@example.test'), 'elsewhere');
    expectError(
      await owner.call('POST', '/tokens', { name: 'x', workspaceId: 'elsewhere' }),
      404,
      'not_found'
    );
    expectError(
      await owner.call('POST', '/tokens', {
        name: 'x',
        workspaceId,
        expiresAt: new Date(Date.now() - 60_000).toISOString()
      }),
      400,
      'invalid_input'
    );
    const soon = await owner.call('POST', '/tokens', {
      name: 'soon',
      workspaceId,
      expiresAt: new Date(Date.now() + 60 * 60_000).toISOString()
    });
    expect(soon.status).toBe(201);
    const { id, token } = soon.body as { id: string; token: string };
    secrets.add(token);
    // Once past its expiry the token stops working.
    await records.db
      .updateTable('api_tokens')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', id)
      .execute();
    expectError(
      await new Client().call('GET', '/auth/me', undefined, { token }),
      401,
      'unauthorized'
    );
    // A token may revoke itself (scripts cleaning up), but only itself.
    const self = await owner.call('POST', '/tokens', { name: 'self', workspaceId });
    const selfToken = (self.body as { token: string }).token;
    secrets.add(selfToken);
    const selfId = (self.body as { id: string }).id;
    expectError(
      await new Client().call('DELETE', `/tokens/${id}`, undefined, { token: selfToken }),
      404,
      'not_found'
    );
    expect(
      (await new Client().call('DELETE', `/tokens/${selfId}`, undefined, { token: selfToken }))
        .status
    ).toBe(204);
  });
});

describe('contract', () => {
  it('describes the account operations in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const [path, method] of [
      ['/setup', 'post'],
      ['/auth/login', 'post'],
      ['/auth/logout', 'post'],
      ['/auth/me', 'get'],
      ['/auth/password', 'post'],
      ['/auth/sessions', 'get'],
      ['/auth/sessions/{id}', 'delete'],
      ['/auth/sessions/revoke-others', 'post'],
      ['/tokens', 'post'],
      ['/tokens', 'get'],
      ['/tokens/{id}', 'delete']
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });

  it('[AUTH8] never writes a password or token to the logs', async () => {
    const output = app.process.output();
    expect(output).toContain('listening');
    for (const secret of secrets) expect(output).not.toContain(secret);
    for (const row of await records.db.selectFrom('audit_log').select('details').execute()) {
      for (const secret of secrets) expect(row.details ?? '').not.toContain(secret);
    }
  });
});
