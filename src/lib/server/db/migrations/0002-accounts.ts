/**
 * Accounts and tenancy: users, sessions, workspaces, memberships, invites, API tokens, OIDC
 * identities and the append-only audit log. Secrets are stored only as SHA-256 hashes.
 */
import type { DialectSql } from '../dialect';

export const sql = (d: DialectSql) => `
CREATE TABLE users (
  id             TEXT PRIMARY KEY,
  ${d.caseInsensitiveText('email')},
  name           TEXT NOT NULL,
  password_hash  TEXT,
  email_verified INTEGER NOT NULL DEFAULT 0,
  active         INTEGER NOT NULL DEFAULT 1,
  created_at     ${d.bigint} NOT NULL,
  updated_at     ${d.bigint} NOT NULL
${d.tableEnd};

${d.caseInsensitiveUnique('users', 'email')}

CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,
  secret_hash  ${d.blob} NOT NULL,
  user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at   ${d.bigint} NOT NULL,
  expires_at   ${d.bigint} NOT NULL,
  last_seen_at ${d.bigint} NOT NULL,
  ip           TEXT,
  user_agent   TEXT
${d.tableEnd};
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE workspaces (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at ${d.bigint} NOT NULL,
  created_by TEXT REFERENCES users (id) ON DELETE SET NULL
${d.tableEnd};

CREATE TABLE memberships (
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'operator', 'member', 'viewer')),
  created_at   ${d.bigint} NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
${d.tableEnd};
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE invites (
  id           TEXT PRIMARY KEY,
  secret_hash  ${d.blob} NOT NULL,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  role         TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'member', 'viewer')),
  created_by   TEXT REFERENCES users (id) ON DELETE SET NULL,
  created_at   ${d.bigint} NOT NULL,
  expires_at   ${d.bigint} NOT NULL,
  max_uses     INTEGER,
  uses         INTEGER NOT NULL DEFAULT 0,
  revoked_at   ${d.bigint}
${d.tableEnd};
CREATE INDEX invites_by_workspace ON invites (workspace_id);

CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,
  secret_hash  ${d.blob} NOT NULL,
  user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  created_at   ${d.bigint} NOT NULL,
  expires_at   ${d.bigint},
  revoked_at   ${d.bigint},
  last_used_at ${d.bigint}
${d.tableEnd};
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

CREATE TABLE oidc_identities (
  issuer     TEXT NOT NULL,
  subject    TEXT NOT NULL,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at ${d.bigint} NOT NULL,
  PRIMARY KEY (issuer, subject)
${d.tableEnd};

CREATE TABLE audit_log (
  seq          ${d.serialKey},
  workspace_id TEXT,
  actor_id     TEXT,
  actor_label  TEXT,
  action       TEXT NOT NULL,
  target       TEXT,
  details      TEXT,
  ip           TEXT,
  user_agent   TEXT,
  created_at   ${d.bigint} NOT NULL
${d.tableEnd};
CREATE INDEX audit_log_by_workspace ON audit_log (workspace_id, seq);
${d.appendOnly('audit_log')}
`;
