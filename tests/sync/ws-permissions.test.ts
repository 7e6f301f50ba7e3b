/**
 * The websocket permission matrix: every role × every document kind × read/write, plus callers
 * who must get nothing (another workspace, no credentials, an expired session, a revoked token,
 * a wrong Origin). Each cell is asserted against the server's copy of the document.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeConnections } from '../../src/lib/server/workspaces/access-changes';
import { Accounts } from '../../src/lib/server/accounts/accounts-store';
import { SESSION_COOKIE } from '../../src/lib/server/auth/authenticate';
import { docAccess, ROLES } from '../../src/lib/shared/permissions';
import { CloseCode, MessageType, SyncMessageType } from '../../src/lib/shared/sync-protocol';
import type { DocKind } from '../../src/lib/shared/doc-name';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { openTestDatabase } from '../helpers/database';
import { rawClient, waitFor } from '../helpers/clients';
import { startSyncServer, tempDataDir, type TestSyncServer } from '../helpers/sync-server';

const WS = 'matrix';
const OTHER = 'elsewhere';
const DOCS: Record<DocKind, string> = {
  board: `${WS}.board`,
  runbook: `${WS}.runbook.rb1`,
  task: `${WS}.task.t1`,
  cmdb: `${WS}.cmdb`,
  ledger: `${WS}.ledger`
};

let server: TestSyncServer;
let users: Record<string, SeededUser>;
let outsider: SeededUser;

function updateFrame(key: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('probe').set(key, true);
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Sync);
  encoding.writeVarUint(e, SyncMessageType.Update);
  encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(doc));
  return encoding.toUint8Array(e);
}

async function serverHas(docName: string, key: string): Promise<boolean> {
  await server.runtime.docStore.flushAll();
  return server.runtime.docStore.read(docName, (doc) => doc.getMap('probe').has(key));
}

/** Opens, tries one write, and reports: refused (close code), or whether the write landed. */
async function probe(
  docName: string,
  key: string,
  connect: { query?: string; headers?: Record<string, string> }
): Promise<{ closed: number } | { wrote: boolean }> {
  const raw = rawClient(server.wsUrl, docName, connect);
  const opened = await raw.opened.then(
    () => true,
    () => false
  );
  if (opened) raw.ws.send(updateFrame(key));
  const outcome = await Promise.race([
    raw.closed.then((code) => ({ closed: code })),
    new Promise<null>((r) => setTimeout(() => r(null), 300))
  ]);
  if (outcome) return outcome;
  raw.ws.close();
  return { wrote: await serverHas(docName, key) };
}

beforeAll(async () => {
  const dataDir = tempDataDir('runboard-matrix-');
  users = await seedWorkspace(dataDir, WS, [...ROLES]);
  outsider = (await seedWorkspace(dataDir, OTHER, ['owner'])).owner!;
  server = await startSyncServer({ dataDir, accounts: true });
});

afterAll(async () => {
  await server.stop();
});

describe('websocket permission matrix', () => {
  for (const role of ROLES) {
    for (const kind of Object.keys(DOCS) as DocKind[]) {
      const expected = docAccess(role, kind);
      it(`[AUTHZ1] ${role} × ${kind}: ${expected ?? 'refused'}`, async () => {
        const key = `${role}-${kind}`;
        const result = await probe(DOCS[kind], key, { query: `?token=${users[role]!.token}` });
        if (expected === null) expect(result).toEqual({ closed: CloseCode.Forbidden });
        else expect(result).toEqual({ wrote: expected === 'write' });
      });
    }
  }

  it('[AUTHZ1] a Bearer header works like ?token=', async () => {
    const result = await probe(DOCS.board, 'bearer', {
      headers: { authorization: `Bearer ${users.member!.token}` }
    });
    expect(result).toEqual({ wrote: true });
  });

  it('[AUTHZ1] a member of another workspace is refused on every document', async () => {
    for (const docName of Object.values(DOCS)) {
      expect(await probe(docName, 'outsider', { query: `?token=${outsider.token}` })).toEqual({
        closed: CloseCode.Forbidden
      });
    }
  });

  it('[AUTHZ1] no credentials, garbage and forged tokens are refused as Unauthorized', async () => {
    const forged = users.owner!.token.slice(0, -4) + 'aaaa';
    for (const query of ['', '?token=', '?token=rbt_nope', `?token=${forged}`]) {
      expect(await probe(DOCS.board, 'anon', { query })).toEqual({
        closed: CloseCode.Unauthorized
      });
    }
    expect(await serverHas(DOCS.board, 'anon')).toBe(false);
  });

  it('[AUTHZ1] a revoked token is refused, and its open connection closes at once', async () => {
    const accounts = server.runtime.accounts;
    const { token, apiToken } = await accounts.createToken({
      userId: users.member!.userId,
      workspaceId: WS,
      name: 'soon revoked',
      expiresAt: null
    });
    const live = rawClient(server.wsUrl, DOCS.board, { query: `?token=${token}` });
    await live.opened;
    await waitFor(() => server.runtime.syncServer.connectionCount > 0);
    await accounts.revokeToken(apiToken.id);
    expect(closeConnections(server.runtime, { tokenId: apiToken.id })).toBe(1);
    expect(await live.closed).toBe(CloseCode.AccessChanged);
    expect(await probe(DOCS.board, 'revoked', { query: `?token=${token}` })).toEqual({
      closed: CloseCode.Unauthorized
    });
  });

  it('[AUTHZ1] a session cookie works only from our Origin; an expired session is refused', async () => {
    const accounts = server.runtime.accounts;
    const { token } = await accounts.createSession(users.member!.userId, {
      ip: null,
      userAgent: null
    });
    const cookie = `${SESSION_COOKIE}=${token}`;
    const host = `127.0.0.1:${server.port}`;
    expect(
      await probe(DOCS.board, 'cookie-ok', { headers: { cookie, origin: `http://${host}` } })
    ).toEqual({ wrote: true });
    expect(
      await probe(DOCS.board, 'cookie-evil', { headers: { cookie, origin: 'http://evil.example' } })
    ).toEqual({ closed: CloseCode.Forbidden });
    expect(await probe(DOCS.board, 'cookie-none', { headers: { cookie } })).toEqual({
      closed: CloseCode.Forbidden
    });
    // A session created 31 days ago has expired.
    const past = new Accounts(server.runtime.records, () => Date.now() - 31 * 24 * 3600 * 1000);
    const expired = await past.createSession(users.member!.userId, { ip: null, userAgent: null });
    expect(
      await probe(DOCS.board, 'cookie-expired', {
        headers: { cookie: `${SESSION_COOKIE}=${expired.token}`, origin: `http://${host}` }
      })
    ).toEqual({ closed: CloseCode.Unauthorized });
  });

  it('[AUTHZ1] nothing refused above reached the store', async () => {
    for (const key of [
      'outsider',
      'anon',
      'revoked',
      'cookie-evil',
      'cookie-none',
      'cookie-expired'
    ]) {
      expect(await serverHas(DOCS.board, key)).toBe(false);
    }
  });

  it('[AUTHZ3] changes made by another process reach open connections within accessRecheckMs', async () => {
    const dataDir = tempDataDir('runboard-recheck-');
    const seeded = await seedWorkspace(dataDir, 'recheck', ['owner', 'member']);
    const recheck = await startSyncServer({
      dataDir,
      accounts: true,
      limits: { accessRecheckMs: 100 }
    });
    try {
      const member = seeded.member!;
      const live = rawClient(recheck.wsUrl, 'recheck.board', { query: `?token=${member.token}` });
      await live.opened;
      const host = `127.0.0.1:${recheck.port}`;
      const { token: sessionToken } = await recheck.runtime.accounts.createSession(member.userId, {
        ip: null,
        userAgent: null
      });
      const browser = rawClient(recheck.wsUrl, 'recheck.board', {
        headers: { cookie: `${SESSION_COOKIE}=${sessionToken}`, origin: `http://${host}` }
      });
      await browser.opened;
      // Another process demotes the member: nothing in this process calls closeConnections.
      const other = (await openTestDatabase(dataDir)).records;
      await new Accounts(other).setRole('recheck', member.userId, 'viewer');
      expect(await live.closed).toBe(CloseCode.AccessChanged);
      expect(await browser.closed).toBe(CloseCode.AccessChanged);
      // Reconnecting gives the new, read-only access.
      const again = rawClient(recheck.wsUrl, 'recheck.board', { query: `?token=${member.token}` });
      await again.opened;
      again.ws.send(updateFrame('after-demotion'));
      await new Promise((r) => setTimeout(r, 300));
      await recheck.runtime.docStore.flushAll();
      expect(
        await recheck.runtime.docStore.read('recheck.board', (doc) =>
          doc.getMap('probe').has('after-demotion')
        )
      ).toBe(false);
      // The admin CLI's reset-password ends the sessions of the user in the database.
      const owner = seeded.owner!;
      const { token: ownerSession } = await recheck.runtime.accounts.createSession(owner.userId, {
        ip: null,
        userAgent: null
      });
      const ownerBrowser = rawClient(recheck.wsUrl, 'recheck.board', {
        headers: { cookie: `${SESSION_COOKIE}=${ownerSession}`, origin: `http://${host}` }
      });
      await ownerBrowser.opened;
      await new Accounts(other).deleteUserSessions(owner.userId);
      await other.close();
      expect(await ownerBrowser.closed).toBe(CloseCode.AccessChanged);
      again.ws.close();
    } finally {
      await recheck.stop();
    }
  });
});
