/**
 * Every action the audit log records: the one list that the server's writers (`AuditRecord`
 * takes only these), the audit filter and the log's sentences (src/lib/workspaces/
 * audit-sentence.ts, a record over every action) are typed by. A new action added here without
 * a sentence and a filter label fails the type check; an audit write of an action missing here
 * fails it too.
 */

/**
 * Each action and the log it lands in: `workspace` actions are written with the workspace they
 * happened in and show in its audit log; `account` actions (sign-in, password, sessions) are
 * about a person, written without a workspace.
 */
export const AUDIT_ACTION_SCOPES = {
  'setup.completed': 'workspace',
  'workspace.created': 'workspace',
  'workspace.renamed': 'workspace',
  'member.added': 'workspace',
  'member.role_changed': 'workspace',
  'member.removed': 'workspace',
  'invite.created': 'workspace',
  'invite.revoked': 'workspace',
  'invite.accepted': 'workspace',
  'token.created': 'workspace',
  'token.revoked': 'workspace',
  'integration.created': 'workspace',
  'integration.deleted': 'workspace',
  'integration.secret_rotated': 'workspace',
  'channel.created': 'workspace',
  'channel.deleted': 'workspace',
  'report.weekly_updated': 'workspace',
  'change.created': 'workspace',
  'change.transitioned': 'workspace',
  'change.decided': 'workspace',
  'change.policy_updated': 'workspace',
  'change.cause_marked': 'workspace',
  'change.cause_unmarked': 'workspace',
  'freeze.created': 'workspace',
  'freeze.deleted': 'workspace',
  'job.created': 'workspace',
  'job.updated': 'workspace',
  'job.deleted': 'workspace',
  'credential.created': 'workspace',
  'credential.updated': 'workspace',
  'credential.deleted': 'workspace',
  'runner.created': 'workspace',
  'runner.deleted': 'workspace',
  'run.requested': 'workspace',
  'run.refused': 'workspace',
  'run.cancelled': 'workspace',
  'run.finished': 'workspace',
  'import.completed': 'workspace',
  'import.member_created': 'workspace',
  'user.created': 'account',
  'account.updated': 'account',
  'auth.signup': 'account',
  'auth.login': 'account',
  'auth.login_failed': 'account',
  'auth.logout': 'account',
  'auth.oidc.linked': 'account',
  'auth.oidc.signup': 'account',
  'auth.password_changed': 'account',
  'auth.password_change_failed': 'account',
  'auth.password_reset': 'account',
  'auth.session_revoked': 'account',
  'auth.sessions_revoked': 'account'
} as const satisfies Record<string, 'workspace' | 'account'>;

/** An action the audit log records, e.g. `member.role_changed`. */
export type AuditAction = keyof typeof AUDIT_ACTION_SCOPES;

/** Actions that land in a workspace's audit log. */
export type WorkspaceAuditAction = {
  [A in AuditAction]: (typeof AUDIT_ACTION_SCOPES)[A] extends 'workspace' ? A : never;
}[AuditAction];

/** Every audit action, in the order above. */
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_SCOPES) as AuditAction[];

/** The actions a workspace's audit log can hold (what its action filter offers). */
export const WORKSPACE_AUDIT_ACTIONS = AUDIT_ACTIONS.filter(
  (action): action is WorkspaceAuditAction => AUDIT_ACTION_SCOPES[action] === 'workspace'
);

/** The group of an action: the part before the first dot (`member.removed` → `member`). */
export type AuditGroup<A extends string> = A extends `${infer G}.${string}` ? G : never;

/** Groups of the workspace actions, for the filter (`member` matches every `member.*`). */
export const WORKSPACE_AUDIT_GROUPS = [
  ...new Set(WORKSPACE_AUDIT_ACTIONS.map((action) => action.split('.')[0]))
] as AuditGroup<WorkspaceAuditAction>[];

/** Whether `value` is a known audit action (entries written by other versions may not be). */
export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTION_SCOPES, value);
}
