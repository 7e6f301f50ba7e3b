/**
 * Who may do what in a workspace. One table for documents and one for actions, read by the
 * websocket upgrade, the REST API, page loads and the UI (to hide what a role cannot do). The
 * server is the authority; the UI only mirrors it.
 */
import type { DocKind } from './doc-name';

export const ROLES = ['owner', 'admin', 'operator', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Higher is more powerful. */
const RANK: Record<Role, number> = { owner: 5, admin: 4, operator: 3, member: 2, viewer: 1 };

export type DocAccess = 'write' | 'read';

/**
 * Access per document kind and role (docs/design.md §2). `ledger` is written by the server only;
 * `task` (a task's content) has the board's rights.
 */
const DOC_ACCESS: Record<DocKind, Record<Role, DocAccess | null>> = {
  board: { owner: 'write', admin: 'write', operator: 'write', member: 'write', viewer: 'read' },
  runbook: { owner: 'write', admin: 'write', operator: 'write', member: 'write', viewer: 'read' },
  // A task's content document has exactly the board's rights (it is part of the board).
  task: { owner: 'write', admin: 'write', operator: 'write', member: 'write', viewer: 'read' },
  cmdb: { owner: 'write', admin: 'write', operator: 'write', member: 'read', viewer: 'read' },
  ledger: { owner: 'read', admin: 'read', operator: 'read', member: 'read', viewer: 'read' }
};

/** What `role` may do with a document of `kind`; null means no access at all. */
export function docAccess(role: Role, kind: DocKind): DocAccess | null {
  return DOC_ACCESS[kind][role];
}

/** Workspace actions checked by the REST API and pages, with the lowest role allowed. */
const ACTION_MIN_ROLE = {
  'workspace.read': 'viewer',
  'tasks.write': 'member',
  'runbooks.write': 'member',
  'cmdb.write': 'operator',
  // Anyone may request a change; operators approve and carry them out; admins set the rules.
  'changes.write': 'member',
  'changes.approve': 'operator',
  'changes.implement': 'operator',
  'changes.policy': 'admin',
  'freezes.manage': 'admin',
  // The server fetches the NetBox address given: admins only.
  'cmdb.netbox': 'admin',
  'oncall.manage': 'operator',
  // Operators run jobs (gated by changes where the job asks); admins define jobs, hold the
  // credentials and register remote runners.
  'automation.run': 'operator',
  'automation.manage': 'admin',
  'credentials.manage': 'admin',
  'runners.manage': 'admin',
  'workspace.rename': 'admin',
  'members.manage': 'admin',
  'invites.manage': 'admin',
  'integrations.manage': 'admin',
  'board.compact': 'admin',
  // Rebuilding the AI index re-embeds every item: admins.
  'ai.manage': 'admin',
  'audit.read': 'admin',
  'workspace.delete': 'owner'
} as const satisfies Record<string, Role>;

export type WorkspaceAction = keyof typeof ACTION_MIN_ROLE;

/** Whether `role` may perform `action`. */
export function can(role: Role, action: WorkspaceAction): boolean {
  return RANK[role] >= RANK[ACTION_MIN_ROLE[action]];
}

/** Whether `role` is at least `min`. */
export function atLeast(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

/**
 * Whether `actor` may give `target` the role `next` (or remove them when `next` is null).
 * Admins manage everyone below admin; only owners grant or take away admin and owner.
 */
export function canChangeRole(actor: Role, target: Role, next: Role | null): boolean {
  if (!can(actor, 'members.manage')) return false;
  if (actor === 'owner') return true;
  const touchesHighRole = atLeast(target, 'admin') || (next !== null && atLeast(next, 'admin'));
  return !touchesHighRole;
}

/** Type guard for role strings from outside. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
