/**
 * Audit entries as sentences: every action the server can write reads as a sentence in English
 * and Chinese, with no raw codes (`token.created`, `null`, `true`, ids) left in it, and the
 * server writes only listed actions.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { I18n } from '../../src/lib/i18n/i18n.svelte';
import type { Locale } from '../../src/lib/shared/locale';
import { en, type Messages } from '../../src/lib/i18n/messages/en';
import { zhCN } from '../../src/lib/i18n/messages/zh-CN';
import {
  AUDIT_ACTIONS,
  AUDIT_ACTION_SCOPES,
  WORKSPACE_AUDIT_ACTIONS,
  WORKSPACE_AUDIT_GROUPS,
  type AuditAction
} from '../../src/lib/shared/workspaces/audit-actions';
import type { AuditEntryInfo } from '../../src/lib/shared/workspaces/schema';
import { auditSentence, type AuditSentenceContext } from '../../src/lib/workspaces/audit-sentence';

const ANA = 'user-ana';
const BO = 'user-bo';

/** Details as the server writes them, per action (see the audit calls in src/ and server/). */
const SAMPLES: Record<AuditAction, Partial<AuditEntryInfo>[]> = {
  'setup.completed': [{ details: { demo: true } }, { details: { demo: false } }],
  'workspace.created': [
    { details: { name: 'Platform Team' } },
    { actorId: null, actorLabel: 'cli', details: { name: 'Platform Team', owner: 'ana@x.test' } }
  ],
  'workspace.renamed': [{ details: { from: 'Ops', to: 'Platform Team' } }],
  'member.added': [
    {
      actorId: null,
      actorLabel: 'cli',
      target: `user:${BO}`,
      details: { email: 'bo@x.test', role: 'operator' }
    }
  ],
  'member.role_changed': [{ target: `user:${BO}`, details: { from: 'member', to: 'admin' } }],
  'member.removed': [
    { target: 'user:gone', details: { role: 'viewer', name: 'Cy', email: 'cy@x.test' } },
    { target: 'user:gone', details: { role: 'viewer' } },
    { actorId: BO, target: `user:${BO}`, details: { role: 'member', left: true } }
  ],
  'invite.created': [
    {
      target: 'invite:abc',
      details: { role: 'member', expiresAt: '2026-12-10T00:00:00.000Z', maxUses: 1 }
    },
    {
      target: 'invite:abc',
      details: { role: 'admin', expiresAt: '2026-12-10T00:00:00.000Z', maxUses: null }
    },
    {
      target: 'invite:abc',
      details: { role: 'viewer', expiresAt: '2026-12-10T00:00:00.000Z', maxUses: 5 }
    }
  ],
  'invite.revoked': [{ details: { role: 'member' } }, { details: { role: null } }],
  'invite.accepted': [{ actorId: BO, details: { role: 'member' } }],
  'token.created': [
    { target: 'token:t1', details: { name: 'ci', expiresAt: null } },
    { target: 'token:t1', details: { name: 'ci', expiresAt: '2027-01-31T00:00:00.000Z' } },
    { target: 'token:t1', details: { name: 'ci', expiresAt: Date.UTC(2027, 0, 31) } },
    {
      actorId: null,
      actorLabel: 'cli',
      details: { name: 'deploy', user: 'ana@x.test', expiresAt: null }
    }
  ],
  'token.revoked': [{ target: 'token:t1', details: { name: 'ci' } }],
  'integration.created': [
    { target: 'integration:i1', details: { name: 'prod AM', type: 'alertmanager' } }
  ],
  'integration.deleted': [
    { target: 'integration:i1', details: { name: 'prod AM', type: 'alertmanager' } }
  ],
  'integration.secret_rotated': [{ target: 'integration:i1', details: {} }],
  'channel.created': [{ target: 'channel:c1', details: { name: 'ops', type: 'dingtalk' } }],
  'channel.deleted': [{ target: 'channel:c1', details: { name: 'ops', type: 'dingtalk' } }],
  'report.weekly_updated': [
    { target: 'report:ws', details: { enabled: true, changed: ['enabled'] } },
    { target: 'report:ws', details: { enabled: false, changed: ['enabled'] } }
  ],
  'change.created': [{ target: 'change:c1', details: { ref: 'OPS-7', title: 'Upgrade db' } }],
  'change.transitioned': [
    { target: 'change:c1', details: { ref: 'OPS-7', from: 'draft', to: 'submitted' } }
  ],
  'change.decided': [{ target: 'change:c1', details: { ref: 'OPS-7', decision: 'approve' } }],
  'change.policy_updated': [{ target: 'change-policy', details: {} }],
  'change.cause_marked': [{ target: 'change:c1', details: { ref: 'OPS-7', incident: 'OPS-9' } }],
  'change.cause_unmarked': [{ target: 'change:c1', details: { ref: 'OPS-7', incident: 'OPS-9' } }],
  'freeze.created': [{ target: 'freeze:f1', details: { reason: 'Singles day' } }],
  'freeze.deleted': [{ target: 'freeze:f1', details: { reason: 'Singles day' } }],
  'job.created': [{ target: 'job:j1', details: { name: 'Restart replica', kind: 'shell' } }],
  'job.updated': [{ target: 'job:j1', details: { name: 'Restart replica', fields: ['script'] } }],
  'job.deleted': [{ target: 'job:j1', details: { name: 'Restart replica' } }],
  'credential.created': [
    { target: 'credential:c1', details: { name: 'deploy key', kind: 'ssh_key' } }
  ],
  'credential.updated': [
    { target: 'credential:c1', details: { name: 'deploy key', secretReplaced: true } },
    { target: 'credential:c1', details: { name: 'deploy key', secretReplaced: false } }
  ],
  'credential.deleted': [{ target: 'credential:c1', details: { name: 'deploy key' } }],
  'runner.created': [{ target: 'runner:r1', details: { name: 'dc-east' } }],
  'runner.deleted': [{ target: 'runner:r1', details: { name: 'dc-east' } }],
  'run.requested': [
    { target: 'run:r1', details: { job: 'Restart replica', gate: null } },
    { target: 'run:r1', details: { job: 'Restart replica', gate: 'OPS-12' } }
  ],
  'run.refused': [{ target: 'job:j1', details: { code: 'outside_window', message: 'x' } }],
  'run.cancelled': [{ target: 'run:r1', details: { job: 'Restart replica' } }],
  'run.finished': [
    {
      actorId: null,
      actorLabel: 'runner',
      target: 'run:r1',
      details: { job: 'Restart replica', state: 'succeeded', exitCode: 0 }
    }
  ],
  'import.completed': [{ details: { format: 'jira-csv', imported: 12 } }],
  'import.member_created': [{ details: { name: '张伟', email: 'zhang@x.test' } }],
  'user.created': [{ actorId: null, actorLabel: 'cli', details: { email: 'bo@x.test' } }],
  'account.updated': [{ details: { fields: ['name'] } }],
  'auth.signup': [{ details: { via: 'invite' } }],
  'auth.login': [{}, { details: { method: 'oidc' } }],
  'auth.login_failed': [
    { actorId: null, details: { email: 'who@x.test', reason: 'unknown_email' } },
    { details: { method: 'oidc', reason: 'user_inactive' } }
  ],
  'auth.logout': [{}],
  'auth.oidc.linked': [{ details: { issuer: 'https://sso', by: 'verified_email' } }],
  'auth.oidc.signup': [{ details: { issuer: 'https://sso' } }],
  'auth.password_changed': [{ details: { endedSessions: 2 } }],
  'auth.password_change_failed': [{}],
  'auth.password_reset': [
    {
      actorId: null,
      actorLabel: 'cli',
      target: `user:${ANA}`,
      details: { email: 'ana@x.test', endedSessions: 1 }
    }
  ],
  'auth.session_revoked': [{ target: 'session:s1' }],
  'auth.sessions_revoked': [{ details: { count: 3 } }]
};

function entry(action: string, sample: Partial<AuditEntryInfo>): AuditEntryInfo {
  return {
    seq: 1,
    action,
    actorId: ANA,
    actorLabel: 'ana@x.test',
    target: null,
    details: null,
    ip: null,
    userAgent: null,
    createdAt: '2026-12-01T10:00:00.000Z',
    ...sample
  };
}

const catalogs: Record<Locale, Messages> = { en, 'zh-CN': zhCN };

function context(locale: Locale): AuditSentenceContext {
  const i18n = new I18n(locale, catalogs[locale]);
  const names: Record<string, string> = { [ANA]: 'Ana', [BO]: 'Bo' };
  return {
    t: i18n.t,
    tn: i18n.tn,
    formatDate: (value) => i18n.formatDate(value, { dateStyle: 'medium' }),
    memberName: (id) => names[id] ?? null
  };
}

/** Raw codes a sentence must never show. */
const RAW = [
  /\b[a-z]+\.[a-z_]+\b/,
  /\bnull\b/,
  /\bundefined\b/,
  /\btrue\b/,
  /\bfalse\b/,
  /[{}]/,
  /user-/,
  /\?/
];

describe('audit sentences', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    it(`say every action in words (${locale})`, () => {
      const ctx = context(locale);
      for (const action of AUDIT_ACTIONS) {
        for (const sample of SAMPLES[action]) {
          const sentence = auditSentence(entry(action, sample), ctx);
          if (process.env.PRINT_SENTENCES) console.log(sentence);
          for (const pattern of RAW) {
            // Emails and the issuer are facts, not codes: take them out before looking.
            const words = sentence.replace(/\S+@x\.test/g, 'EMAIL');
            expect(words, `${action} ${JSON.stringify(sample)} → ${sentence}`).not.toMatch(pattern);
          }
        }
      }
    });
  }

  it('reads as the issue asks', () => {
    const token = entry('token.created', { details: { name: 'ci', expiresAt: null } });
    expect(auditSentence(token, context('en'))).toBe('Ana created the API token “ci” (no expiry)');
    expect(auditSentence(token, context('zh-CN'))).toBe('Ana 创建了 API 令牌「ci」（永不过期）');
    // API tokens record their expiry in epoch milliseconds.
    const expiring = entry('token.created', {
      details: { name: 'ci', expiresAt: Date.UTC(2027, 0, 31, 12) }
    });
    expect(auditSentence(expiring, context('en'))).toBe(
      'Ana created the API token “ci” (expires Jan 31, 2027)'
    );
    // A single-use invite is "single use" / "仅限一次" in both languages, not "at most 1".
    const invite = (maxUses: number) =>
      entry('invite.created', {
        target: 'invite:abc',
        details: { role: 'member', expiresAt: null, maxUses }
      });
    expect(auditSentence(invite(1), context('en'))).toContain('single use');
    expect(auditSentence(invite(1), context('zh-CN'))).toContain('仅限一次');
    expect(auditSentence(invite(5), context('en'))).toContain('up to 5 uses');
    expect(auditSentence(invite(5), context('zh-CN'))).toContain('最多 5 次');
    const role = entry('member.role_changed', {
      target: `user:${BO}`,
      details: { from: 'member', to: 'admin' }
    });
    expect(auditSentence(role, context('en'))).toBe(
      'Ana changed the role of Bo from Member to Admin'
    );
    expect(auditSentence(role, context('zh-CN'))).toBe('Ana 将 Bo 的角色从成员改为管理员');
    const removed = entry('member.removed', {
      target: 'user:gone',
      details: { role: 'viewer', name: 'Cy', email: 'cy@x.test' }
    });
    expect(auditSentence(removed, context('en'))).toBe('Ana removed Cy (Viewer)');
    expect(auditSentence(removed, context('zh-CN'))).toBe('Ana 移除了 Cy（只读）');
    const cli = entry('workspace.created', {
      actorId: null,
      actorLabel: 'cli',
      details: { name: '运维平台', owner: 'ana@x.test' }
    });
    expect(auditSentence(cli, context('zh-CN'))).toBe(
      '管理命令行 为 ana@x.test 创建了工作区「运维平台」'
    );
  });

  it('names an action this version does not know instead of failing', () => {
    expect(auditSentence(entry('runbook.deleted', {}), context('en'))).toBe('Ana: runbook.deleted');
  });
});

describe('audit actions', () => {
  it('offers every workspace action and group in the filter', () => {
    expect(WORKSPACE_AUDIT_ACTIONS).toEqual(
      expect.arrayContaining(['token.created', 'token.revoked', 'member.added', 'setup.completed'])
    );
    expect(WORKSPACE_AUDIT_GROUPS).toEqual([
      'setup',
      'workspace',
      'member',
      'invite',
      'token',
      'integration',
      'channel',
      'report',
      'change',
      'freeze',
      'job',
      'credential',
      'runner',
      'run',
      'import'
    ]);
    expect(WORKSPACE_AUDIT_ACTIONS.every((a) => AUDIT_ACTION_SCOPES[a] === 'workspace')).toBe(true);
  });

  it('lists every action the server writes (and writes nothing else)', () => {
    const written = new Set<string>();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) {
          const source = readFileSync(path, 'utf8');
          // Audit actions are `<group>.<verb>`; task activity's (`created`, `moved`) have no dot.
          for (const match of source.matchAll(/action: '([a-z_]+\.[a-z_.]+)'/g)) {
            written.add(match[1]!);
          }
          for (const match of source.matchAll(/\n\s+'([a-z]+\.[a-z_.]+)',\n\s+`[a-z]+:\$\{/g)) {
            written.add(match[1]!);
          }
          for (const match of source.matchAll(/audit\(runtime, actor, [\w.]+, '([a-z_.]+)'/g)) {
            written.add(match[1]!);
          }
        }
      }
    };
    walk('src/lib/server');
    walk('entries');
    expect(written.size).toBeGreaterThan(15);
    expect([...written].sort()).toEqual([...AUDIT_ACTIONS].sort());
  });
});
