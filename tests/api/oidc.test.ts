/**
 * Single sign-on against a real OpenID provider: `oidc-provider` on 127.0.0.1 port 0 (in-memory
 * accounts, login and consent completed at once for the account the test names) and the
 * production app in a child process. A small cookie jar and manual redirects play the browser.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type AccountClaims } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/lib/server/accounts/accounts-store';
import { SESSION_COOKIE } from '../../src/lib/server/auth/authenticate';
import { OIDC_FLOW_COOKIE } from '../../src/lib/server/auth/oidc';
import type { Records } from '../../src/lib/server/db/records';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { openTestDatabase } from '../helpers/database';
import { startAppProcess, type ServerProcess } from '../helpers/server-process';
import { tempDataDir } from '../helpers/sync-server';

const CLIENT_ID = 'runboard-test';
const CLIENT_SECRET = `client-secret-${Math.random().toString(36).slice(2)}`;
const WS = 'ssotest';
const FAILURE = '/login?error=oidc';

/** A cookie store that, like a browser, keys cookies by host (not port) and path. */
class CookieJar {
  private readonly cookies = new Map<
    string,
    { host: string; path: string; name: string; value: string }
  >();

  /** Applies the Set-Cookie headers of a response to `url`. */
  store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = '/';
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', val = ''] = attribute.split('=').map((s) => s.trim());
        if (key.toLowerCase() === 'path') path = val;
        if (key.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
        if (key.toLowerCase() === 'expires' && Date.parse(val) < Date.now()) expired = true;
      }
      const id = `${url.hostname} ${path} ${name}`;
      if (expired) this.cookies.delete(id);
      else this.cookies.set(id, { host: url.hostname, path, name, value });
    }
  }

  /** The Cookie header for a request to `url`. */
  header(url: URL): string {
    return [...this.cookies.values()]
      .filter((c) => c.host === url.hostname && pathMatches(url.pathname, c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** A cookie's value as a request to `url` would send it. */
  get(url: URL, name: string): string | undefined {
    return [...this.cookies.values()].find(
      (c) => c.name === name && c.host === url.hostname && pathMatches(url.pathname, c.path)
    )?.value;
  }

  /** Sets a cookie by hand (to replay an old one). */
  set(url: URL, path: string, name: string, value: string): void {
    this.cookies.set(`${url.hostname} ${path} ${name}`, { host: url.hostname, path, name, value });
  }
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  return (
    requestPath === cookiePath ||
    (requestPath.startsWith(cookiePath) &&
      (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'))
  );
}

/** One GET as a browser would send it, redirects not followed. */
async function browse(url: URL, jar: CookieJar): Promise<Response> {
  const cookie = jar.header(url);
  const response = await fetch(url, {
    redirect: 'manual',
    headers: cookie ? { cookie } : {}
  });
  jar.store(url, response);
  return response;
}

/** Follows redirects from `start` until a response is not a redirect or `stopAt` matches. */
async function follow(start: URL, jar: CookieJar, stopAt: (next: URL) => boolean): Promise<URL> {
  let url = start;
  for (let hop = 0; hop < 20; hop++) {
    const response = await browse(url, jar);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`stopped at ${url.href} with ${response.status}: ${await response.text()}`);
    }
    await response.body?.cancel();
    url = new URL(location, url);
    if (stopAt(url)) return url;
  }
  throw new Error('too many redirects');
}

/** A free TCP port for the app, whose ORIGIN (and so the redirect URI) must be known up front. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let opServer: Server;
let app: ServerProcess;
let appOrigin: string;
let opIssuer: string;
let records: Records;
let accounts: Accounts;
let owner: SeededUser;
let operator: SeededUser;
/** The provider account the next interaction signs in as. */
let loginAs = '';
const people = new Map<string, AccountClaims>();

beforeAll(async () => {
  const dataDir = tempDataDir('runboard-oidc-');
  const seeded = await seedWorkspace(dataDir, WS, ['owner', 'operator']);
  owner = seeded.owner!;
  operator = seeded.operator!;
  const seed = await openTestDatabase(dataDir);
  try {
    await new Accounts(seed.records).createUser({
      email: 'gone@example.test',
      name: 'Gone',
      passwordHash: null,
      emailVerified: true,
      active: false
    });
  } finally {
    await seed.records.close();
  }

  people.set('newcomer', {
    sub: 'newcomer',
    email: 'newcomer@example.test',
    email_verified: true,
    name: 'New Comer'
  });
  people.set('owner', { sub: 'owner', email: owner.email, email_verified: true, name: 'O' });
  people.set('impostor', { sub: 'impostor', email: operator.email, email_verified: false });
  people.set('gone', { sub: 'gone', email: 'gone@example.test', email_verified: true });

  // The provider's HTTP server first (its port is the issuer), the provider behind it.
  opServer = createServer();
  await new Promise<void>((resolve) => opServer.listen(0, '127.0.0.1', resolve));
  opIssuer = `http://127.0.0.1:${(opServer.address() as AddressInfo).port}`;
  const appPort = await freePort();
  appOrigin = `http://127.0.0.1:${appPort}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(opIssuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${appOrigin}/auth/oidc/callback`]
      }
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', alg: 'RS256' }] },
    cookies: { keys: ['oidc-test-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
    // The provider uses the account id as `sub`.
    findAccount: (_ctx, id) => {
      const claims = people.get(id);
      return claims && { accountId: id, claims: () => claims };
    }
  });
  const providerCallback = provider.callback();

  /** Login and consent at once, as `loginAs`: the provider's own UI is not under test. */
  async function completeInteraction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const grant = new provider.Grant({
      accountId: loginAs,
      clientId: String(details.params.client_id)
    });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: loginAs }, consent: { grantId } },
      { mergeWithLastSubmission: false }
    );
  }
  opServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith('/interaction/')) return providerCallback(req, res);
    completeInteraction(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  app = await startAppProcess(dataDir, {
    port: appPort,
    env: {
      ORIGIN: appOrigin,
      OIDC_ISSUER: opIssuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_NAME: 'Test IdP'
    }
  });
  ({ records } = await openTestDatabase(dataDir));
  accounts = new Accounts(records);
});

afterAll(async () => {
  await app?.kill('SIGTERM');
  await records?.close();
  await new Promise<void>((resolve) => (opServer ? opServer.close(() => resolve()) : resolve()));
});

interface Attempt {
  jar: CookieJar;
  /** The provider's redirect back to the app (code, state, iss). */
  callback: URL;
  /** The flow cookie as it was when the provider sent the browser back. */
  flowCookie: string;
}

/** Clicks "Sign in with SSO" as `account` and stops where the provider redirects back. */
async function toCallback(account: string, next?: string, jar = new CookieJar()): Promise<Attempt> {
  loginAs = account;
  const start = new URL('/auth/oidc/start', appOrigin);
  if (next !== undefined) start.searchParams.set('next', next);
  const callback = await follow(start, jar, (url) => url.pathname === '/auth/oidc/callback');
  const flowCookie = jar.get(callback, OIDC_FLOW_COOKIE);
  if (!flowCookie) throw new Error('no flow cookie was set');
  return { jar, callback, flowCookie };
}

/** Lets the app handle the callback; returns where it sends the browser. */
async function finish(attempt: Pick<Attempt, 'jar' | 'callback'>): Promise<string> {
  const response = await browse(attempt.callback, attempt.jar);
  await response.body?.cancel();
  expect(response.status).toBe(303);
  return response.headers.get('location') ?? '';
}

/** The user id of the session cookie in `jar`, or null. */
async function sessionUser(jar: CookieJar): Promise<string | null> {
  const token = jar.get(new URL('/', appOrigin), SESSION_COOKIE);
  if (!token) return null;
  return (await accounts.validateSession(decodeURIComponent(token)))?.user.id ?? null;
}

function audits(userId: string, action: string): Promise<{ details: string | null }[]> {
  return records.db
    .selectFrom('audit_log')
    .select('details')
    .where('actor_id', '=', userId)
    .where('action', '=', action)
    .execute();
}

function loginAudits(userId: string): Promise<{ details: string | null }[]> {
  return audits(userId, 'auth.login');
}

describe('OIDC sign-in', () => {
  it('[SSO1] a first sign-in creates an account without password or workspace', async () => {
    const usersBefore = await accounts.countUsers();
    const attempt = await toCallback('newcomer');
    expect(new URL(attempt.callback).searchParams.get('iss')).toBeTruthy();
    expect(await finish(attempt)).toBe('/');

    const user = await accounts.getUserByEmail('newcomer@example.test');
    expect(user).toMatchObject({
      name: 'New Comer',
      hasPassword: false,
      passwordHash: null,
      emailVerified: true,
      active: true
    });
    expect(await accounts.countUsers()).toBe(usersBefore + 1);
    expect(await accounts.listWorkspaces(user!.id)).toEqual([]);
    expect(await accounts.findIdentity(opIssuer, 'newcomer')).toBe(user!.id);
    expect(await sessionUser(attempt.jar)).toBe(user!.id);
    // The flow cookie is gone once used.
    expect(attempt.jar.get(attempt.callback, OIDC_FLOW_COOKIE)).toBeUndefined();
    expect((await loginAudits(user!.id)).map((a) => JSON.parse(a.details ?? '{}'))).toEqual([
      { method: 'oidc' }
    ]);
  });

  it('[SSO2] a second sign-in reuses the linked identity', async () => {
    const first = await accounts.getUserByEmail('newcomer@example.test');
    const usersBefore = await accounts.countUsers();
    const attempt = await toCallback('newcomer');
    expect(await finish(attempt)).toBe('/');
    expect(await sessionUser(attempt.jar)).toBe(first!.id);
    expect(await accounts.countUsers()).toBe(usersBefore);
    expect(await loginAudits(first!.id)).toHaveLength(2);

    // Signing in again in the same browser replaces its session rather than adding one.
    const oldToken = attempt.jar.get(new URL('/', appOrigin), SESSION_COOKIE)!;
    const again = await toCallback('newcomer', undefined, attempt.jar);
    expect(await finish(again)).toBe('/');
    expect(await sessionUser(again.jar)).toBe(first!.id);
    expect(await accounts.validateSession(decodeURIComponent(oldToken))).toBeNull();
  });

  it('[SSO3] a verified email links the existing password account and keeps next', async () => {
    const attempt = await toCallback('owner', `/w/${WS}/board?view=compact`);
    expect(await finish(attempt)).toBe(`/w/${WS}/board?view=compact`);
    expect(await sessionUser(attempt.jar)).toBe(owner.userId);
    expect(await accounts.findIdentity(opIssuer, 'owner')).toBe(owner.userId);
    expect(await accounts.getPasswordHash(owner.userId)).not.toBeNull();

    // The session is a real one: the workspace API accepts it.
    const url = new URL(`/api/v1/workspaces/${WS}/tasks`, appOrigin);
    const response = await fetch(url, { headers: { cookie: attempt.jar.header(url) } });
    await response.body?.cancel();
    expect(response.status).toBe(200);

    // An off-site `next` is dropped.
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const again = await toCallback('owner', next);
      expect(await finish(again)).toBe('/');
    }
  });

  it('[SSO4] an unverified email is not linked to the existing account', async () => {
    const before = await accounts.countUsers();
    const attempt = await toCallback('impostor');
    expect(await finish(attempt)).toBe(FAILURE);
    expect(await sessionUser(attempt.jar)).toBeNull();
    expect(await accounts.findIdentity(opIssuer, 'impostor')).toBeNull();
    expect(await accounts.countUsers()).toBe(before);
    expect(await loginAudits(operator.userId)).toHaveLength(0);
    // The attempt on the account is on record, as a failed password sign-in would be.
    const failed = await audits(operator.userId, 'auth.login_failed');
    expect(failed.map((row) => JSON.parse(row.details ?? 'null'))).toEqual([
      { method: 'oidc', reason: 'email_unverified' }
    ]);
  });

  it('[SSO5] a state mismatch, a missing flow cookie and a replayed callback are refused', async () => {
    // State mismatch: the answer is not for the attempt this browser started.
    const tampered = await toCallback('newcomer');
    tampered.callback.searchParams.set('state', 'x'.repeat(43));
    expect(await finish(tampered)).toBe(FAILURE);
    expect(await sessionUser(tampered.jar)).toBeNull();

    // Another browser's callback (login CSRF): no flow cookie here.
    const foreign = await toCallback('newcomer');
    expect(await finish({ jar: new CookieJar(), callback: foreign.callback })).toBe(FAILURE);

    // Replay: a used callback fails again, with the cookie gone and with the old cookie put back
    // (the provider refuses a code twice).
    const used = await toCallback('newcomer');
    expect(await finish(used)).toBe('/');
    const replay = { jar: new CookieJar(), callback: used.callback };
    expect(await finish(replay)).toBe(FAILURE);
    replay.jar.set(used.callback, '/auth/oidc', OIDC_FLOW_COOKIE, used.flowCookie);
    expect(await finish(replay)).toBe(FAILURE);
    expect(await sessionUser(replay.jar)).toBeNull();

    // Two attempts in one browser: the second replaces the first's cookie.
    const first = await toCallback('newcomer');
    const second = await toCallback('newcomer');
    first.jar.set(first.callback, '/auth/oidc', OIDC_FLOW_COOKIE, second.flowCookie);
    expect(await finish(first)).toBe(FAILURE);

    // A deactivated account is refused even with a verified email.
    const gone = await toCallback('gone');
    expect(await finish(gone)).toBe(FAILURE);
    expect(await sessionUser(gone.jar)).toBeNull();
  });

  it('[SSO6] the log holds reasons, never a code, token or the client secret', async () => {
    const attempt = await toCallback('newcomer');
    const code = attempt.callback.searchParams.get('code')!;
    expect(await finish(attempt)).toBe('/');
    const log = app.output();
    expect(log).toContain('oidc sign-in refused');
    expect(log).toContain('reason=email_unverified');
    expect(log).toContain('reason=flow_missing');
    expect(log).not.toContain(CLIENT_SECRET);
    expect(log).not.toContain(code);
    expect(log).not.toContain(attempt.flowCookie);
    expect(log).not.toMatch(/\n\s+at /); // no stack traces
    const token = attempt.jar.get(new URL('/', appOrigin), SESSION_COOKIE)!;
    expect(log).not.toContain(decodeURIComponent(token).split('.')[1]!);
  });
});
