import type { Role } from '../../shared/permissions';

export interface User {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  /** Inactive users (e.g. imported history) keep attribution but cannot sign in. */
  active: boolean;
  hasPassword: boolean;
  createdAt: number;
}

export interface Session {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  ip: string | null;
  userAgent: string | null;
}

export interface Workspace {
  id: string;
  name: string;
  createdAt: number;
}

export interface Membership {
  workspaceId: string;
  userId: string;
  role: Role;
  createdAt: number;
}

export interface Member extends Membership {
  email: string;
  name: string;
  active: boolean;
}

export interface Invite {
  id: string;
  workspaceId: string;
  role: Exclude<Role, 'owner'>;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  maxUses: number | null;
  uses: number;
  revokedAt: number | null;
}

export interface ApiToken {
  id: string;
  userId: string;
  workspaceId: string;
  name: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface AuditEntry {
  seq: number;
  workspaceId: string | null;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
}

/** Where a request came from, recorded in sessions and the audit log. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}
