/**
 * The account store (src/lib/server/accounts/accounts-store.ts) on both record backends: SQLite
 * in a fresh data directory and PostgreSQL in a fresh database (tests/helpers/database.ts).
 * Outside CI, PostgreSQL is skipped with a reason when it is not reachable; under CI it always
 * runs. Real databases, a controllable clock, no mocks.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  API_TOKEN_PREFIX,
  Accounts,
  SESSION_TTL_MS
} from '../../src/lib/server/accounts/accounts-store';
import {
  allocateWorkspaceId,
  workspaceIdIsFree
} from '../../src/lib/server/workspaces/workspace-id';
import { openDatabase, type Records } from '../../src/lib/server/db/records';
import { createLogger } from '../../src/lib/server/log';
import { boardDocName } from '../../src/lib/shared/doc-name';
import type { Role } from '../../src/lib/shared/permissions';
import type { DocumentStorage } from '../../sync-server/storage/types';
import { databaseTargetFor, type TestBackendName } from '../helpers/database';
import { postgresSkipReason } from '../helpers/postgres';

interface RecordsBackend {
  name: TestBackendName;
  /** Set when the backend cannot run on this machine (never under CI). */
  skip: string | null;
}

const pgSkip = await postgresSkipReason();
const backends: RecordsBackend[] = [
  { name: 'sqlite', skip: null },
  { name: 'postgres', skip: pgSkip }
];

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
const origin = { ip: '192.0.2.7', userAgent: 'vitest' };

/** A fresh, migrated database of `backend` (dropped with the others after this file). */
async function openFreshDatabase(backend: TestBackendName, dataDir?: string) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'runboard-accounts-'));
  return openDatabase(await databaseTargetFor(dir, backend), {
    logger: createLogger('error'),
    poolSize: 8
  });
}

async function openFresh(backend: TestBackendName, dataDir?: string): Promise<Records> {
  return (await openFreshDatabase(backend, dataDir)).records;
}

/** A clock the test moves by hand. */
function testClock(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
  const clock = { now: start, tick: (ms: number) => (clock.now += ms) };
  return clock;
}

/** The DomainError code a promise rejects with. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'resolved';
}

let counter = 0;
function email(prefix = 'user'): string {
  return `${prefix}-${++counter}@example.test`;
}

for (const backend of backends) {
  describe.skipIf(Boolean(backend.skip))(`accounts store: ${backend.name}`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runboard-accounts-'));
    let records: Records;
    let documents: DocumentStorage;
    let clock: ReturnType<typeof testClock>;
    let accounts: Accounts;

    beforeAll(async () => {
      ({ records, documents } = await openFreshDatabase(backend.name, dataDir));
    });
    afterAll(async () => {
      await records?.close();
    });
    beforeEach(() => {
      clock = testClock();
      accounts = new Accounts(records, () => clock.now);
    });

    async function user(name = 'Someone', extra: { active?: boolean } = {}) {
      return accounts.createUser({ email: email(), name, passwordHash: 'hash', ...extra });
    }

    async function workspace(ownerId: string, name = 'Ops') {
      const id = `ws-${backend.name}-${++counter}`;
      return accounts.createWorkspace(name, ownerId, id);
    }

    describe('users', () => {
      it('creates users with trimmed fields and counts them', async () => {
        const before = await accounts.countUsers();
        const created = await accounts.createUser({
          email: '  Ada@Example.test ',
          name: ' Ada ',
          passwordHash: null
        });
        expect(created).toMatchObject({
          email: 'Ada@Example.test',
          name: 'Ada',
          emailVerified: false,
          active: true,
          hasPassword: false,
          createdAt: clock.now
        });
        expect(await accounts.getUser(created.id)).toEqual(created);
        expect(await accounts.countUsers()).toBe(before + 1);
        expect(await accounts.getUser('nobody')).toBeNull();
      });

      it('finds users by email ignoring case, and refuses the same email in another case', async () => {
        const created = await accounts.createUser({
          email: 'Grace.Hopper@Example.test',
          name: 'Grace',
          passwordHash: 'h1'
        });
        const found = await accounts.getUserByEmail('  grace.hopper@EXAMPLE.TEST ');
        expect(found).toMatchObject({ id: created.id, passwordHash: 'h1' });
        expect(await accounts.getUserByEmail('grace@example.test')).toBeNull();
        expect(
          await codeOf(
            accounts.createUser({
              email: 'GRACE.HOPPER@example.TEST',
              name: 'x',
              passwordHash: null
            })
          )
        ).toBe('email_taken');
      });

      it('sets password hashes and patches only the given fields', async () => {
        const created = await user('Linus');
        await accounts.setPasswordHash(created.id, 'new-hash');
        expect(await accounts.getPasswordHash(created.id)).toBe('new-hash');
        expect(await codeOf(accounts.setPasswordHash('nobody', 'x'))).toBe('not_found');

        const patched = await accounts.updateUser(created.id, { emailVerified: true });
        expect(patched).toMatchObject({ name: 'Linus', emailVerified: true, active: true });
        const renamed = await accounts.updateUser(created.id, { name: ' Linus T ', active: false });
        expect(renamed).toMatchObject({ name: 'Linus T', emailVerified: true, active: false });
        expect(await codeOf(accounts.updateUser('nobody', { name: 'x' }))).toBe('not_found');
      });
    });

    describe('sessions', () => {
      it('validates a session token and refuses wrong or malformed ones', async () => {
        const u = await user();
        const { token, session } = await accounts.createSession(u.id, {
          ip: '198.51.100.1',
          userAgent: 'x'.repeat(400)
        });
        expect(session).toMatchObject({
          userId: u.id,
          createdAt: clock.now,
          expiresAt: clock.now + SESSION_TTL_MS,
          ip: '198.51.100.1'
        });
        expect(session.userAgent).toHaveLength(300);
        const valid = await accounts.validateSession(token);
        expect(valid?.user.id).toBe(u.id);
        expect(valid?.session.id).toBe(session.id);

        const [id] = token.split('.');
        const wrongSecret = `${id}.${'a'.repeat(52)}`;
        expect(await accounts.validateSession(wrongSecret)).toBeNull();
        expect(await accounts.validateSession('not-a-token')).toBeNull();
        expect(await accounts.isSessionLive(session.id)).toBe(true);
      });

      it('touches last_seen_at at most once a minute and slides the expiry in the second half', async () => {
        const u = await user();
        const { token, session } = await accounts.createSession(u.id, origin);
        clock.tick(30 * 1000);
        expect((await accounts.validateSession(token))?.session.lastSeenAt).toBe(session.createdAt);
        clock.tick(61 * 1000);
        const touched = await accounts.validateSession(token);
        expect(touched?.session.lastSeenAt).toBe(clock.now);
        expect(touched?.session.expiresAt).toBe(session.expiresAt);
        const stored = await records.db
          .selectFrom('sessions')
          .select(['last_seen_at', 'expires_at'])
          .where('id', '=', session.id)
          .executeTakeFirstOrThrow();
        expect(stored).toEqual({ last_seen_at: clock.now, expires_at: session.expiresAt });

        clock.tick(SESSION_TTL_MS / 2 + DAY);
        const slid = await accounts.validateSession(token);
        expect(slid?.session.expiresAt).toBe(clock.now + SESSION_TTL_MS);
      });

      it('ends expired sessions and sessions of inactive users', async () => {
        const u = await user();
        const { token, session } = await accounts.createSession(u.id, origin);
        clock.tick(SESSION_TTL_MS);
        expect(await accounts.isSessionLive(session.id)).toBe(false);
        expect(await accounts.validateSession(token)).toBeNull();
        const row = await records.db
          .selectFrom('sessions')
          .select('id')
          .where('id', '=', session.id)
          .executeTakeFirst();
        expect(row).toBeUndefined();

        const other = await user();
        const live = await accounts.createSession(other.id, origin);
        await accounts.updateUser(other.id, { active: false });
        expect(await accounts.validateSession(live.token)).toBeNull();
        expect(await accounts.isSessionLive(live.session.id)).toBe(false);
      });

      it('lists, deletes one and deletes all but one', async () => {
        const u = await user();
        const a = await accounts.createSession(u.id, origin);
        clock.tick(MINUTE);
        const b = await accounts.createSession(u.id, origin);
        clock.tick(MINUTE);
        const c = await accounts.createSession(u.id, origin);
        expect((await accounts.listSessions(u.id)).map((s) => s.id)).toEqual([
          c.session.id,
          b.session.id,
          a.session.id
        ]);
        await accounts.deleteSession(a.session.id);
        expect(await accounts.validateSession(a.token)).toBeNull();
        const ended = await accounts.deleteUserSessions(u.id, c.session.id);
        expect(ended).toEqual([b.session.id]);
        expect((await accounts.listSessions(u.id)).map((s) => s.id)).toEqual([c.session.id]);
        expect(await accounts.deleteUserSessions(u.id)).toEqual([c.session.id]);
        expect(await accounts.listSessions(u.id)).toEqual([]);
      });
    });

    describe('workspaces and memberships', () => {
      it('creates a workspace with its owner, and counts owners through role changes', async () => {
        const owner = await user('Owner');
        const ws = await workspace(owner.id, '  Platform  ');
        expect(ws).toEqual({ id: ws.id, name: 'Platform', createdAt: clock.now });
        expect(await accounts.getWorkspace(ws.id)).toEqual(ws);
        expect(await accounts.getMembership(ws.id, owner.id)).toMatchObject({ role: 'owner' });
        expect(await accounts.countOwners(ws.id)).toBe(1);

        const second = await user('Second');
        await accounts.addMember(ws.id, second.id, 'member');
        expect(await codeOf(accounts.addMember(ws.id, second.id, 'viewer'))).toBe('already_member');
        await accounts.setRole(ws.id, second.id, 'owner');
        expect(await accounts.countOwners(ws.id)).toBe(2);
        await accounts.removeMember(ws.id, second.id);
        expect(await accounts.countOwners(ws.id)).toBe(1);
        expect(await accounts.getMembership(ws.id, second.id)).toBeNull();
        expect(await codeOf(accounts.removeMember(ws.id, second.id))).toBe('not_found');
        expect(await codeOf(accounts.setRole(ws.id, second.id, 'admin'))).toBe('not_found');
        expect(await codeOf(accounts.addMember('no-such-ws', second.id, 'member'))).toBe(
          'not_found'
        );
        expect(await codeOf(accounts.addMember(ws.id, 'no-such-user', 'member'))).toBe('not_found');

        await accounts.renameWorkspace(ws.id, ' Platform Team ');
        expect((await accounts.getWorkspace(ws.id))?.name).toBe('Platform Team');
        expect(await codeOf(accounts.renameWorkspace('no-such-ws', 'x'))).toBe('not_found');
      });

      it('keeps an owner when asked: the last owner is neither demoted nor removed', async () => {
        const owner = await user();
        const ws = await workspace(owner.id);
        const keep = { keepAnOwner: true };
        expect(await codeOf(accounts.setRole(ws.id, owner.id, 'admin', keep))).toBe('last_owner');
        expect(await codeOf(accounts.removeMember(ws.id, owner.id, keep))).toBe('last_owner');
        expect(await accounts.getMembership(ws.id, owner.id)).toMatchObject({ role: 'owner' });
        expect(await codeOf(accounts.setRole(ws.id, 'nobody', 'admin', keep))).toBe('not_found');

        const second = await user();
        await accounts.addMember(ws.id, second.id, 'owner');
        await accounts.setRole(ws.id, owner.id, 'admin', keep);
        expect(await accounts.countOwners(ws.id)).toBe(1);
        // Members who are not owners come and go whatever the owner count.
        await accounts.setRole(ws.id, second.id, 'viewer');
        expect(await accounts.countOwners(ws.id)).toBe(0);
        await accounts.removeMember(ws.id, owner.id, keep);
        expect(await accounts.getMembership(ws.id, owner.id)).toBeNull();
      });

      it('lets only one of two owners demoting each other at once through', async () => {
        const nodes = [records];
        if (backend.name === 'postgres') nodes.push(await openFresh(backend.name, dataDir));
        try {
          const [here, there] = [accounts, new Accounts(nodes.at(-1)!, () => clock.now)];
          for (let round = 0; round < 5; round++) {
            const a = await user();
            const b = await user();
            const ws = await workspace(a.id);
            await accounts.addMember(ws.id, b.id, 'owner');
            const results = await Promise.allSettled([
              here.setRole(ws.id, a.id, 'admin', { keepAnOwner: true }),
              round % 2 === 0
                ? there.setRole(ws.id, b.id, 'admin', { keepAnOwner: true })
                : there.removeMember(ws.id, b.id, { keepAnOwner: true })
            ]);
            expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
            const rejected = results.find((r) => r.status === 'rejected');
            expect((rejected?.reason as { code?: string }).code).toBe('last_owner');
            expect(await accounts.countOwners(ws.id)).toBe(1);
          }
        } finally {
          if (nodes.length > 1) await nodes[1]!.close();
        }
      });

      it('allocates workspace ids that no workspace and no stored document uses', async () => {
        const owner = await user();
        const isFree = (id: string) => workspaceIdIsFree(accounts, documents, id);
        const taken = `taken-${backend.name}`;
        await accounts.createWorkspace('Taken', owner.id, taken);
        const legacy = `legacy-${backend.name}`;
        await documents.append(boardDocName(legacy), [new Uint8Array([0, 0])]);
        expect(await isFree(taken)).toBe(false);
        expect(await isFree(legacy)).toBe(false);
        expect(await isFree(`fresh-${backend.name}`)).toBe(true);
        expect(await allocateWorkspaceId('Fresh Team', isFree)).toBe('fresh-team');
        expect(await allocateWorkspaceId(`Taken ${backend.name}`, isFree)).toMatch(
          new RegExp(`^${taken}-[a-z2-9]{4}$`)
        );
        expect(await allocateWorkspaceId(`Legacy ${backend.name}`, isFree)).not.toBe(legacy);
      });

      it('writes a workspace and its owner membership together or not at all', async () => {
        const id = `ws-orphan-${backend.name}`;
        await expect(accounts.createWorkspace('Orphan', 'no-such-user', id)).rejects.toThrow();
        expect(await accounts.getWorkspace(id)).toBeNull();
      });

      it('lists workspaces and members in byte order of name', async () => {
        const owner = await user('zed');
        const beta = await workspace(owner.id, 'beta');
        const alpha = await workspace(owner.id, 'Alpha');
        const listed = (await accounts.listWorkspaces(owner.id)).map((w) => [w.name, w.role]);
        expect(listed).toEqual([
          ['Alpha', 'owner'],
          ['beta', 'owner']
        ]);
        const bob = await user('bob');
        const bigBob = await user('Bob');
        await accounts.addMember(alpha.id, bob.id, 'viewer');
        await accounts.addMember(alpha.id, bigBob.id, 'admin');
        const members = await accounts.listMembers(alpha.id);
        expect(members.map((m) => [m.name, m.role, m.active])).toEqual([
          ['Bob', 'admin', true],
          ['bob', 'viewer', true],
          ['zed', 'owner', true]
        ]);
        expect(members[0]).toMatchObject({ userId: bigBob.id, email: bigBob.email });
        expect(beta.id).not.toBe(alpha.id);
      });
    });

    describe('invites', () => {
      it('accepts an invite up to its uses, then refuses it', async () => {
        const owner = await user();
        const ws = await workspace(owner.id);
        const { token, invite } = await accounts.createInvite({
          workspaceId: ws.id,
          role: 'operator',
          createdBy: owner.id,
          expiresAt: clock.now + DAY,
          maxUses: 2
        });
        expect(invite).toMatchObject({ uses: 0, maxUses: 2, role: 'operator', revokedAt: null });
        expect(await accounts.findInvite(token)).toEqual(invite);

        const a = await user();
        const b = await user();
        const c = await user();
        const first = await accounts.acceptInvite(token, a.id);
        expect(first.invite.uses).toBe(1);
        expect(first.membership).toMatchObject({
          workspaceId: ws.id,
          userId: a.id,
          role: 'operator'
        });
        expect(await codeOf(accounts.acceptInvite(token, a.id))).toBe('already_member');
        expect((await accounts.acceptInvite(token, b.id)).invite.uses).toBe(2);
        expect(await accounts.findInvite(token)).toBeNull();
        expect(await codeOf(accounts.acceptInvite(token, c.id))).toBe('invite_invalid');
        expect(await accounts.getMembership(ws.id, c.id)).toBeNull();
        expect((await accounts.listInvites(ws.id))[0]?.uses).toBe(2);
      });

      it('refuses wrong secrets, expired and revoked invites', async () => {
        const owner = await user();
        const ws = await workspace(owner.id);
        const make = () =>
          accounts.createInvite({
            workspaceId: ws.id,
            role: 'member',
            createdBy: owner.id,
            expiresAt: clock.now + DAY,
            maxUses: null
          });
        const joiner = await user();
        const first = await make();
        const [id] = first.token.split('.');
        expect(await accounts.findInvite(`${id}.${'b'.repeat(52)}`)).toBeNull();
        expect(await codeOf(accounts.acceptInvite(`${id}.${'b'.repeat(52)}`, joiner.id))).toBe(
          'invite_invalid'
        );
        expect(await codeOf(accounts.acceptInvite('garbage', joiner.id))).toBe('invite_invalid');

        clock.tick(MINUTE);
        const second = await make();
        expect((await accounts.listInvites(ws.id)).map((i) => i.id)).toEqual([
          second.invite.id,
          first.invite.id
        ]);
        await accounts.revokeInvite(ws.id, second.invite.id);
        expect(await codeOf(accounts.revokeInvite(ws.id, second.invite.id))).toBe('not_found');
        expect(await codeOf(accounts.revokeInvite('other-ws', first.invite.id))).toBe('not_found');
        expect(await accounts.findInvite(second.token)).toBeNull();
        expect(await codeOf(accounts.acceptInvite(second.token, joiner.id))).toBe('invite_invalid');

        clock.tick(DAY);
        expect(await accounts.findInvite(first.token)).toBeNull();
        expect(await codeOf(accounts.acceptInvite(first.token, joiner.id))).toBe('invite_invalid');
        expect(await accounts.getMembership(ws.id, joiner.id)).toBeNull();
      });

      it('lets exactly one of two concurrent accepts of a one-use invite through', async () => {
        const owner = await user();
        for (let round = 0; round < 5; round++) {
          const ws = await workspace(owner.id);
          const { token, invite } = await accounts.createInvite({
            workspaceId: ws.id,
            role: 'member',
            createdBy: owner.id,
            expiresAt: clock.now + DAY,
            maxUses: 1
          });
          const [a, b] = [await user(), await user()];
          const results = await Promise.allSettled([
            accounts.acceptInvite(token, a.id),
            accounts.acceptInvite(token, b.id)
          ]);
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          const rejected = results.filter((r) => r.status === 'rejected');
          expect(rejected.map((r) => (r.reason as { code?: string }).code)).toEqual([
            'invite_invalid'
          ]);
          const members = await accounts.listMembers(ws.id);
          expect(members).toHaveLength(2);
          const stored = await records.db
            .selectFrom('invites')
            .select('uses')
            .where('id', '=', invite.id)
            .executeTakeFirstOrThrow();
          expect(stored.uses).toBe(1);
        }
      });

      it('lets no more of many concurrent accepts through than the invite has uses', async () => {
        const owner = await user();
        const ws = await workspace(owner.id);
        const { token, invite } = await accounts.createInvite({
          workspaceId: ws.id,
          role: 'viewer',
          createdBy: owner.id,
          expiresAt: clock.now + DAY,
          maxUses: 3
        });
        const joiners = await Promise.all(Array.from({ length: 8 }, () => user()));
        const results = await Promise.allSettled(
          joiners.map((j) => accounts.acceptInvite(token, j.id))
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
        for (const r of results) {
          if (r.status === 'rejected')
            expect((r.reason as { code?: string }).code).toBe('invite_invalid');
        }
        expect(await accounts.listMembers(ws.id)).toHaveLength(4);
        expect((await accounts.listInvites(ws.id)).find((i) => i.id === invite.id)?.uses).toBe(3);
      });

      // Two app nodes on one PostgreSQL: each has its own pool; the database decides.
      it.skipIf(backend.name !== 'postgres')(
        'lets exactly one accept through when two nodes race for a one-use invite',
        async () => {
          const otherNode = await openFresh(backend.name, dataDir);
          try {
            const remote = new Accounts(otherNode, () => clock.now);
            const owner = await user();
            for (let round = 0; round < 5; round++) {
              const ws = await workspace(owner.id);
              const { token } = await accounts.createInvite({
                workspaceId: ws.id,
                role: 'member',
                createdBy: owner.id,
                expiresAt: clock.now + DAY,
                maxUses: 1
              });
              const [a, b] = [await user(), await user()];
              const results = await Promise.allSettled([
                accounts.acceptInvite(token, a.id),
                remote.acceptInvite(token, b.id)
              ]);
              expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
              expect(await accounts.listMembers(ws.id)).toHaveLength(2);
            }
          } finally {
            await otherNode.close();
          }
        }
      );
    });

    describe('API tokens', () => {
      it('creates, validates, lists and revokes tokens', async () => {
        const owner = await user();
        const ws = await workspace(owner.id);
        const { token, apiToken } = await accounts.createToken({
          userId: owner.id,
          workspaceId: ws.id,
          name: '  ci  ',
          expiresAt: null
        });
        expect(token.startsWith(API_TOKEN_PREFIX)).toBe(true);
        expect(apiToken).toMatchObject({ name: 'ci', lastUsedAt: null, revokedAt: null });
        const valid = await accounts.validateToken(token);
        expect(valid?.user.id).toBe(owner.id);
        expect(valid?.apiToken.lastUsedAt).toBe(clock.now);
        expect(await accounts.validateToken(token.slice(API_TOKEN_PREFIX.length))).toBeNull();
        const [id] = token.split('.');
        expect(await accounts.validateToken(`${id}.${'c'.repeat(52)}`)).toBeNull();
        expect(await accounts.getToken(apiToken.id)).toMatchObject({ lastUsedAt: clock.now });
        expect(await accounts.isTokenLive(apiToken.id)).toBe(true);

        clock.tick(MINUTE);
        const second = await accounts.createToken({
          userId: owner.id,
          workspaceId: ws.id,
          name: 'deploy',
          expiresAt: null
        });
        expect((await accounts.listTokens(owner.id)).map((t) => t.id)).toEqual([
          second.apiToken.id,
          apiToken.id
        ]);

        await accounts.revokeToken(apiToken.id);
        expect(await accounts.validateToken(token)).toBeNull();
        expect(await accounts.isTokenLive(apiToken.id)).toBe(false);
        expect(await codeOf(accounts.revokeToken(apiToken.id))).toBe('not_found');
        expect(await accounts.getToken('nope')).toBeNull();
      });

      it('refuses expired tokens and tokens of inactive users', async () => {
        const owner = await user();
        const ws = await workspace(owner.id);
        const expiring = await accounts.createToken({
          userId: owner.id,
          workspaceId: ws.id,
          name: 'short',
          expiresAt: clock.now + MINUTE
        });
        expect(await accounts.validateToken(expiring.token)).not.toBeNull();
        clock.tick(MINUTE);
        expect(await accounts.validateToken(expiring.token)).toBeNull();
        expect(await accounts.isTokenLive(expiring.apiToken.id)).toBe(false);

        const lasting = await accounts.createToken({
          userId: owner.id,
          workspaceId: ws.id,
          name: 'long',
          expiresAt: null
        });
        await accounts.updateUser(owner.id, { active: false });
        expect(await accounts.validateToken(lasting.token)).toBeNull();
        expect(await accounts.isTokenLive(lasting.apiToken.id)).toBe(false);
      });
    });

    describe('OIDC identities', () => {
      it('links a subject once and finds its user', async () => {
        const a = await user();
        const b = await user();
        const issuer = 'https://id.example.test';
        expect(await accounts.findIdentity(issuer, 'sub-1')).toBeNull();
        await accounts.linkIdentity(issuer, 'sub-1', a.id);
        await accounts.linkIdentity(issuer, 'sub-1', b.id);
        expect(await accounts.findIdentity(issuer, 'sub-1')).toBe(a.id);
        await accounts.linkIdentity('https://other.example.test', 'sub-1', b.id);
        expect(await accounts.findIdentity('https://other.example.test', 'sub-1')).toBe(b.id);
      });
    });

    describe('audit log', () => {
      it('appends entries and lists them newest first, filtered and paged', async () => {
        const owner = await user();
        const other = await user();
        const ws = await workspace(owner.id);
        const elsewhere = await workspace(owner.id);
        const start = clock.now;
        const write = async (
          action: Parameters<Accounts['audit']>[0]['action'],
          actorId: string,
          workspaceId = ws.id
        ) => {
          clock.tick(MINUTE);
          await accounts.audit({ workspaceId, actorId, actorLabel: 'label', action, origin });
        };
        await write('workspace.created', owner.id);
        await write('member.added', owner.id);
        await write('member.role_changed', other.id);
        await write('member.removed', owner.id);
        await write('token.created', other.id);
        await write('member.added', owner.id, elsewhere.id);
        await accounts.audit({
          workspaceId: ws.id,
          actorId: null,
          action: 'invite.created',
          target: 'invite:x',
          details: { role: 'viewer', uses: [1, 2] },
          origin: { ip: null, userAgent: 'u'.repeat(500) }
        });

        const all = await accounts.listAudit(ws.id, { limit: 100 });
        expect(all.map((e) => e.action)).toEqual([
          'invite.created',
          'token.created',
          'member.removed',
          'member.role_changed',
          'member.added',
          'workspace.created'
        ]);
        expect(all[0]).toMatchObject({
          workspaceId: ws.id,
          actorId: null,
          actorLabel: null,
          target: 'invite:x',
          details: { role: 'viewer', uses: [1, 2] },
          ip: null
        });
        expect(all[0]?.userAgent).toHaveLength(300);
        expect(all[1]).toMatchObject({ ip: origin.ip, userAgent: 'vitest', details: null });
        expect(all.every((e, i) => i === 0 || e.seq < all[i - 1]!.seq)).toBe(true);

        const actions = async (query: Partial<Parameters<Accounts['listAudit']>[1]>) =>
          (await accounts.listAudit(ws.id, { limit: 100, ...query })).map((e) => e.action);
        expect(await actions({ action: 'member' })).toEqual([
          'member.removed',
          'member.role_changed',
          'member.added'
        ]);
        expect(await actions({ action: 'member.added' })).toEqual(['member.added']);
        expect(await actions({ action: 'mem' })).toEqual([]);
        expect(await actions({ actorId: other.id })).toEqual([
          'token.created',
          'member.role_changed'
        ]);
        expect(await actions({ since: start + 2 * MINUTE, until: start + 4 * MINUTE })).toEqual([
          'member.role_changed',
          'member.added'
        ]);
        const page = await accounts.listAudit(ws.id, { limit: 2 });
        expect(page.map((e) => e.action)).toEqual(['invite.created', 'token.created']);
        const next = await accounts.listAudit(ws.id, { limit: 2, before: page[1]!.seq });
        expect(next.map((e) => e.action)).toEqual(['member.removed', 'member.role_changed']);
      });

      it('refuses UPDATE and DELETE of audit rows at the database', async () => {
        const owner = await user();
        const ws = await workspace(owner.id);
        await accounts.audit({
          workspaceId: ws.id,
          actorId: owner.id,
          action: 'workspace.renamed'
        });
        const before = await records.db
          .selectFrom('audit_log')
          .selectAll()
          .where('workspace_id', '=', ws.id)
          .execute();
        expect(before).toHaveLength(1);
        await expect(
          sql`UPDATE audit_log SET action = 'member.removed' WHERE workspace_id = ${ws.id}`.execute(
            records.db
          )
        ).rejects.toThrow(/append-only/);
        await expect(
          sql`DELETE FROM audit_log WHERE workspace_id = ${ws.id}`.execute(records.db)
        ).rejects.toThrow(/append-only/);
        await expect(sql`DELETE FROM audit_log`.execute(records.db)).rejects.toThrow(/append-only/);
        const after = await records.db
          .selectFrom('audit_log')
          .selectAll()
          .where('workspace_id', '=', ws.id)
          .execute();
        expect(after).toEqual(before);
      });
    });
  });
}

/**
 * One script of account operations, its results with generated ids and secrets replaced by
 * stable names: the same on every backend.
 */
async function scriptResults(records: Records): Promise<unknown> {
  const clock = testClock();
  const accounts = new Accounts(records, () => clock.now);
  const ids = new Map<string, string>();
  const name = (id: string | null | undefined) => {
    if (id == null) return id;
    if (!ids.has(id)) ids.set(id, `#${ids.size}`);
    return ids.get(id);
  };
  const people: [string, string][] = [
    ['zoe', 'Zoe@Example.test'],
    ['adam', 'adam@example.test'],
    ['Adam', 'ADAM2@example.test'],
    ['émile', 'emile@example.test'],
    ['Émile', 'Emile2@example.test'],
    ['_under', 'under@example.test']
  ];
  const users = [];
  for (const [n, e] of people) {
    clock.tick(1000);
    users.push(await accounts.createUser({ email: e, name: n, passwordHash: null }));
  }
  const owner = users[0]!;
  const roles: Role[] = ['admin', 'operator', 'member', 'viewer', 'viewer'];
  await accounts.createWorkspace('Zeta', owner.id, 'zeta');
  await accounts.createWorkspace('alpha', owner.id, 'alpha');
  await accounts.createWorkspace('Alpha', owner.id, 'alpha-2');
  for (const [i, u] of users.slice(1).entries()) {
    clock.tick(1000);
    await accounts.addMember('zeta', u.id, roles[i]!);
  }
  const { token } = await accounts.createInvite({
    workspaceId: 'zeta',
    role: 'member',
    createdBy: owner.id,
    expiresAt: clock.now + DAY,
    maxUses: 1
  });
  const joiner = await accounts.createUser({
    email: 'joiner@example.test',
    name: 'joiner',
    passwordHash: null
  });
  const accepted = await accounts.acceptInvite(token, joiner.id);
  const refused = await codeOf(accounts.acceptInvite(token, owner.id));
  for (const action of ['member.added', 'member.removed', 'token.created'] as const) {
    clock.tick(1000);
    await accounts.audit({ workspaceId: 'zeta', actorId: owner.id, action, details: { action } });
  }
  return {
    emailLookup: name((await accounts.getUserByEmail('zoe@EXAMPLE.test'))?.id),
    emailTaken: await codeOf(
      accounts.createUser({ email: 'ZOE@example.TEST', name: 'x', passwordHash: null })
    ),
    workspaces: (await accounts.listWorkspaces(owner.id)).map((w) => [w.id, w.name, w.role]),
    members: (await accounts.listMembers('zeta')).map((m) => [
      name(m.userId),
      m.name,
      m.email,
      m.role
    ]),
    owners: await accounts.countOwners('zeta'),
    accepted: { uses: accepted.invite.uses, role: accepted.membership.role },
    refused,
    audit: (await accounts.listAudit('zeta', { limit: 10, action: 'member' })).map((e) => [
      e.action,
      name(e.actorId),
      e.details,
      e.createdAt
    ])
  };
}

describe.skipIf(Boolean(pgSkip))('accounts store: the same results on both backends', () => {
  it('gives the same answers on SQLite and PostgreSQL', async () => {
    const results: unknown[] = [];
    for (const backend of backends) {
      const records = await openFresh(backend.name);
      try {
        results.push(await scriptResults(records));
      } finally {
        await records.close();
      }
    }
    expect(results[0]).toMatchObject({
      emailTaken: 'email_taken',
      owners: 1,
      accepted: { uses: 1, role: 'member' },
      refused: 'invite_invalid'
    });
    expect(results[1]).toEqual(results[0]);
  });
});
