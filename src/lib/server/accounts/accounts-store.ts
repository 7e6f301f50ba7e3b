/**
 * The account records: users, sessions, workspaces, memberships, invites, API tokens, OIDC
 * identities and the audit log, on the records layer (SQLite or PostgreSQL, ../db/records.ts).
 * Plain data access: permission checks live in the services that call it. Operations of several
 * writes run in one records transaction; emails compare ignoring case on both databases.
 */
import type { Selectable } from 'kysely';
import { DomainError } from '../../shared/model/domain-error';
import { generateId } from '../../shared/model/ids';
import { isRole, type Role } from '../../shared/permissions';
import type { AuditAction } from '../../shared/workspaces/audit-actions';
import { hashSecret, newCredential, parseCredential, secretMatches } from '../auth/secrets';
import { isForeignKeyViolation, isUniqueViolation } from '../db/dialect';
import type { Records, RecordsDb } from '../db/records';
import type { ApiTokensTable, InvitesTable, SessionsTable, UsersTable } from '../db/schema';
import {
  type ApiToken,
  type AuditEntry,
  type Invite,
  type Member,
  type Membership,
  type RequestOrigin,
  type Session,
  type User,
  type Workspace
} from './types';

/** Session lifetime, and the remaining time below which a used session is extended. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const SESSION_REFRESH_BELOW_MS = SESSION_TTL_MS / 2;
/** `last_seen_at` is written at most this often per session. */
const SESSION_TOUCH_MS = 60 * 1000;
/** API tokens carry a prefix so secret scanners and humans can tell them apart. */
export const API_TOKEN_PREFIX = 'rbt_';
export const INVITE_TTL_MAX_MS = 30 * 24 * 60 * 60 * 1000;

type UserRow = Selectable<UsersTable>;
type SessionRow = Selectable<SessionsTable>;
type TokenRow = Selectable<ApiTokensTable>;
type InviteRow = Selectable<InvitesTable>;

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    emailVerified: row.email_verified === 1,
    active: row.active === 1,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at
  };
}
function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
    ip: row.ip,
    userAgent: row.user_agent
  };
}
function toToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    workspaceId: row.workspace_id,
    name: row.name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at
  };
}
function toRole(value: string): Role {
  if (!isRole(value)) throw new Error(`unknown role in database: ${value}`);
  return value;
}
function toInvite(row: InviteRow): Invite {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    role: toRole(row.role) as Invite['role'],
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    maxUses: row.max_uses,
    uses: row.uses,
    revokedAt: row.revoked_at
  };
}

export interface AuditRecord {
  workspaceId: string | null;
  actorId: string | null;
  actorLabel?: string | null;
  /** One of the listed actions, so the audit log can say each in words. */
  action: AuditAction;
  target?: string | null;
  details?: Record<string, unknown> | null;
  origin?: RequestOrigin | null;
}

export interface AuditQuery {
  action?: string;
  actorId?: string;
  since?: number;
  until?: number;
  /** Entries with seq below this (paging backwards). */
  before?: number;
  limit: number;
}

/** Whether an UPDATE or DELETE touched a row. */
function changed(result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }): boolean {
  return (result.numUpdatedRows ?? result.numDeletedRows ?? 0n) > 0n;
}

/** The account store on the records layer (SQLite or PostgreSQL). */
export class Accounts {
  private readonly db: RecordsDb;

  constructor(
    private readonly records: Records,
    private readonly now: () => number = Date.now
  ) {
    this.db = records.db;
  }

  // ── users ──────────────────────────────────────────────────────────────────────────────

  /** Number of users (0 means first run). */
  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Creates a user; the email is unique case-insensitively. */
  async createUser(input: {
    email: string;
    name: string;
    passwordHash: string | null;
    emailVerified?: boolean;
    active?: boolean;
  }): Promise<User> {
    const now = this.now();
    try {
      const row = await this.db
        .insertInto('users')
        .values({
          id: generateId(),
          email: input.email.trim(),
          name: input.name.trim(),
          password_hash: input.passwordHash,
          email_verified: input.emailVerified ? 1 : 0,
          active: input.active === false ? 0 : 1,
          created_at: now,
          updated_at: now
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('email_taken', 'an account with this email already exists');
      }
      throw error;
    }
  }

  /** A user by id. */
  async getUser(id: string): Promise<User | null> {
    const row = await this.userRow(this.db, id);
    return row ? toUser(row) : null;
  }

  private userRow(db: RecordsDb, id: string): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A user by email (case-insensitive), with the password hash for sign-in. */
  async getUserByEmail(email: string): Promise<(User & { passwordHash: string | null }) | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where(this.records.queries.equalsIgnoringCase('email', email.trim()))
      .executeTakeFirst();
    return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
  }

  /** The stored password hash of a user. */
  async getPasswordHash(userId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', userId)
      .executeTakeFirst();
    return row?.password_hash ?? null;
  }

  /** Replaces a user's password hash. */
  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    const result = await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: this.now() })
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!changed(result)) throw new DomainError('not_found', 'no such user');
  }

  /** Activates a placeholder user (e.g. one created by a history import) when they sign up. */
  async updateUser(
    userId: string,
    patch: { name?: string; active?: boolean; emailVerified?: boolean }
  ): Promise<User> {
    // Only the given fields are written, so concurrent patches of other fields are kept.
    const set: { name?: string; active?: number; email_verified?: number; updated_at: number } = {
      updated_at: this.now()
    };
    if (patch.name !== undefined) set.name = patch.name.trim();
    if (patch.active !== undefined) set.active = patch.active ? 1 : 0;
    if (patch.emailVerified !== undefined) set.email_verified = patch.emailVerified ? 1 : 0;
    const row = await this.db
      .updateTable('users')
      .set(set)
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new DomainError('not_found', 'no such user');
    return toUser(row);
  }

  // ── sessions ───────────────────────────────────────────────────────────────────────────

  /** Starts a session; the token is returned once and only its hash is stored. */
  async createSession(
    userId: string,
    origin: RequestOrigin
  ): Promise<{ token: string; session: Session }> {
    const credential = newCredential();
    const now = this.now();
    const row = await this.db
      .insertInto('sessions')
      .values({
        id: credential.id,
        secret_hash: hashSecret(credential.secret),
        user_id: userId,
        created_at: now,
        expires_at: now + SESSION_TTL_MS,
        last_seen_at: now,
        ip: origin.ip,
        user_agent: origin.userAgent?.slice(0, 300) ?? null
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { token: credential.token, session: toSession(row) };
  }

  /**
   * Validates a session token: constant-time secret check, expiry, active user. A session used
   * in the second half of its life is extended (sliding expiry).
   */
  async validateSession(token: string): Promise<{ session: Session; user: User } | null> {
    const parsed = parseCredential(token);
    if (!parsed) return null;
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', parsed.id)
      .executeTakeFirst();
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return null;
    const now = this.now();
    if (row.expires_at <= now) {
      await this.db.deleteFrom('sessions').where('id', '=', row.id).execute();
      return null;
    }
    const userRow = await this.userRow(this.db, row.user_id);
    if (!userRow || userRow.active !== 1) return null;
    if (
      row.expires_at - now < SESSION_REFRESH_BELOW_MS ||
      now - row.last_seen_at > SESSION_TOUCH_MS
    ) {
      const expiresAt =
        row.expires_at - now < SESSION_REFRESH_BELOW_MS ? now + SESSION_TTL_MS : row.expires_at;
      await this.db
        .updateTable('sessions')
        .set({ expires_at: expiresAt, last_seen_at: now })
        .where('id', '=', row.id)
        .execute();
      row.expires_at = expiresAt;
      row.last_seen_at = now;
    }
    return { session: toSession(row), user: toUser(userRow) };
  }

  /** Whether a session still exists, has not expired and belongs to an active user. */
  async isSessionLive(sessionId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select('s.id')
      .where('s.id', '=', sessionId)
      .where('s.expires_at', '>', this.now())
      .where('u.active', '=', 1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Ends one session. */
  async deleteSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
  }

  /** Ends every session of a user except `keepSessionId`; returns the ended ids. */
  async deleteUserSessions(userId: string, keepSessionId: string | null = null): Promise<string[]> {
    // One statement: a session started meanwhile is either ended and listed, or kept.
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepSessionId !== null) query = query.where('id', '!=', keepSessionId);
    const rows = await query.returning('id').execute();
    return rows.map((r) => r.id);
  }

  /** A user's live sessions, newest first. */
  async listSessions(userId: string): Promise<Session[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('expires_at', '>', this.now())
      .orderBy('last_seen_at', 'desc')
      .execute();
    return rows.map(toSession);
  }

  // ── workspaces and memberships ─────────────────────────────────────────────────────────

  /** Creates a workspace with `ownerId` as its owner (both rows or neither). */
  async createWorkspace(
    name: string,
    ownerId: string,
    id: string = generateId()
  ): Promise<Workspace> {
    const now = this.now();
    await this.records.transaction(async (trx) => {
      await trx
        .insertInto('workspaces')
        .values({ id, name: name.trim(), created_at: now, created_by: ownerId })
        .execute();
      await trx
        .insertInto('memberships')
        .values({ workspace_id: id, user_id: ownerId, role: 'owner', created_at: now })
        .execute();
    });
    return { id, name: name.trim(), createdAt: now };
  }

  /** A workspace by id. */
  async getWorkspace(id: string): Promise<Workspace | null> {
    const row = await this.db
      .selectFrom('workspaces')
      .select(['id', 'name', 'created_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? { id: row.id, name: row.name, createdAt: row.created_at } : null;
  }

  /** Renames a workspace. */
  async renameWorkspace(id: string, name: string): Promise<void> {
    const result = await this.db
      .updateTable('workspaces')
      .set({ name: name.trim() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (!changed(result)) throw new DomainError('not_found', 'no such workspace');
  }

  /** The workspaces a user belongs to, with their role, by name. */
  async listWorkspaces(userId: string): Promise<(Workspace & { role: Role })[]> {
    const { queries } = this.records;
    const rows = await this.db
      .selectFrom('memberships as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select(['w.id', 'w.name', 'w.created_at', 'm.role'])
      .where('m.user_id', '=', userId)
      .orderBy(queries.byteOrder('w.name'))
      .orderBy(queries.byteOrder('w.id'))
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.created_at,
      role: toRole(r.role)
    }));
  }

  /** A user's membership of a workspace, or null. */
  async getMembership(workspaceId: string, userId: string): Promise<Membership | null> {
    const row = await this.db
      .selectFrom('memberships')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row
      ? {
          workspaceId: row.workspace_id,
          userId: row.user_id,
          role: toRole(row.role),
          createdAt: row.created_at
        }
      : null;
  }

  /** Members of a workspace with their account details. */
  async listMembers(workspaceId: string): Promise<Member[]> {
    const { queries } = this.records;
    const rows = await this.db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select([
        'm.workspace_id',
        'm.user_id',
        'm.role',
        'm.created_at',
        'u.email',
        'u.name',
        'u.active'
      ])
      .where('m.workspace_id', '=', workspaceId)
      .orderBy(queries.byteOrder('u.name'))
      .orderBy(queries.caseInsensitiveOrder('u.email'))
      .execute();
    return rows.map((r) => ({
      workspaceId: r.workspace_id,
      userId: r.user_id,
      role: toRole(r.role),
      createdAt: r.created_at,
      email: r.email,
      name: r.name,
      active: r.active === 1
    }));
  }

  /** Adds a member (refuses an existing one). */
  async addMember(workspaceId: string, userId: string, role: Role): Promise<Membership> {
    const now = this.now();
    try {
      await this.db
        .insertInto('memberships')
        .values({ workspace_id: workspaceId, user_id: userId, role, created_at: now })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('already_member', 'already a member of this workspace');
      }
      if (isForeignKeyViolation(error)) {
        throw new DomainError('not_found', 'no such workspace or user');
      }
      throw error;
    }
    return { workspaceId, userId, role, createdAt: now };
  }

  /** Number of owners of a workspace. */
  async countOwners(workspaceId: string): Promise<number> {
    return this.ownerCount(this.db, workspaceId);
  }

  private async ownerCount(db: RecordsDb, workspaceId: string): Promise<number> {
    const row = await db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Changes a member's role. With `keepAnOwner`, refuses (`last_owner`) to demote the last
   * owner (see `changeMembership`).
   */
  async setRole(
    workspaceId: string,
    userId: string,
    role: Role,
    options: { keepAnOwner?: boolean } = {}
  ): Promise<void> {
    await this.changeMembership(workspaceId, userId, options, 'demoted', (db) =>
      db
        .updateTable('memberships')
        .set({ role })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .executeTakeFirst()
    );
  }

  /** Removes a member; with `keepAnOwner`, never the last owner (see `changeMembership`). */
  async removeMember(
    workspaceId: string,
    userId: string,
    options: { keepAnOwner?: boolean } = {}
  ): Promise<void> {
    await this.changeMembership(workspaceId, userId, options, 'removed', (db) =>
      db
        .deleteFrom('memberships')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .executeTakeFirst()
    );
  }

  /**
   * Writes one change of `userId`'s membership (`not_found` when there is none). With
   * `keepAnOwner`, an owner's change that leaves no owner is refused (`last_owner`): the check
   * and the write are one transaction that first locks the workspace row (a no-op update), so
   * membership changes of one workspace run one after another on every node and two owners
   * demoting each other at once cannot both pass.
   */
  private async changeMembership(
    workspaceId: string,
    userId: string,
    options: { keepAnOwner?: boolean },
    what: string,
    write: (db: RecordsDb) => Promise<{ numUpdatedRows?: bigint; numDeletedRows?: bigint }>
  ): Promise<void> {
    const notMember = () => new DomainError('not_found', 'not a member');
    if (!options.keepAnOwner) {
      if (!changed(await write(this.db))) throw notMember();
      return;
    }
    await this.records.transaction(async (trx) => {
      await trx
        .updateTable('workspaces')
        .set((eb) => ({ name: eb.ref('name') }))
        .where('id', '=', workspaceId)
        .execute();
      const before = await trx
        .selectFrom('memberships')
        .select('role')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!before || !changed(await write(trx))) throw notMember();
      if (before.role === 'owner' && (await this.ownerCount(trx, workspaceId)) === 0) {
        throw new DomainError(
          'last_owner',
          `the last owner cannot be ${what}; make someone else owner first`
        );
      }
    });
  }

  // ── invites ────────────────────────────────────────────────────────────────────────────

  /** Creates an invite link secret; returned once. */
  async createInvite(input: {
    workspaceId: string;
    role: Invite['role'];
    createdBy: string;
    expiresAt: number;
    maxUses: number | null;
  }): Promise<{ token: string; invite: Invite }> {
    const credential = newCredential();
    const row = await this.db
      .insertInto('invites')
      .values({
        id: credential.id,
        secret_hash: hashSecret(credential.secret),
        workspace_id: input.workspaceId,
        role: input.role,
        created_by: input.createdBy,
        created_at: this.now(),
        expires_at: input.expiresAt,
        max_uses: input.maxUses
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { token: credential.token, invite: toInvite(row) };
  }

  /** A usable invite for `token` (not revoked, expired or used up), or null. */
  async findInvite(token: string): Promise<Invite | null> {
    const parsed = parseCredential(token);
    if (!parsed) return null;
    const row = await this.db
      .selectFrom('invites')
      .selectAll()
      .where('id', '=', parsed.id)
      .executeTakeFirst();
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return null;
    if (row.revoked_at !== null || row.expires_at <= this.now()) return null;
    if (row.max_uses !== null && row.uses >= row.max_uses) return null;
    return toInvite(row);
  }

  /**
   * Uses an invite for `userId` atomically: checks it again, counts the use, adds the member.
   * The use is counted by one conditional UPDATE, so of concurrent accepts (on any node) no
   * more succeed than the invite has uses left: on PostgreSQL a second UPDATE of the row waits
   * for the first transaction and then re-checks the condition against the committed count.
   */
  async acceptInvite(
    token: string,
    userId: string
  ): Promise<{ invite: Invite; membership: Membership }> {
    const invalid = () => new DomainError('invite_invalid', 'this invite link is not valid');
    const parsed = parseCredential(token);
    if (!parsed) throw invalid();
    return this.records.transaction(async (trx) => {
      const now = this.now();
      const row = await trx
        .selectFrom('invites')
        .selectAll()
        .where('id', '=', parsed.id)
        .executeTakeFirst();
      if (!row || !secretMatches(parsed.secret, row.secret_hash)) throw invalid();
      const existing = await trx
        .selectFrom('memberships')
        .select('user_id')
        .where('workspace_id', '=', row.workspace_id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const usable =
        row.revoked_at === null &&
        row.expires_at > now &&
        (row.max_uses === null || row.uses < row.max_uses);
      if (!usable) throw invalid();
      if (existing) throw new DomainError('already_member', 'already a member of this workspace');
      const used = await trx
        .updateTable('invites')
        .set((eb) => ({ uses: eb('uses', '+', 1) }))
        .where('id', '=', row.id)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
        .returningAll()
        .executeTakeFirst();
      if (!used) throw invalid();
      try {
        await trx
          .insertInto('memberships')
          .values({
            workspace_id: used.workspace_id,
            user_id: userId,
            role: used.role,
            created_at: now
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new DomainError('already_member', 'already a member of this workspace');
        }
        throw error;
      }
      const invite = toInvite(used);
      return {
        invite,
        membership: { workspaceId: used.workspace_id, userId, role: invite.role, createdAt: now }
      };
    });
  }

  /** Invites of a workspace, newest first. */
  async listInvites(workspaceId: string): Promise<Invite[]> {
    const rows = await this.db
      .selectFrom('invites')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toInvite);
  }

  /** Revokes an invite of a workspace. */
  async revokeInvite(workspaceId: string, inviteId: string): Promise<void> {
    const result = await this.db
      .updateTable('invites')
      .set({ revoked_at: this.now() })
      .where('id', '=', inviteId)
      .where('workspace_id', '=', workspaceId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!changed(result)) throw new DomainError('not_found', 'no such invite');
  }

  // ── API tokens ─────────────────────────────────────────────────────────────────────────

  /** Creates an API token scoped to one workspace; the token string is returned once. */
  async createToken(input: {
    userId: string;
    workspaceId: string;
    name: string;
    expiresAt: number | null;
  }): Promise<{ token: string; apiToken: ApiToken }> {
    const credential = newCredential(API_TOKEN_PREFIX);
    const row = await this.db
      .insertInto('api_tokens')
      .values({
        id: credential.id,
        secret_hash: hashSecret(credential.secret),
        user_id: input.userId,
        workspace_id: input.workspaceId,
        name: input.name.trim(),
        created_at: this.now(),
        expires_at: input.expiresAt
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { token: credential.token, apiToken: toToken(row) };
  }

  /** Validates an API token: secret, not revoked or expired, active user. */
  async validateToken(token: string): Promise<{ apiToken: ApiToken; user: User } | null> {
    const parsed = parseCredential(token, API_TOKEN_PREFIX);
    if (!parsed) return null;
    const row = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', parsed.id)
      .executeTakeFirst();
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return null;
    const now = this.now();
    if (row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) return null;
    const userRow = await this.userRow(this.db, row.user_id);
    if (!userRow || userRow.active !== 1) return null;
    if (row.last_used_at === null || now - row.last_used_at > SESSION_TOUCH_MS) {
      await this.db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('id', '=', row.id)
        .execute();
      row.last_used_at = now;
    }
    return { apiToken: toToken(row), user: toUser(userRow) };
  }

  /** A user's tokens (secrets are never readable again). */
  async listTokens(userId: string): Promise<ApiToken[]> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toToken);
  }

  /** A token by id. */
  async getToken(tokenId: string): Promise<ApiToken | null> {
    const row = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', tokenId)
      .executeTakeFirst();
    return row ? toToken(row) : null;
  }

  /** Whether a token is neither revoked nor expired and belongs to an active user. */
  async isTokenLive(tokenId: string): Promise<boolean> {
    const now = this.now();
    const row = await this.db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select('t.id')
      .where('t.id', '=', tokenId)
      .where('t.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
      .where('u.active', '=', 1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Revokes a token. */
  async revokeToken(tokenId: string): Promise<void> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: this.now() })
      .where('id', '=', tokenId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!changed(result)) throw new DomainError('not_found', 'no such token');
  }

  // ── OIDC identities ────────────────────────────────────────────────────────────────────

  /** The user linked to an OIDC subject. */
  async findIdentity(issuer: string, subject: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('oidc_identities')
      .select('user_id')
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row?.user_id ?? null;
  }

  /** Links an OIDC subject to a user (an existing link of the subject is kept). */
  async linkIdentity(issuer: string, subject: string, userId: string): Promise<void> {
    await this.db
      .insertInto('oidc_identities')
      .values({ issuer, subject, user_id: userId, created_at: this.now() })
      .onConflict((conflict) => conflict.columns(['issuer', 'subject']).doNothing())
      .execute();
  }

  // ── audit log ──────────────────────────────────────────────────────────────────────────

  /** Appends an audit entry (the table refuses updates and deletes). */
  async audit(record: AuditRecord): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        workspace_id: record.workspaceId,
        actor_id: record.actorId,
        actor_label: record.actorLabel ?? null,
        action: record.action,
        target: record.target ?? null,
        details: record.details ? JSON.stringify(record.details) : null,
        ip: record.origin?.ip ?? null,
        user_agent: record.origin?.userAgent?.slice(0, 300) ?? null,
        created_at: this.now()
      })
      .execute();
  }

  /** Audit entries of a workspace, newest first, filtered. */
  async listAudit(workspaceId: string, query: AuditQuery): Promise<AuditEntry[]> {
    let select = this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('workspace_id', '=', workspaceId);
    const { action, actorId, since, until, before } = query;
    if (action) {
      // The action itself or its group: `member` matches `member.removed`.
      select = select.where((eb) =>
        eb.or([eb('action', '=', action), eb('action', 'like', `${action}.%`)])
      );
    }
    if (actorId) select = select.where('actor_id', '=', actorId);
    if (since !== undefined) select = select.where('created_at', '>=', since);
    if (until !== undefined) select = select.where('created_at', '<', until);
    if (before !== undefined) select = select.where('seq', '<', before);
    const rows = await select.orderBy('seq', 'desc').limit(query.limit).execute();
    return rows.map((r) => ({
      seq: r.seq,
      workspaceId: r.workspace_id,
      actorId: r.actor_id,
      actorLabel: r.actor_label,
      action: r.action,
      target: r.target,
      details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
      ip: r.ip,
      userAgent: r.user_agent,
      createdAt: r.created_at
    }));
  }
}
