/**
 * The rules of workspace administration, shared by the REST API and the pages: who may rename
 * a workspace, change a role, remove a member, create or revoke an invite, and what each change
 * writes to the audit log. Every membership change closes the member's live websockets, so
 * they reconnect with their new rights at once (access-changes.ts).
 *
 * Framework-free: failures are DomainErrors with a stable `code`, mapped to HTTP statuses by
 * the API layer and to messages by the pages.
 */
import {
  DomainError,
  domainErrorCode,
  type DomainErrorCode
} from '../../shared/model/domain-error';
import { canChangeRole, type Role } from '../../shared/permissions';
import type { WorkspaceAuditAction } from '../../shared/workspaces/audit-actions';
import type { InviteRole, InviteStatus } from '../../shared/workspaces/schema';
import type { Runtime } from '../runtime';
import { hashPassword } from '../auth/password';
import { RateLimiter, authLimits, takeToken } from '../auth/rate-limit';
import { INVITE_TTL_MAX_MS } from '../accounts/accounts-store';
import { closeConnections } from './access-changes';
import { allocateWorkspaceId, workspaceIdIsFree } from './workspace-id';
import type { Invite, Member, Membership, RequestOrigin, User, Workspace } from '../accounts/types';

/** Who makes a change: recorded in the audit log. */
export interface Actor {
  userId: string;
  /** How the actor is shown in the audit log (their email, and the token name if any). */
  label: string;
  origin: RequestOrigin;
}

/** An actor that may be no user: the admin CLI (label `cli`, no origin). */
export type AuditActor = Omit<Actor, 'userId' | 'origin'> & {
  userId: string | null;
  origin: RequestOrigin | null;
};

const HOUR_MS = 60 * 60 * 1000;

/**
 * Membership changes of one workspace run one after another in this process, so the checks
 * below read what the previous change wrote. The last-owner rule itself is enforced by the
 * store (`keepAnOwner`: check and write in one transaction on the locked workspace row), which
 * also holds between app nodes sharing one PostgreSQL.
 */
const workspaceQueues = new Map<string, Promise<unknown>>();

function serialized<T>(workspaceId: string, task: () => Promise<T>): Promise<T> {
  const previous = workspaceQueues.get(workspaceId) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined
  );
  workspaceQueues.set(workspaceId, settled);
  void settled.then(() => {
    if (workspaceQueues.get(workspaceId) === settled) workspaceQueues.delete(workspaceId);
  });
  return run;
}

/**
 * Creates a workspace; its board gets default columns when first loaded. The owner is the actor,
 * or `options.owner` (the admin CLI creates workspaces for someone). Without `options.id` the
 * id is derived from the name (workspace-id.ts); a given id must be free of workspaces, and
 * documents already stored under it (from before accounts) become the workspace's.
 */
export async function createWorkspace(
  runtime: Pick<Runtime, 'accounts' | 'storage'> & Partial<Pick<Runtime, 'metrics'>>,
  actor: AuditActor,
  name: string,
  options: { id?: string; owner?: Pick<User, 'id' | 'email'> } = {}
): Promise<Workspace> {
  const ownerId = options.owner?.id ?? actor.userId;
  if (ownerId === null) throw new DomainError('invalid_input', 'a workspace needs an owner');
  let id = options.id;
  if (id === undefined) {
    id = await allocateWorkspaceId(name, (candidate) =>
      workspaceIdIsFree(runtime.accounts, runtime.storage, candidate)
    );
  } else if (await runtime.accounts.getWorkspace(id)) {
    throw new DomainError('conflict', `workspace ${id} exists already`);
  }
  const workspace = await runtime.accounts.createWorkspace(name, ownerId, id);
  // Its metrics series exist at zero before its first event (docs/metrics.md). The admin CLI has
  // no metrics: the server's next scrape finds the workspace in the records.
  runtime.metrics?.addWorkspace(workspace.id);
  await audit(runtime, actor, workspace.id, 'workspace.created', `workspace:${workspace.id}`, {
    name: workspace.name,
    ...(options.owner ? { owner: options.owner.email } : {})
  });
  return workspace;
}

/** Renames a workspace (the caller has checked `workspace.rename`). */
export async function renameWorkspace(
  runtime: Runtime,
  actor: Actor,
  workspaceId: string,
  name: string
): Promise<Workspace> {
  const before = await runtime.accounts.getWorkspace(workspaceId);
  if (!before) throw new DomainError('not_found', 'no such workspace');
  const trimmed = name.trim();
  if (before.name === trimmed) return before;
  await runtime.accounts.renameWorkspace(workspaceId, trimmed);
  await audit(runtime, actor, workspaceId, 'workspace.renamed', `workspace:${workspaceId}`, {
    from: before.name,
    to: trimmed
  });
  return { ...before, name: trimmed };
}

async function currentRole(runtime: Runtime, workspaceId: string, userId: string): Promise<Role> {
  // Read again inside the queue: the actor may have been demoted since the request began.
  const membership = await runtime.accounts.getMembership(workspaceId, userId);
  if (!membership) throw new DomainError('not_found', 'no such workspace');
  return membership.role;
}

async function targetMembership(
  runtime: Runtime,
  workspaceId: string,
  userId: string
): Promise<Membership> {
  const membership = await runtime.accounts.getMembership(workspaceId, userId);
  if (!membership) throw new DomainError('not_found', 'no such member');
  return membership;
}

/**
 * Gives a member another role, within `canChangeRole` of the actor's role. The last owner is
 * never demoted. The member's open connections close at once and reconnect with the new role.
 */
export async function changeMemberRole(
  runtime: Runtime,
  actor: Actor,
  workspaceId: string,
  targetUserId: string,
  next: Role
): Promise<Member> {
  return serialized(workspaceId, async () => {
    const actorRole = await currentRole(runtime, workspaceId, actor.userId);
    const target = await targetMembership(runtime, workspaceId, targetUserId);
    if (target.role !== next) {
      if (!canChangeRole(actorRole, target.role, next)) {
        throw new DomainError(
          'forbidden',
          `your role (${actorRole}) may not change a ${target.role} to ${next}`
        );
      }
      await runtime.accounts.setRole(workspaceId, targetUserId, next, { keepAnOwner: true });
      await audit(runtime, actor, workspaceId, 'member.role_changed', `user:${targetUserId}`, {
        from: target.role,
        to: next
      });
      closeConnections(runtime, { userId: targetUserId, workspaceId });
    }
    const member = (await runtime.accounts.listMembers(workspaceId)).find(
      (m) => m.userId === targetUserId
    );
    if (!member) throw new DomainError('not_found', 'no such member');
    return member;
  });
}

/**
 * Removes a member: anyone may leave, removing others needs `canChangeRole(actor, target,
 * null)`. The last owner is never removed. Their open connections close at once (and the
 * reconnect is refused).
 */
export async function removeMember(
  runtime: Runtime,
  actor: Actor,
  workspaceId: string,
  targetUserId: string
): Promise<void> {
  await serialized(workspaceId, async () => {
    const actorRole = await currentRole(runtime, workspaceId, actor.userId);
    const target = await targetMembership(runtime, workspaceId, targetUserId);
    const leaving = targetUserId === actor.userId;
    if (!leaving && !canChangeRole(actorRole, target.role, null)) {
      throw new DomainError(
        'forbidden',
        `your role (${actorRole}) may not remove a ${target.role}`
      );
    }
    // Named in the entry: once removed, the log can no longer look the person up as a member.
    const removed = await runtime.accounts.getUser(targetUserId);
    await runtime.accounts.removeMember(workspaceId, targetUserId, { keepAnOwner: true });
    await audit(runtime, actor, workspaceId, 'member.removed', `user:${targetUserId}`, {
      role: target.role,
      ...(removed ? { name: removed.name, email: removed.email } : {}),
      ...(leaving ? { left: true } : {})
    });
    closeConnections(runtime, { userId: targetUserId, workspaceId });
  });
}

/** What an invite link grants, as set by whoever creates it. */
export interface InviteRequest {
  role: InviteRole;
  expiresInHours: number;
  maxUses: number | null;
}

/**
 * Creates an invite link. Only roles below owner, and only roles the actor could give an
 * existing viewer (so admins cannot mint admins). The token is returned once.
 */
export async function createInvite(
  runtime: Runtime,
  actor: Actor,
  workspaceId: string,
  request: InviteRequest
): Promise<{ token: string; invite: Invite }> {
  const actorRole = await currentRole(runtime, workspaceId, actor.userId);
  if (!canChangeRole(actorRole, 'viewer', request.role)) {
    throw new DomainError('forbidden', `your role (${actorRole}) may not invite a ${request.role}`);
  }
  const ttlMs = Math.min(request.expiresInHours * HOUR_MS, INVITE_TTL_MAX_MS);
  const created = await runtime.accounts.createInvite({
    workspaceId,
    role: request.role,
    createdBy: actor.userId,
    expiresAt: Date.now() + ttlMs,
    maxUses: request.maxUses
  });
  const { invite } = created;
  await audit(runtime, actor, workspaceId, 'invite.created', `invite:${invite.id}`, {
    role: invite.role,
    expiresAt: new Date(invite.expiresAt).toISOString(),
    maxUses: invite.maxUses
  });
  return created;
}

/** Revokes an invite of the workspace; it stops working at once. */
export async function revokeInvite(
  runtime: Runtime,
  actor: Actor,
  workspaceId: string,
  inviteId: string
): Promise<void> {
  const invite = (await runtime.accounts.listInvites(workspaceId)).find((i) => i.id === inviteId);
  await runtime.accounts.revokeInvite(workspaceId, inviteId);
  await audit(runtime, actor, workspaceId, 'invite.revoked', `invite:${inviteId}`, {
    role: invite?.role ?? null
  });
}

/** Joins the workspace of an invite as `user`; `invite_invalid` or `already_member` otherwise. */
export async function acceptInvite(
  runtime: Runtime,
  user: User,
  token: string,
  origin: RequestOrigin
): Promise<{ workspaceId: string; role: InviteRole }> {
  const { invite } = await runtime.accounts.acceptInvite(token, user.id);
  await audit(
    runtime,
    { userId: user.id, label: user.email, origin },
    invite.workspaceId,
    'invite.accepted',
    `invite:${invite.id}`,
    { role: invite.role }
  );
  return { workspaceId: invite.workspaceId, role: invite.role };
}

/** A new account made on the invite page. */
export interface InviteSignup {
  name: string;
  email: string;
  password: string;
}

// Creating an account costs a password hash, like first-run setup, and is bounded the same way.
const signupLimiter = new RateLimiter(authLimits.setupPerIp);

/**
 * Creates an account from the invite page, starts its session and joins the invite's workspace.
 * The link is checked first, so a dead link creates no account. Refused with `email_taken` when
 * the email has an account (that person signs in instead) and `rate_limited` past the
 * per-address limit. `workspaceId` is null when the link was used up in the meantime: the
 * account and session stand anyway.
 */
export async function signUpWithInvite(
  runtime: Runtime,
  input: InviteSignup,
  token: string,
  origin: RequestOrigin
): Promise<{ user: User; workspaceId: string | null; sessionToken: string; expiresAt: number }> {
  if (!(await runtime.accounts.findInvite(token))) {
    throw new DomainError('invite_invalid', 'this invite link is not valid');
  }
  const wait = await takeToken(
    runtime.rateLimits,
    'signup-ip',
    signupLimiter,
    origin.ip ?? 'unknown'
  );
  if (wait > 0) {
    throw new DomainError('rate_limited', 'too many new accounts; try again later', {
      retryAfterMs: wait
    });
  }
  const passwordHash = await hashPassword(input.password);
  const user = await runtime.accounts.createUser({
    email: input.email,
    name: input.name,
    passwordHash
  });
  await runtime.accounts.audit({
    workspaceId: null,
    actorId: user.id,
    actorLabel: user.email,
    action: 'auth.signup',
    target: `user:${user.id}`,
    details: { via: 'invite' },
    origin
  });
  const { token: sessionToken, session } = await runtime.accounts.createSession(user.id, origin);
  let workspaceId: string | null = null;
  try {
    workspaceId = (await acceptInvite(runtime, user, token, origin)).workspaceId;
  } catch (error) {
    if (codeOf(error) !== 'invite_invalid') throw error;
  }
  return { user, workspaceId, sessionToken, expiresAt: session.expiresAt };
}

/** The domain code of an error, if it has one (errors are matched by code, not class). */
export function codeOf(error: unknown): DomainErrorCode | undefined {
  return domainErrorCode(error);
}

/** Whether an invite still works, and if not, why. */
export function inviteStatus(invite: Invite, now: number = Date.now()): InviteStatus {
  if (invite.revokedAt !== null) return 'revoked';
  if (invite.expiresAt <= now) return 'expired';
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'used_up';
  return 'active';
}

/** Appends an entry to the workspace's audit log, as `actor`. */
export async function audit(
  runtime: Pick<Runtime, 'accounts'>,
  actor: AuditActor,
  workspaceId: string,
  action: WorkspaceAuditAction,
  target: string,
  details: Record<string, unknown>
): Promise<void> {
  await runtime.accounts.audit({
    workspaceId,
    actorId: actor.userId,
    actorLabel: actor.label,
    action,
    target,
    details,
    origin: actor.origin
  });
}
