/**
 * The account records: users, sessions, workspaces, memberships, invites, API tokens, OIDC
 * identities and the audit log. Plain data access: permission checks live in the services that
 * call it (./service.ts). Methods are async so another backend (PostgreSQL) can implement the
 * same surface.
 */
import { DomainError } from '../../shared/model/domain-error';
import { generateId } from '../../shared/model/ids';
import { isRole, type Role } from '../../shared/permissions';
import type { AuditAction } from '../../shared/workspaces/audit-actions';
import { hashSecret, newCredential, parseCredential, secretMatches } from '../auth/secrets';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../db/sqlite';
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

type UserRow = {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  email_verified: number;
  active: number;
  created_at: number;
};
type SessionRow = {
  id: string;
  secret_hash: Buffer;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  ip: string | null;
  user_agent: string | null;
};
type TokenRow = {
  id: string;
  secret_hash: Buffer;
  user_id: string;
  workspace_id: string;
  name: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
};
type InviteRow = {
  id: string;
  secret_hash: Buffer;
  workspace_id: string;
  role: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  max_uses: number | null;
  uses: number;
  revoked_at: number | null;
};

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

/** The account store on SQLite. */
export class Accounts {
  /** Statements of the per-connection checks, prepared once (see `prepared`). */
  private readonly statements = new Map<string, Statement<unknown[]>>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number = Date.now
  ) {}

  /**
   * `sql` prepared once and reused. For the checks every websocket makes on connect and on each
   * access recheck: preparing costs ~100× the lookup, and each prepared statement holds ~7 KB of
   * native memory until V8 happens to collect its wrapper. Only for plain get/run statements
   * (no pluck/raw/iterate, which would change or lock the shared statement).
   */
  private prepared(sql: string): Statement<unknown[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[]>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  // ── users ──────────────────────────────────────────────────────────────────────────────

  /** Number of users (0 means first run). */
  async countUsers(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
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
    const id = generateId();
    try {
      this.db
        .prepare(
          `INSERT INTO users (id, email, name, password_hash, email_verified, active, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
        )
        .run(
          id,
          input.email.trim(),
          input.name.trim(),
          input.passwordHash,
          input.emailVerified ? 1 : 0,
          input.active === false ? 0 : 1,
          now,
          now
        );
    } catch (error) {
      if (String(error).includes('UNIQUE')) {
        throw new DomainError('email_taken', 'an account with this email already exists');
      }
      throw error;
    }
    return (await this.getUser(id))!;
  }

  /** A user by id. */
  async getUser(id: string): Promise<User | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  /** A user by email (case-insensitive), with the password hash for sign-in. */
  async getUserByEmail(email: string): Promise<(User & { passwordHash: string | null }) | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE email = ?').get(email.trim()) as
      UserRow | undefined;
    return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
  }

  /** The stored password hash of a user. */
  async getPasswordHash(userId: string): Promise<string | null> {
    const row = this.db.prepare('SELECT password_hash FROM users WHERE id = ?').get(userId) as
      { password_hash: string | null } | undefined;
    return row?.password_hash ?? null;
  }

  /** Replaces a user's password hash. */
  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    const result = this.db
      .prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?')
      .run(passwordHash, this.now(), userId);
    if (result.changes === 0) throw new DomainError('not_found', 'no such user');
  }

  /** Activates a placeholder user (e.g. one created by a history import) when they sign up. */
  async updateUser(
    userId: string,
    patch: { name?: string; active?: boolean; emailVerified?: boolean }
  ): Promise<User> {
    const user = await this.getUser(userId);
    if (!user) throw new DomainError('not_found', 'no such user');
    this.db
      .prepare(
        'UPDATE users SET name = ?, active = ?, email_verified = ?, updated_at = ? WHERE id = ?'
      )
      .run(
        patch.name?.trim() ?? user.name,
        (patch.active ?? user.active) ? 1 : 0,
        (patch.emailVerified ?? user.emailVerified) ? 1 : 0,
        this.now(),
        userId
      );
    return (await this.getUser(userId))!;
  }

  // ── sessions ───────────────────────────────────────────────────────────────────────────

  /** Starts a session; the token is returned once and only its hash is stored. */
  async createSession(
    userId: string,
    origin: RequestOrigin
  ): Promise<{ token: string; session: Session }> {
    const credential = newCredential();
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO sessions (id, secret_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        credential.id,
        hashSecret(credential.secret),
        userId,
        now,
        now + SESSION_TTL_MS,
        now,
        origin.ip,
        origin.userAgent?.slice(0, 300) ?? null
      );
    const row = this.db
      .prepare('SELECT * FROM sessions WHERE id = ?')
      .get(credential.id) as SessionRow;
    return { token: credential.token, session: toSession(row) };
  }

  /**
   * Validates a session token: constant-time secret check, expiry, active user. A session used
   * in the second half of its life is extended (sliding expiry).
   */
  async validateSession(token: string): Promise<{ session: Session; user: User } | null> {
    const parsed = parseCredential(token);
    if (!parsed) return null;
    const row = this.prepared('SELECT * FROM sessions WHERE id = ?').get(parsed.id) as
      SessionRow | undefined;
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return null;
    const now = this.now();
    if (row.expires_at <= now) {
      this.db.prepare('DELETE FROM sessions WHERE id = ?').run(row.id);
      return null;
    }
    const userRow = this.prepared('SELECT * FROM users WHERE id = ?').get(row.user_id) as
      UserRow | undefined;
    if (!userRow || userRow.active !== 1) return null;
    if (
      row.expires_at - now < SESSION_REFRESH_BELOW_MS ||
      now - row.last_seen_at > SESSION_TOUCH_MS
    ) {
      const expiresAt =
        row.expires_at - now < SESSION_REFRESH_BELOW_MS ? now + SESSION_TTL_MS : row.expires_at;
      this.prepared('UPDATE sessions SET expires_at = ?, last_seen_at = ? WHERE id = ?').run(
        expiresAt,
        now,
        row.id
      );
      row.expires_at = expiresAt;
      row.last_seen_at = now;
    }
    return { session: toSession(row), user: toUser(userRow) };
  }

  /** Whether a session still exists, has not expired and belongs to an active user. */
  async isSessionLive(sessionId: string): Promise<boolean> {
    const row = this.prepared(
      `SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = ? AND s.expires_at > ? AND u.active = 1`
    ).get(sessionId, this.now());
    return row !== undefined;
  }

  /** Ends one session. */
  async deleteSession(sessionId: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE id = ?').run(sessionId);
  }

  /** Ends every session of a user except `keepSessionId`; returns the ended ids. */
  async deleteUserSessions(userId: string, keepSessionId: string | null = null): Promise<string[]> {
    const rows = this.db
      .prepare('SELECT id FROM sessions WHERE user_id = ? AND id IS NOT ?')
      .all(userId, keepSessionId) as { id: string }[];
    this.db
      .prepare('DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?')
      .run(userId, keepSessionId);
    return rows.map((r) => r.id);
  }

  /** A user's live sessions, newest first. */
  async listSessions(userId: string): Promise<Session[]> {
    const rows = this.db
      .prepare(
        'SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC'
      )
      .all(userId, this.now()) as SessionRow[];
    return rows.map(toSession);
  }

  // ── workspaces and memberships ─────────────────────────────────────────────────────────

  /** Creates a workspace with `ownerId` as its owner. */
  async createWorkspace(
    name: string,
    ownerId: string,
    id: string = generateId()
  ): Promise<Workspace> {
    const now = this.now();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO workspaces (id, name, created_at, created_by) VALUES (?, ?, ?, ?)')
        .run(id, name.trim(), now, ownerId);
      this.db
        .prepare(
          `INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)`
        )
        .run(id, ownerId, now);
    })();
    return { id, name: name.trim(), createdAt: now };
  }

  /** A workspace by id. */
  async getWorkspace(id: string): Promise<Workspace | null> {
    const row = this.db
      .prepare('SELECT id, name, created_at FROM workspaces WHERE id = ?')
      .get(id) as { id: string; name: string; created_at: number } | undefined;
    return row ? { id: row.id, name: row.name, createdAt: row.created_at } : null;
  }

  /** Renames a workspace. */
  async renameWorkspace(id: string, name: string): Promise<void> {
    const result = this.db
      .prepare('UPDATE workspaces SET name = ? WHERE id = ?')
      .run(name.trim(), id);
    if (result.changes === 0) throw new DomainError('not_found', 'no such workspace');
  }

  /** The workspaces a user belongs to, with their role, by name. */
  async listWorkspaces(userId: string): Promise<(Workspace & { role: Role })[]> {
    const rows = this.db
      .prepare(
        `SELECT w.id, w.name, w.created_at, m.role FROM memberships m
         JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = ? ORDER BY w.name, w.id`
      )
      .all(userId) as { id: string; name: string; created_at: number; role: string }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.created_at,
      role: toRole(r.role)
    }));
  }

  /** A user's membership of a workspace, or null. */
  async getMembership(workspaceId: string, userId: string): Promise<Membership | null> {
    const row = this.prepared(
      'SELECT * FROM memberships WHERE workspace_id = ? AND user_id = ?'
    ).get(workspaceId, userId) as
      { workspace_id: string; user_id: string; role: string; created_at: number } | undefined;
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
    const rows = this.db
      .prepare(
        `SELECT m.workspace_id, m.user_id, m.role, m.created_at, u.email, u.name, u.active
         FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = ? ORDER BY u.name, u.email`
      )
      .all(workspaceId) as {
      workspace_id: string;
      user_id: string;
      role: string;
      created_at: number;
      email: string;
      name: string;
      active: number;
    }[];
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
      this.db
        .prepare(
          'INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)'
        )
        .run(workspaceId, userId, role, now);
    } catch (error) {
      if (String(error).includes('UNIQUE') || String(error).includes('PRIMARY')) {
        throw new DomainError('already_member', 'already a member of this workspace');
      }
      if (String(error).includes('FOREIGN KEY'))
        throw new DomainError('not_found', 'no such workspace or user');
      throw error;
    }
    return { workspaceId, userId, role, createdAt: now };
  }

  /** Number of owners of a workspace. */
  async countOwners(workspaceId: string): Promise<number> {
    return (
      this.db
        .prepare(`SELECT COUNT(*) AS n FROM memberships WHERE workspace_id = ? AND role = 'owner'`)
        .get(workspaceId) as { n: number }
    ).n;
  }

  /** Changes a member's role. */
  async setRole(workspaceId: string, userId: string, role: Role): Promise<void> {
    const result = this.db
      .prepare('UPDATE memberships SET role = ? WHERE workspace_id = ? AND user_id = ?')
      .run(role, workspaceId, userId);
    if (result.changes === 0) throw new DomainError('not_found', 'not a member');
  }

  /** Removes a member. */
  async removeMember(workspaceId: string, userId: string): Promise<void> {
    const result = this.db
      .prepare('DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?')
      .run(workspaceId, userId);
    if (result.changes === 0) throw new DomainError('not_found', 'not a member');
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
    this.db
      .prepare(
        `INSERT INTO invites (id, secret_hash, workspace_id, role, created_by, created_at, expires_at, max_uses)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        credential.id,
        hashSecret(credential.secret),
        input.workspaceId,
        input.role,
        input.createdBy,
        this.now(),
        input.expiresAt,
        input.maxUses
      );
    const row = this.db
      .prepare('SELECT * FROM invites WHERE id = ?')
      .get(credential.id) as InviteRow;
    return { token: credential.token, invite: toInvite(row) };
  }

  /** A usable invite for `token` (not revoked, expired or used up), or null. */
  async findInvite(token: string): Promise<Invite | null> {
    const parsed = parseCredential(token);
    if (!parsed) return null;
    const row = this.db.prepare('SELECT * FROM invites WHERE id = ?').get(parsed.id) as
      InviteRow | undefined;
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return null;
    if (row.revoked_at !== null || row.expires_at <= this.now()) return null;
    if (row.max_uses !== null && row.uses >= row.max_uses) return null;
    return toInvite(row);
  }

  /** Uses an invite for `userId` atomically: checks it again, counts the use, adds the member. */
  async acceptInvite(
    token: string,
    userId: string
  ): Promise<{ invite: Invite; membership: Membership }> {
    return this.db.transaction(() => {
      const parsed = parseCredential(token);
      const row = parsed
        ? (this.db.prepare('SELECT * FROM invites WHERE id = ?').get(parsed.id) as
            InviteRow | undefined)
        : undefined;
      const usable =
        parsed &&
        row &&
        secretMatches(parsed.secret, row.secret_hash) &&
        row.revoked_at === null &&
        row.expires_at > this.now() &&
        (row.max_uses === null || row.uses < row.max_uses);
      if (!usable || !row) throw new DomainError('invite_invalid', 'this invite link is not valid');
      const existing = this.db
        .prepare('SELECT 1 FROM memberships WHERE workspace_id = ? AND user_id = ?')
        .get(row.workspace_id, userId);
      if (existing) throw new DomainError('already_member', 'already a member of this workspace');
      const now = this.now();
      this.db.prepare('UPDATE invites SET uses = uses + 1 WHERE id = ?').run(row.id);
      this.db
        .prepare(
          'INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)'
        )
        .run(row.workspace_id, userId, row.role, now);
      const invite = toInvite({ ...row, uses: row.uses + 1 });
      return {
        invite,
        membership: { workspaceId: row.workspace_id, userId, role: invite.role, createdAt: now }
      };
    })();
  }

  /** Invites of a workspace, newest first. */
  async listInvites(workspaceId: string): Promise<Invite[]> {
    const rows = this.db
      .prepare('SELECT * FROM invites WHERE workspace_id = ? ORDER BY created_at DESC')
      .all(workspaceId) as InviteRow[];
    return rows.map(toInvite);
  }

  /** Revokes an invite of a workspace. */
  async revokeInvite(workspaceId: string, inviteId: string): Promise<void> {
    const result = this.db
      .prepare(
        'UPDATE invites SET revoked_at = ? WHERE id = ? AND workspace_id = ? AND revoked_at IS NULL'
      )
      .run(this.now(), inviteId, workspaceId);
    if (result.changes === 0) throw new DomainError('not_found', 'no such invite');
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
    this.db
      .prepare(
        `INSERT INTO api_tokens (id, secret_hash, user_id, workspace_id, name, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        credential.id,
        hashSecret(credential.secret),
        input.userId,
        input.workspaceId,
        input.name.trim(),
        this.now(),
        input.expiresAt
      );
    const row = this.db
      .prepare('SELECT * FROM api_tokens WHERE id = ?')
      .get(credential.id) as TokenRow;
    return { token: credential.token, apiToken: toToken(row) };
  }

  /** Validates an API token: secret, not revoked or expired, active user. */
  async validateToken(token: string): Promise<{ apiToken: ApiToken; user: User } | null> {
    const parsed = parseCredential(token, API_TOKEN_PREFIX);
    if (!parsed) return null;
    const row = this.prepared('SELECT * FROM api_tokens WHERE id = ?').get(parsed.id) as
      TokenRow | undefined;
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return null;
    const now = this.now();
    if (row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) return null;
    const userRow = this.prepared('SELECT * FROM users WHERE id = ?').get(row.user_id) as
      UserRow | undefined;
    if (!userRow || userRow.active !== 1) return null;
    if (row.last_used_at === null || now - row.last_used_at > SESSION_TOUCH_MS) {
      this.prepared('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now, row.id);
      row.last_used_at = now;
    }
    return { apiToken: toToken(row), user: toUser(userRow) };
  }

  /** A user's tokens (secrets are never readable again). */
  async listTokens(userId: string): Promise<ApiToken[]> {
    const rows = this.db
      .prepare('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC')
      .all(userId) as TokenRow[];
    return rows.map(toToken);
  }

  /** A token by id. */
  async getToken(tokenId: string): Promise<ApiToken | null> {
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(tokenId) as
      TokenRow | undefined;
    return row ? toToken(row) : null;
  }

  /** Whether a token is neither revoked nor expired and belongs to an active user. */
  async isTokenLive(tokenId: string): Promise<boolean> {
    const row = this.prepared(
      `SELECT 1 FROM api_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.id = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
         AND u.active = 1`
    ).get(tokenId, this.now());
    return row !== undefined;
  }

  /** Revokes a token. */
  async revokeToken(tokenId: string): Promise<void> {
    const result = this.db
      .prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(this.now(), tokenId);
    if (result.changes === 0) throw new DomainError('not_found', 'no such token');
  }

  // ── OIDC identities ────────────────────────────────────────────────────────────────────

  /** The user linked to an OIDC subject. */
  async findIdentity(issuer: string, subject: string): Promise<string | null> {
    const row = this.db
      .prepare('SELECT user_id FROM oidc_identities WHERE issuer = ? AND subject = ?')
      .get(issuer, subject) as { user_id: string } | undefined;
    return row?.user_id ?? null;
  }

  /** Links an OIDC subject to a user. */
  async linkIdentity(issuer: string, subject: string, userId: string): Promise<void> {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO oidc_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)'
      )
      .run(issuer, subject, userId, this.now());
  }

  // ── audit log ──────────────────────────────────────────────────────────────────────────

  /** Appends an audit entry (the table refuses updates and deletes). */
  async audit(record: AuditRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO audit_log (workspace_id, actor_id, actor_label, action, target, details, ip, user_agent, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        record.workspaceId,
        record.actorId,
        record.actorLabel ?? null,
        record.action,
        record.target ?? null,
        record.details ? JSON.stringify(record.details) : null,
        record.origin?.ip ?? null,
        record.origin?.userAgent?.slice(0, 300) ?? null,
        this.now()
      );
  }

  /** Audit entries of a workspace, newest first, filtered. */
  async listAudit(workspaceId: string, query: AuditQuery): Promise<AuditEntry[]> {
    const where = ['workspace_id = ?'];
    const args: (string | number)[] = [workspaceId];
    if (query.action) {
      where.push('(action = ? OR action LIKE ?)');
      args.push(query.action, `${query.action}.%`);
    }
    if (query.actorId) {
      where.push('actor_id = ?');
      args.push(query.actorId);
    }
    if (query.since !== undefined) {
      where.push('created_at >= ?');
      args.push(query.since);
    }
    if (query.until !== undefined) {
      where.push('created_at < ?');
      args.push(query.until);
    }
    if (query.before !== undefined) {
      where.push('seq < ?');
      args.push(query.before);
    }
    const rows = this.db
      .prepare(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`)
      .all(...args, query.limit) as {
      seq: number;
      workspace_id: string | null;
      actor_id: string | null;
      actor_label: string | null;
      action: string;
      target: string | null;
      details: string | null;
      ip: string | null;
      user_agent: string | null;
      created_at: number;
    }[];
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
