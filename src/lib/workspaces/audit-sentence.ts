/**
 * An audit entry as a sentence in the UI language: "Ana created the API token “ci” (no expiry)"
 * / "Ana 创建了 API 令牌「ci」（永不过期）". One function per action, in a record over every
 * `AuditAction`, so an action added to audit-actions.ts without a sentence fails the type check.
 * Details are read defensively: the log is append-only, and old entries may lack a field.
 */
import type { I18n } from '$lib/i18n/i18n.svelte';
import { isRole } from '$lib/shared/permissions';
import { isAuditAction, type AuditAction } from '$lib/shared/workspaces/audit-actions';
import type { AuditEntryInfo } from '$lib/shared/workspaces/schema';

/** What a sentence needs from the page. */
export interface AuditSentenceContext {
  t: I18n['t'];
  /** Plural messages: the form for `count` in the UI language. */
  tn: I18n['tn'];
  /** A date (ISO string) in the UI language. */
  formatDate: (iso: string) => string;
  /** The current name of a member, or null when they are no longer one. */
  memberName: (userId: string) => string | null;
}

/** The facts of one entry, already put in words where they are names. */
interface Facts {
  actor: string;
  details: Record<string, unknown>;
  /** Who a `user:…` target is: the member's name, else the name or email recorded, else "a former member". */
  targetUser: string;
  ctx: AuditSentenceContext;
}

/** Label the admin CLI writes as its actor. */
const CLI_ACTOR_LABEL = 'cli';

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function role(facts: Facts, value: unknown): string {
  return typeof value === 'string' && isRole(value)
    ? facts.ctx.t(`members.role.${value}`)
    : String(value ?? '?');
}

/** A change state in the UI language (an unknown one as recorded). */
function changeState(ctx: AuditSentenceContext, value: unknown): string {
  const state = text(value);
  if (state === null) return '?';
  return ctx.t(`changes.state.${state}` as 'changes.state.draft') ?? state;
}

/** An expiry as recorded: epoch milliseconds (API tokens), an ISO string (invites), or none. */
function expiry(facts: Facts, value: unknown): string {
  const at =
    typeof value === 'number' && Number.isFinite(value)
      ? new Date(value).toISOString()
      : text(value);
  return at === null
    ? facts.ctx.t('audit.expiry.never')
    : facts.ctx.t('audit.expiry.on', { date: facts.ctx.formatDate(at) });
}

function uses(facts: Facts, value: unknown): string {
  if (typeof value !== 'number') return facts.ctx.t('audit.uses.unlimited');
  // "Single use" is its own phrase, not a plural form: Chinese has one form for every count
  // and would otherwise say "at most 1 time".
  if (value === 1) return facts.ctx.t('audit.uses.once');
  return facts.ctx.tn('audit.uses.many', { count: value });
}

/** Who did it: the member's current name, the admin CLI, the system, or what was recorded. */
export function auditActor(entry: AuditEntryInfo, ctx: AuditSentenceContext): string {
  if (entry.actorId === null) {
    if (entry.actorLabel === CLI_ACTOR_LABEL) return ctx.t('audit.actor.cli');
    return entry.actorLabel ?? ctx.t('audit.system');
  }
  return ctx.memberName(entry.actorId) ?? entry.actorLabel ?? entry.actorId;
}

const SENTENCES: { readonly [A in AuditAction]: (facts: Facts) => string } = {
  'setup.completed': ({ actor, details, ctx }) =>
    ctx.t(
      details.demo === true
        ? 'audit.sentence.setup.completedDemo'
        : 'audit.sentence.setup.completed',
      {
        actor
      }
    ),
  'workspace.created': ({ actor, details, ctx }) => {
    const name = text(details.name) ?? '?';
    const owner = text(details.owner);
    return owner === null
      ? ctx.t('audit.sentence.workspace.created', { actor, name })
      : ctx.t('audit.sentence.workspace.createdFor', { actor, name, owner });
  },
  'workspace.renamed': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.workspace.renamed', {
      actor,
      from: text(details.from) ?? '?',
      to: text(details.to) ?? '?'
    }),
  'member.added': (facts) =>
    facts.ctx.t('audit.sentence.member.added', {
      actor: facts.actor,
      member: facts.targetUser,
      role: role(facts, facts.details.role)
    }),
  'member.role_changed': (facts) =>
    facts.ctx.t('audit.sentence.member.role_changed', {
      actor: facts.actor,
      member: facts.targetUser,
      from: role(facts, facts.details.from),
      to: role(facts, facts.details.to)
    }),
  'member.removed': (facts) =>
    facts.details.left === true
      ? facts.ctx.t('audit.sentence.member.left', { actor: facts.actor })
      : facts.ctx.t('audit.sentence.member.removed', {
          actor: facts.actor,
          member: facts.targetUser,
          role: role(facts, facts.details.role)
        }),
  'invite.created': (facts) =>
    facts.ctx.t('audit.sentence.invite.created', {
      actor: facts.actor,
      role: role(facts, facts.details.role),
      uses: uses(facts, facts.details.maxUses),
      expiry: expiry(facts, facts.details.expiresAt)
    }),
  'invite.revoked': (facts) =>
    text(facts.details.role) === null
      ? facts.ctx.t('audit.sentence.invite.revokedUnknown', { actor: facts.actor })
      : facts.ctx.t('audit.sentence.invite.revoked', {
          actor: facts.actor,
          role: role(facts, facts.details.role)
        }),
  'invite.accepted': (facts) =>
    facts.ctx.t('audit.sentence.invite.accepted', {
      actor: facts.actor,
      role: role(facts, facts.details.role)
    }),
  'token.created': (facts) => {
    const name = text(facts.details.name) ?? '?';
    const user = text(facts.details.user);
    const when = expiry(facts, facts.details.expiresAt);
    return user === null
      ? facts.ctx.t('audit.sentence.token.created', { actor: facts.actor, name, expiry: when })
      : facts.ctx.t('audit.sentence.token.createdFor', {
          actor: facts.actor,
          name,
          user,
          expiry: when
        });
  },
  'token.revoked': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.token.revoked', { actor, name: text(details.name) ?? '?' }),
  'integration.created': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.integration.created', {
      actor,
      name: text(details.name) ?? '?',
      type: text(details.type) ?? '?'
    }),
  'integration.deleted': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.integration.deleted', {
      actor,
      name: text(details.name) ?? '?',
      type: text(details.type) ?? '?'
    }),
  'integration.secret_rotated': ({ actor, ctx }) =>
    ctx.t('audit.sentence.integration.secret_rotated', { actor }),
  'channel.created': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.channel.created', {
      actor,
      name: text(details.name) ?? '?',
      type: text(details.type) ?? '?'
    }),
  'channel.deleted': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.channel.deleted', {
      actor,
      name: text(details.name) ?? '?',
      type: text(details.type) ?? '?'
    }),
  'report.weekly_updated': ({ actor, details, ctx }) =>
    ctx.t(
      details.enabled === true
        ? 'audit.sentence.report.weekly_updated'
        : 'audit.sentence.report.weekly_updatedOff',
      { actor }
    ),
  'change.created': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.change.created', {
      actor,
      ref: text(details.ref) ?? '?',
      title: text(details.title) ?? '?'
    }),
  'change.transitioned': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.change.transitioned', {
      actor,
      ref: text(details.ref) ?? '?',
      from: changeState(ctx, details.from),
      to: changeState(ctx, details.to)
    }),
  'change.decided': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.change.decided', {
      actor,
      ref: text(details.ref) ?? '?',
      decision:
        details.decision === 'reject'
          ? ctx.t('notify.action.reject')
          : ctx.t('notify.action.approve')
    }),
  'change.policy_updated': ({ actor, ctx }) =>
    ctx.t('audit.sentence.change.policy_updated', { actor }),
  'change.cause_marked': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.change.cause_marked', {
      actor,
      ref: text(details.ref) ?? '?',
      incident: text(details.incident) ?? '?'
    }),
  'change.cause_unmarked': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.change.cause_unmarked', {
      actor,
      ref: text(details.ref) ?? '?',
      incident: text(details.incident) ?? '?'
    }),
  'freeze.created': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.freeze.created', { actor, reason: text(details.reason) ?? '?' }),
  'freeze.deleted': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.freeze.deleted', { actor, reason: text(details.reason) ?? '?' }),
  'job.created': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.job.created', { actor, name: text(details.name) ?? '?' }),
  'job.updated': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.job.updated', { actor, name: text(details.name) ?? '?' }),
  'job.deleted': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.job.deleted', { actor, name: text(details.name) ?? '?' }),
  'credential.created': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.credential.created', { actor, name: text(details.name) ?? '?' }),
  'credential.updated': ({ actor, details, ctx }) =>
    ctx.t(
      details.secretReplaced === true
        ? 'audit.sentence.credential.rotated'
        : 'audit.sentence.credential.updated',
      { actor, name: text(details.name) ?? '?' }
    ),
  'credential.deleted': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.credential.deleted', { actor, name: text(details.name) ?? '?' }),
  'runner.created': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.runner.created', { actor, name: text(details.name) ?? '?' }),
  'runner.deleted': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.runner.deleted', { actor, name: text(details.name) ?? '?' }),
  'run.requested': ({ actor, details, ctx }) =>
    text(details.gate) === null
      ? ctx.t('audit.sentence.run.requested', { actor, job: text(details.job) ?? '?' })
      : ctx.t('audit.sentence.run.requestedUnder', {
          actor,
          job: text(details.job) ?? '?',
          change: text(details.gate) ?? '?'
        }),
  'run.refused': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.run.refused', {
      actor,
      reason: ctx.t(`error.${text(details.code) ?? 'forbidden'}` as 'error.forbidden')
    }),
  'run.cancelled': ({ actor, details, ctx }) =>
    ctx.t('audit.sentence.run.cancelled', { actor, job: text(details.job) ?? '?' }),
  'run.finished': ({ details, ctx }) =>
    ctx.t('audit.sentence.run.finished', {
      job: text(details.job) ?? '?',
      state: ctx.t(
        `automation.state.${text(details.state) ?? 'failed'}` as 'automation.state.failed'
      )
    }),
  'import.completed': ({ actor, details, ctx }) =>
    ctx.tn('audit.sentence.import.completed', {
      actor,
      count: typeof details.imported === 'number' ? details.imported : 0,
      format: text(details.format) ?? '?'
    }),
  'import.member_created': ({ actor, details, ctx, targetUser }) =>
    ctx.t('audit.sentence.import.member_created', {
      actor,
      member: text(details.name) ?? targetUser
    }),
  'user.created': ({ actor, details, ctx, targetUser }) =>
    ctx.t('audit.sentence.user.created', { actor, email: text(details.email) ?? targetUser }),
  'account.updated': ({ actor, ctx }) => ctx.t('audit.sentence.account.updated', { actor }),
  'auth.signup': ({ actor, ctx }) => ctx.t('audit.sentence.auth.signup', { actor }),
  'auth.login': ({ actor, details, ctx }) =>
    ctx.t(
      details.method === 'oidc' ? 'audit.sentence.auth.loginSso' : 'audit.sentence.auth.login',
      {
        actor
      }
    ),
  'auth.login_failed': ({ actor, details, ctx }) => {
    const email = text(details.email);
    return email === null
      ? ctx.t('audit.sentence.auth.login_failedSso', { actor })
      : ctx.t('audit.sentence.auth.login_failed', { email });
  },
  'auth.logout': ({ actor, ctx }) => ctx.t('audit.sentence.auth.logout', { actor }),
  'auth.oidc.linked': ({ actor, ctx }) => ctx.t('audit.sentence.auth.oidc.linked', { actor }),
  'auth.oidc.signup': ({ actor, ctx }) => ctx.t('audit.sentence.auth.oidc.signup', { actor }),
  'auth.password_changed': ({ actor, ctx }) =>
    ctx.t('audit.sentence.auth.password_changed', { actor }),
  'auth.password_change_failed': ({ actor, ctx }) =>
    ctx.t('audit.sentence.auth.password_change_failed', { actor }),
  'auth.password_reset': ({ actor, details, ctx, targetUser }) =>
    ctx.t('audit.sentence.auth.password_reset', {
      actor,
      email: text(details.email) ?? targetUser
    }),
  'auth.session_revoked': ({ actor, ctx }) =>
    ctx.t('audit.sentence.auth.session_revoked', { actor }),
  'auth.sessions_revoked': ({ actor, details, ctx }) =>
    ctx.tn('audit.sentence.auth.sessions_revoked', {
      actor,
      count: typeof details.count === 'number' ? details.count : 0
    })
};

/** The entry as one sentence in the UI language; an action this version does not know is named. */
export function auditSentence(entry: AuditEntryInfo, ctx: AuditSentenceContext): string {
  const actor = auditActor(entry, ctx);
  if (!isAuditAction(entry.action)) {
    return ctx.t('audit.sentence.unknown', { actor, action: entry.action });
  }
  const target = entry.target ?? '';
  const userId = target.startsWith('user:') ? target.slice('user:'.length) : null;
  const details = entry.details ?? {};
  const targetUser =
    (userId === null ? null : ctx.memberName(userId)) ??
    text(details.name) ??
    text(details.email) ??
    ctx.t('audit.formerMember');
  return SENTENCES[entry.action]({ actor, details, targetUser, ctx });
}
