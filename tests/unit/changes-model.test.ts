/**
 * The pure parts of change management: window times in IANA zones around daylight-saving
 * changes (the process runs in UTC), the policy's requirements, the lifecycle table, the ledger
 * mirror, the plans as rich text, and the chat buttons of an approval request.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  CHANGE_STATES,
  DEFAULT_CHANGE_POLICY,
  changeMoveExists,
  changePolicySchema,
  isFinalChangeState
} from '../../src/lib/shared/changes/schema';
import { readChangeFacts, writeChangeFacts } from '../../src/lib/shared/changes/ledger';
import { readChangePlans, writeChangePlans } from '../../src/lib/shared/changes/change-doc';
import { requirementsOf, windowInstant } from '../../src/lib/server/changes/changes-service';
import type { ApprovalRecord, ChangeRecord } from '../../src/lib/server/changes/changes-store';
import { buildDelivery, type MessageFacts } from '../../src/lib/server/notifications/channels';

describe('windows in time zones', () => {
  it('reads local times in the requester’s zone and stores UTC', () => {
    expect(windowInstant('2026-11-01T13:30', 'Asia/Shanghai', 'w')).toBe(
      '2026-11-01T05:30:00.000Z'
    );
    expect(windowInstant('2026-11-01 13:30:15', 'Asia/Shanghai', 'w')).toBe(
      '2026-11-01T05:30:15.000Z'
    );
    expect(windowInstant('2026-11-01T01:30:00-05:00', 'Asia/Shanghai', 'w')).toBe(
      '2026-11-01T06:30:00.000Z'
    );
    expect(windowInstant('2026-11-01T06:30:00Z', 'UTC', 'w')).toBe('2026-11-01T06:30:00.000Z');
  });

  it('handles New York’s fall-back and spring-forward', () => {
    // 01:30 happens twice on 2026-11-01: the first (EDT, UTC−4).
    expect(windowInstant('2026-11-01T01:30', 'America/New_York', 'w')).toBe(
      '2026-11-01T05:30:00.000Z'
    );
    expect(windowInstant('2026-11-01T02:30', 'America/New_York', 'w')).toBe(
      '2026-11-01T07:30:00.000Z'
    );
    // 02:30 does not exist on 2026-03-08: moved forward by the gap (03:30 EDT).
    expect(windowInstant('2026-03-08T02:30', 'America/New_York', 'w')).toBe(
      '2026-03-08T07:30:00.000Z'
    );
  });

  it('refuses what is not a date-time', () => {
    for (const bad of ['tomorrow', '2026-13-01T10:00', '2026-11-01', '2026-11-01T25:00']) {
      expect(() => windowInstant(bad, 'UTC', 'windowStart'), bad).toThrow(/windowStart/);
    }
  });
});

describe('the lifecycle table', () => {
  it('has no move out of a final state, and cancelled from every other', () => {
    for (const from of CHANGE_STATES) {
      if (isFinalChangeState(from)) {
        for (const to of CHANGE_STATES) expect(changeMoveExists(from, to)).toBe(false);
      } else {
        expect(changeMoveExists(from, 'cancelled'), from).toBe(true);
      }
    }
    expect(changeMoveExists('draft', 'approved')).toBe(false);
    expect(changeMoveExists('approved', 'in_progress')).toBe(false);
  });
});

const change: ChangeRecord = {
  id: 'c1',
  workspaceId: 'ws',
  taskKey: 'OPS-1',
  title: 'Upgrade',
  type: 'normal',
  state: 'submitted',
  risk: 'medium',
  impact: '',
  windowStart: '2030-01-01T00:00:00.000Z',
  windowEnd: '2030-01-01T01:00:00.000Z',
  timeZone: 'UTC',
  requesterId: 'req',
  approvers: [],
  boardState: 'submitted',
  createdAt: '',
  updatedAt: '',
  submittedAt: null,
  approvedAt: null,
  startedAt: null,
  finishedAt: null
};

function approval(userId: string, role: string, decision: 'approve' | 'reject' = 'approve') {
  return {
    changeId: 'c1',
    userId,
    kind: 'approval',
    decision,
    role,
    comment: null,
    at: ''
  } satisfies ApprovalRecord;
}

describe('requirements', () => {
  const db = { id: 'db', name: 'db', environment: 'PROD', criticality: 'critical', owner: 'dba' };
  const policy = changePolicySchema.parse({ teams: { dba: ['d1'] } });

  it('counts operators and above who are not the requester', () => {
    expect(
      requirementsOf(change, [], [approval('req', 'admin'), approval('m', 'member')], policy)
    ).toEqual([{ what: 'approvals', count: 1, have: 0, met: false }]);
    expect(requirementsOf(change, [], [approval('o', 'operator')], policy)[0]!.met).toBe(true);
  });

  it('asks an admin and the owner team for a critical production item', () => {
    const reqs = requirementsOf(change, [db], [approval('d1', 'operator')], policy);
    expect(reqs.map((r) => [r.what, r.met])).toEqual([
      ['approvals', true],
      ['admin', false],
      ['owner_team', true]
    ]);
    expect(
      requirementsOf(
        change,
        [db],
        [approval('d1', 'operator'), approval('a', 'admin')],
        policy
      ).every((r) => r.met)
    ).toBe(true);
    expect(
      requirementsOf(change, [{ ...db, owner: null }], [approval('a', 'admin')], policy)
    ).toContainEqual({ what: 'owner_team', team: '', item: 'db', unknownTeam: true, met: false });
    // Not production, or not critical enough: the plain rule.
    expect(requirementsOf(change, [{ ...db, environment: 'staging' }], [], policy)).toHaveLength(1);
    expect(requirementsOf(change, [{ ...db, criticality: 'high' }], [], policy)).toHaveLength(1);
    const strict = changePolicySchema.parse({ criticalLevels: ['high', 'critical'] });
    expect(requirementsOf(change, [{ ...db, criticality: 'high' }], [], strict)).toHaveLength(3);
  });

  it('counts only named approvers when the policy names them', () => {
    const named = changePolicySchema.parse({ approvers: { normal: ['x'] } });
    expect(requirementsOf(change, [], [approval('o', 'operator')], named)[0]!.met).toBe(false);
    expect(requirementsOf(change, [], [approval('x', 'operator')], named)[0]!.met).toBe(true);
  });

  it('pre-approves standard changes and reviews emergency ones', () => {
    expect(requirementsOf({ ...change, type: 'standard' }, [], [], DEFAULT_CHANGE_POLICY)).toEqual([
      { what: 'pre_approved', met: false }
    ]);
    expect(
      requirementsOf({ ...change, type: 'emergency' }, [db], [], DEFAULT_CHANGE_POLICY)
    ).toEqual([{ what: 'review', met: false }]);
  });
});

describe('the ledger and the plans', () => {
  it('mirrors change facts and drops finished ones after 30 days', () => {
    const doc = new Y.Doc();
    const fact = {
      id: 'c1',
      key: 'OPS-1',
      title: 'Upgrade',
      type: 'normal' as const,
      state: 'completed' as const,
      windowStart: '2030-01-01T00:00:00.000Z',
      windowEnd: '2030-01-01T01:00:00.000Z',
      requester: 'req',
      approvals: [],
      reviewPending: false,
      finishedAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z'
    };
    writeChangeFacts(doc, [fact], Date.parse('2026-01-02T00:00:00Z'));
    expect(readChangeFacts(doc)).toEqual([fact]);
    writeChangeFacts(doc, [], Date.parse('2026-03-01T00:00:00Z'));
    expect(readChangeFacts(doc)).toEqual([]);
  });

  it('keeps the plans as rich text and gives them back as Markdown', () => {
    const doc = new Y.Doc();
    writeChangePlans(doc, { plan: '# Plan\n\n1. **Stop** writers\n', testPlan: 'Smoke' });
    const plans = readChangePlans(doc);
    expect(plans.plan).toContain('# Plan');
    expect(plans.plan).toContain('**Stop**');
    expect(plans.testPlan.trim()).toBe('Smoke');
    expect(plans.rollbackPlan).toBe('');
    expect(doc.getXmlFragment('changePlan').length).toBeGreaterThan(0);
  });
});

describe('approval requests in chats', () => {
  const facts: MessageFacts = {
    event: 'change.submitted',
    idempotencyKey: 'change:c1:1:u1',
    workspace: { id: 'ws', name: '运维' },
    at: '2026-11-01T00:00:00.000Z',
    actor: 'Ana',
    automatic: false,
    comment: null,
    step: null,
    paged: [],
    channelName: 'ops',
    url: 'https://rb.example/w/ws/changes/OPS-1',
    change: {
      id: 'c1',
      key: 'OPS-1',
      title: 'Upgrade',
      type: 'normal',
      state: 'submitted',
      risk: 'high',
      windowStart: '2026-11-01T05:30:00.000Z',
      windowEnd: '2026-11-01T06:30:00.000Z',
      timeZone: 'Asia/Shanghai'
    },
    approver: 'Bo',
    decide: {
      url: 'https://rb.example/api/v1/hooks/chat-approve',
      approveToken: 'A',
      rejectToken: 'R'
    }
  };

  it('gives Slack and Mattermost Approve and Reject buttons carrying their tokens', () => {
    const slack = JSON.parse(
      (
        buildDelivery(
          'slack',
          { url: 'https://hooks.slack.com/x', secret: null, locale: 'en' },
          facts,
          0
        ) as {
          body: string;
        }
      ).body
    ) as {
      text: string;
      blocks: { type: string; elements?: { value?: string; action_id?: string }[] }[];
    };
    expect(slack.text).toContain('Approval requested from Bo for change OPS-1');
    const buttons = slack.blocks.find((b) => b.type === 'actions')!.elements!;
    expect(buttons.slice(0, 2).map((b) => [b.action_id, b.value])).toEqual([
      ['runboard_approve', 'A'],
      ['runboard_reject', 'R']
    ]);
    const mm = JSON.parse(
      (
        buildDelivery(
          'mattermost',
          { url: 'https://mm/x', secret: null, locale: 'zh-CN' },
          facts,
          0
        ) as {
          body: string;
        }
      ).body
    ) as {
      text: string;
      attachments: { fields: { value: string }[]; actions: { name: string }[] }[];
    };
    expect(mm.text).toBe('请 Bo 审批变更 OPS-1：Upgrade');
    expect(mm.attachments[0]!.actions.map((a) => a.name)).toEqual(['批准', '驳回']);
    // The window as the requester planned it, in their zone.
    expect(mm.attachments[0]!.fields.map((f) => f.value).join(' ')).toContain('Asia/Shanghai');
  });
});
