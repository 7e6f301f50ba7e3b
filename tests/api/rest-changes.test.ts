/**
 * Change management over REST against the production app (changes-api.ts, changes-service.ts):
 * every allowed and forbidden move for every role, the approval policies (standard pre-approved,
 * normal, critical production items needing an admin and the owner team, emergency changes
 * reviewed after), self-approval refused, forgery over the real y-websocket client (a member
 * writes "approved" into its copy of the card and of the ledger: nothing the server trusts
 * changes), conflicts through a dependency chain of CMDB rows, freezes against windows planned
 * in Asia/Shanghai and America/New_York around its daylight-saving change (the process runs in
 * UTC), the chat Approve/Reject buttons and their tokens, incident causes, "what changed" and
 * the figures. CMDB rows are inserted into the mirrored tables before the app starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CHANGE_STATES,
  changeMoveExists,
  changeViewSchema,
  type ChangeState
} from '../../src/lib/shared/changes/schema';
import { readChangeFacts } from '../../src/lib/shared/changes/ledger';
import { getTask, listColumns, moveTask } from '../../src/lib/shared/board/board-model';
import { SecretBox, secretKeyLoader } from '../../src/lib/server/auth/secret-box';
import { signToken } from '../../src/lib/server/auth/signed-token';
import { CHAT_DECIDE_PURPOSE } from '../../src/lib/server/notifications/notifications-service';
import type { Role } from '../../src/lib/shared/permissions';
import { connectClient, whenSynced } from '../helpers/clients';
import { databaseEnvFor, openTestDatabase } from '../helpers/database';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server';
import { errorShape, useRestApp } from '../helpers/rest';

const WS = 'chgrest';
const ROLES: Role[] = ['owner', 'admin', 'operator', 'member', 'viewer'];
let dataDir = '';
const rest = useRestApp(WS, ROLES, 'runboard-rest-changes-', {
  beforeStart: async (dir) => {
    dataDir = dir;
    await seedCmdb(dir);
  }
});
const base = `/api/v1/workspaces/${WS}`;

/** CMDB rows as the lead's mirror would write them: web1 → app1 → db1 (depends on). */
const ITEMS = [
  { id: 'db1', environment: 'production', criticality: 'critical', owner: 'dba' },
  { id: 'app1', environment: 'production', criticality: 'medium', owner: 'apps' },
  { id: 'web1', environment: 'production', criticality: 'low', owner: 'web' },
  { id: 'lone', environment: 'dev', criticality: 'low', owner: null },
  { id: 'stg1', environment: 'staging', criticality: 'critical', owner: 'dba' },
  { id: 'crit2', environment: '生产', criticality: 'critical', owner: 'ghost' },
  { id: 'cache', environment: 'prod', criticality: 'high', owner: 'dba' },
  { id: 'edge', environment: 'production', criticality: 'low', owner: null }
];

async function seedCmdb(dir: string): Promise<void> {
  const { records } = await openTestDatabase(dir);
  try {
    const now = new Date().toISOString();
    await records.db
      .insertInto('cmdb_items')
      .values(
        ITEMS.map((item) => ({
          workspace_id: WS,
          id: item.id,
          type: 'service',
          name: item.id,
          name_lower: item.id,
          environment: item.environment,
          criticality: item.criticality,
          owner: item.owner,
          tags: '[]',
          attributes: '{}',
          created_at: now,
          updated_at: now
        }))
      )
      .execute();
    await records.db
      .insertInto('cmdb_relations')
      .values([
        { workspace_id: WS, id: 'r1', from_id: 'web1', to_id: 'app1', type: 'depends_on' },
        { workspace_id: WS, id: 'r2', from_id: 'app1', to_id: 'db1', type: 'runs_on' }
      ])
      .execute();
  } finally {
    await records.close();
  }
}

type View = z.infer<typeof changeViewSchema>;

function uid(role: string): string {
  return rest.users[role]!.userId;
}

let windowCounter = 0;
/** A fresh one-hour window far in the future (no two tests collide unless they mean to). */
function freshWindow(): { windowStart: string; windowEnd: string } {
  windowCounter += 1;
  const start = Date.UTC(2030, 0, 1) + windowCounter * 3 * 3_600_000;
  return {
    windowStart: new Date(start).toISOString(),
    windowEnd: new Date(start + 3_600_000).toISOString()
  };
}

async function create(input: Record<string, unknown> = {}, as = 'member'): Promise<View> {
  const reply = await rest.call(
    'POST',
    `${base}/changes`,
    { title: 'Rotate certificates', type: 'normal', items: ['lone'], ...freshWindow(), ...input },
    as
  );
  expect(reply.status, reply.text).toBe(201);
  return changeViewSchema.parse(reply.body);
}

async function move(id: string, to: string, as: string, comment?: string) {
  return rest.call(
    'POST',
    `${base}/changes/${id}/transitions`,
    { to, ...(comment ? { comment } : {}) },
    as
  );
}

async function decide(id: string, decision: 'approve' | 'reject', as: string, comment?: string) {
  return rest.call(
    'POST',
    `${base}/changes/${id}/approvals`,
    { decision, ...(comment ? { comment } : {}) },
    as
  );
}

async function get(id: string): Promise<View> {
  const reply = await rest.call('GET', `${base}/changes/${id}`);
  expect(reply.status, reply.text).toBe(200);
  return changeViewSchema.parse(reply.body);
}

function expectOk(reply: { status: number; text: string }, status = 200) {
  expect(reply.status, reply.text).toBe(status);
}

function expectError(
  reply: { status: number; body: unknown; text: string },
  status: number,
  code: string
) {
  expect(reply.status, reply.text).toBe(status);
  expect(errorShape.parse(reply.body).error.code).toBe(code);
}

/** A change driven to `state` (requested by `requester`, approved by the admin). */
async function changeIn(
  state: ChangeState,
  requester = 'member',
  type: 'normal' | 'emergency' = 'normal'
): Promise<View> {
  const change = await create({ type }, requester);
  const path: Partial<Record<ChangeState, [string, string][]>> = {
    draft: [],
    cancelled: [['cancelled', 'owner']],
    submitted: [['submitted', requester]],
    approved: [
      ['submitted', requester],
      ['@approve', 'admin']
    ],
    rejected: [
      ['submitted', requester],
      ['@reject', 'admin']
    ],
    scheduled: [
      ['submitted', requester],
      ['@approve', 'admin'],
      ['scheduled', 'owner']
    ],
    in_progress: [
      ['submitted', requester],
      ['@approve', 'admin'],
      ['scheduled', 'owner'],
      ['in_progress', 'owner']
    ]
  };
  const final = ['completed', 'failed', 'rolled_back'];
  const steps = final.includes(state)
    ? [...path.in_progress!, [state, 'owner'] as [string, string]]
    : path[state]!;
  for (const [to, as] of steps) {
    const reply =
      to === '@approve'
        ? await decide(change.id, 'approve', as)
        : to === '@reject'
          ? await decide(change.id, 'reject', as)
          : await move(change.id, to, as);
    expect(reply.status, `${to} as ${as}: ${reply.text}`).toBeLessThan(300);
  }
  const view = await get(change.id);
  expect(view.state).toBe(state);
  return view;
}

const RANK: Record<Role, number> = { owner: 5, admin: 4, operator: 3, member: 2, viewer: 1 };

/** What the server must answer when `role` moves a change from `from` to `to`. */
function expected(
  role: Role,
  from: ChangeState,
  to: ChangeState,
  isRequester: boolean
): [number, string | null] {
  if (role === 'viewer') return [403, 'forbidden'];
  if (!changeMoveExists(from, to)) return [409, 'invalid_transition'];
  if (to === 'approved' || to === 'rejected') return [403, 'approval_required'];
  if (from === 'submitted' && to === 'in_progress') return [403, 'approval_required'];
  const operator = RANK[role] >= RANK.operator;
  const allowed = ['scheduled', 'in_progress', 'completed', 'failed', 'rolled_back'].includes(to)
    ? operator
    : to === 'submitted'
      ? operator || isRequester
      : operator || (isRequester && ['draft', 'submitted', 'approved'].includes(from));
  return allowed ? [200, null] : [403, 'forbidden'];
}

describe('the state machine', () => {
  it('creates a draft change as a card of kind change, with its plans as Markdown', async () => {
    const reply = await rest.call(
      'POST',
      `${base}/changes`,
      {
        title: 'Upgrade PostgreSQL',
        type: 'normal',
        items: ['lone'],
        ...freshWindow(),
        risk: 'high',
        impact: 'Read-only for 5 minutes',
        plan: '## Steps\n\n1. Stop writes\n2. `pg_upgrade`\n',
        rollbackPlan: 'Restore the snapshot.',
        testPlan: '- [ ] smoke test'
      },
      'member'
    );
    expect(reply.status, reply.text).toBe(201);
    const change = changeViewSchema.parse(reply.body);
    expect(change).toMatchObject({
      state: 'draft',
      type: 'normal',
      risk: 'high',
      items: ['lone'],
      requester: uid('member'),
      timeZone: 'UTC'
    });
    expect(change.key).toMatch(/^[A-Z]+-\d+$/);
    expect(change.plan).toContain('## Steps');
    expect(change.plan).toContain('pg_upgrade');
    expect(change.rollbackPlan.trim()).toBe('Restore the snapshot.');
    const task = await rest.call('GET', `${base}/tasks/${change.id}`);
    expect(task.status, task.text).toBe(200);
    expect(task.body).toMatchObject({ id: change.id, kind: 'change', title: 'Upgrade PostgreSQL' });
    // By key too.
    expect((await get(change.key!)).id).toBe(change.id);
    expectError(
      await rest.call(
        'POST',
        `${base}/changes`,
        { title: 'x', type: 'normal', ...freshWindow() },
        'viewer'
      ),
      403,
      'forbidden'
    );
    expectError(
      await rest.call('POST', `${base}/changes`, {
        title: 'Backwards',
        type: 'normal',
        windowStart: '2030-01-01T10:00:00Z',
        windowEnd: '2030-01-01T09:00:00Z'
      }),
      400,
      'invalid_input'
    );
  });

  it('allows and refuses every move for every role', async () => {
    const froms: ChangeState[] = [...CHANGE_STATES];
    // One change per state serves every refused move; each allowed move gets a fresh one.
    const fixtures = new Map<ChangeState, View>();
    for (const from of froms) fixtures.set(from, await changeIn(from));
    for (const role of ROLES) {
      for (const from of froms) {
        for (const to of CHANGE_STATES) {
          if (to === from) continue;
          const [status, code] = expected(role, from, to, role === 'member');
          const subject = status === 200 ? await changeIn(from) : fixtures.get(from)!;
          const reply = await move(subject.id, to, role);
          expect(reply.status, `${role}: ${from} → ${to}: ${reply.text}`).toBe(status);
          if (code !== null) expect(errorShape.parse(reply.body).error.code).toBe(code);
          else expect(changeViewSchema.parse(reply.body).state).toBe(to);
        }
      }
    }
    // A member who did not request the change: no submitting or cancelling someone else's.
    for (const from of ['draft', 'submitted', 'approved'] as const) {
      for (const to of ['submitted', 'cancelled'] as const) {
        if (!changeMoveExists(from, to)) continue;
        const subject = await changeIn(from, 'operator');
        const [status, code] = expected('member', from, to, false);
        const reply = await move(subject.id, to, 'member');
        expect(reply.status, `member (not requester): ${from} → ${to}`).toBe(status);
        if (code) expect(errorShape.parse(reply.body).error.code).toBe(code);
      }
    }
  }, 240_000);

  it('logs every move with who, when and the comment, and audits it', async () => {
    const change = await create({}, 'member');
    expectOk(await move(change.id, 'submitted', 'member', 'ready for review'));
    expectOk(await decide(change.id, 'approve', 'operator', 'looks fine'), 201);
    const view = await get(change.id);
    expect(view.events.map((e) => [e.from, e.to, e.actor, e.comment])).toEqual([
      ['draft', 'submitted', uid('member'), 'ready for review'],
      ['submitted', 'approved', uid('operator'), 'looks fine']
    ]);
    const audit = await rest.call('GET', `${base}/audit?limit=50`);
    expect(audit.status, audit.text).toBe(200);
    const entries = z
      .array(
        z.object({
          action: z.string(),
          actorId: z.string().nullable(),
          target: z.string().nullable(),
          details: z.record(z.string(), z.unknown()),
          createdAt: z.string()
        })
      )
      .parse(audit.body)
      .filter((e) => e.target === `change:${change.id}`);
    expect(entries.map((e) => e.action).sort()).toEqual([
      'change.created',
      'change.decided',
      'change.transitioned',
      'change.transitioned'
    ]);
    expect(entries.find((e) => e.details['to'] === 'submitted')).toMatchObject({
      actorId: uid('member'),
      details: { from: 'draft', comment: 'ready for review' }
    });
    expect(entries.find((e) => e.action === 'change.decided')).toMatchObject({
      actorId: uid('operator'),
      details: { decision: 'approve', comment: 'looks fine' }
    });
  });
});

describe('approval policies', () => {
  it('approves a standard change when it is submitted, as the server', async () => {
    const change = await create({ type: 'standard' }, 'member');
    const reply = await move(change.id, 'submitted', 'member');
    expectOk(reply);
    const view = changeViewSchema.parse(reply.body);
    expect(view.state).toBe('approved');
    expect(view.approvals).toEqual([
      expect.objectContaining({ userId: null, kind: 'automatic', decision: 'approve' })
    ]);
    expect(view.requirements).toEqual([{ what: 'pre_approved', met: true }]);
    expect(view.events.map((e) => `${e.from}>${e.to}:${e.actor}`)).toEqual([
      `draft>submitted:${uid('member')}`,
      'submitted>approved:null'
    ]);
  });

  it('needs one approval by an operator or above for a normal change; members and viewers do not count', async () => {
    const change = await changeIn('submitted');
    expect(change.requirements).toEqual([{ what: 'approvals', count: 1, have: 0, met: false }]);
    expectError(await decide(change.id, 'approve', 'member'), 403, 'forbidden');
    expectError(await decide(change.id, 'approve', 'viewer'), 403, 'forbidden');
    const reply = await decide(change.id, 'approve', 'operator');
    expect(reply.status, reply.text).toBe(201);
    expect(changeViewSchema.parse(reply.body)).toMatchObject({
      state: 'approved',
      approvals: [expect.objectContaining({ userId: uid('operator'), role: 'operator' })]
    });
    // Decided: no more approvals.
    expectError(await decide(change.id, 'approve', 'admin'), 409, 'invalid_transition');
  });

  it('refuses self-approval', async () => {
    for (const role of ['operator', 'admin', 'owner']) {
      const change = await changeIn('submitted', role);
      expectError(await decide(change.id, 'approve', role), 403, 'self_approval');
      expectError(await decide(change.id, 'reject', role), 403, 'self_approval');
      expect((await get(change.id)).approvals).toEqual([]);
    }
  });

  it('rejects at a reject', async () => {
    const change = await changeIn('submitted');
    const reply = await decide(change.id, 'reject', 'operator', 'no rollback plan');
    expect(changeViewSchema.parse(reply.body).state).toBe('rejected');
    expectError(await move(change.id, 'scheduled', 'owner'), 409, 'invalid_transition');
  });

  it('needs an admin and the owner team for a critical production item', async () => {
    const policy = await rest.call('PUT', `${base}/change-policy`, {
      teams: { dba: [uid('operator')] }
    });
    expect(policy.status, policy.text).toBe(200);
    expectError(await rest.call('PUT', `${base}/change-policy`, {}, 'operator'), 403, 'forbidden');

    // The operator (owner team) first: the admin is still missing.
    let change = await create({ items: ['db1'] }, 'member');
    expectOk(await move(change.id, 'submitted', 'member'));
    let view = changeViewSchema.parse((await decide(change.id, 'approve', 'operator')).body);
    expect(view.state).toBe('submitted');
    expect(view.requirements).toEqual([
      { what: 'approvals', count: 1, have: 1, met: true },
      { what: 'admin', item: 'db1', met: false },
      { what: 'owner_team', team: 'dba', item: 'db1', met: true }
    ]);
    view = changeViewSchema.parse((await decide(change.id, 'approve', 'admin')).body);
    expect(view.state).toBe('approved');

    // The admin first: the owner team is still missing.
    change = await create({ items: ['db1', 'lone'] }, 'member');
    expectOk(await move(change.id, 'submitted', 'member'));
    view = changeViewSchema.parse((await decide(change.id, 'approve', 'admin')).body);
    expect(view.state).toBe('submitted');
    expect(view.requirements.find((r) => r.what === 'owner_team')).toMatchObject({ met: false });
    view = changeViewSchema.parse((await decide(change.id, 'approve', 'operator')).body);
    expect(view.state).toBe('approved');

    // Critical but not production: one approval is enough.
    change = await create({ items: ['stg1'] }, 'member');
    expectOk(
      await rest.call('PATCH', `${base}/changes/${change.id}`, { title: 'Staging DB' }, 'member')
    );
    expectOk(await move(change.id, 'submitted', 'member'));
    expectError(
      await rest.call('PATCH', `${base}/changes/${change.id}`, { title: 'Too late' }, 'member'),
      409,
      'invalid_transition'
    );
    view = changeViewSchema.parse((await decide(change.id, 'approve', 'operator')).body);
    expect(view).toMatchObject({ state: 'approved', title: 'Staging DB' });

    // An owner team the policy does not know: says so, and nobody can meet it.
    change = await create({ items: ['crit2'] }, 'member');
    expectOk(await move(change.id, 'submitted', 'member'));
    await decide(change.id, 'approve', 'admin');
    view = changeViewSchema.parse((await decide(change.id, 'approve', 'operator')).body);
    expect(view.state).toBe('submitted');
    expect(view.requirements).toContainEqual({
      what: 'owner_team',
      team: 'ghost',
      item: 'crit2',
      unknownTeam: true,
      met: false
    });
  });

  it('makes "high" critical when the policy says so, and counts only named approvers', async () => {
    // Production "prod", criticality high: plain by default.
    let change = await create({ items: ['cache'] }, 'member');
    expectOk(await move(change.id, 'submitted', 'member'));
    expect((await get(change.id)).requirements).toHaveLength(1);
    expectOk(
      await rest.call('PUT', `${base}/change-policy`, {
        criticalLevels: ['critical', 'high'],
        teams: { dba: [uid('admin')] },
        approvers: { normal: [uid('admin'), uid('owner')] }
      })
    );
    change = await create({ items: ['cache'] }, 'member');
    expectOk(await move(change.id, 'submitted', 'member'));
    expect((await get(change.id)).requirements.map((r) => r.what)).toEqual([
      'approvals',
      'admin',
      'owner_team'
    ]);
    expectError(await decide(change.id, 'approve', 'operator'), 403, 'not_an_approver');
    const view = changeViewSchema.parse((await decide(change.id, 'approve', 'admin')).body);
    expect(view.state).toBe('approved');
    expectOk(await rest.call('PUT', `${base}/change-policy`, {}));
    expect(
      (await rest.call('GET', `${base}/change-policy`, undefined, 'viewer')).body
    ).toMatchObject({
      preApproved: ['standard'],
      criticalLevels: ['critical'],
      productionEnvironments: ['production', 'prod', '生产']
    });
  });

  it('lets an emergency change start at once and asks for its review after', async () => {
    const change = await changeIn('submitted', 'member', 'emergency');
    expect(change.requirements).toEqual([{ what: 'review', met: false }]);
    expect(change.reviewPending).toBe(false);
    expectError(await move(change.id, 'in_progress', 'member'), 403, 'forbidden');
    let view = changeViewSchema.parse((await move(change.id, 'in_progress', 'operator')).body);
    expect(view).toMatchObject({ state: 'in_progress', reviewPending: true });
    expect(view.startedAt).not.toBeNull();
    expectError(await decide(change.id, 'approve', 'member'), 403, 'forbidden');
    expectError(
      await rest.call(
        'POST',
        `${base}/changes/${change.id}/approvals`,
        { decision: 'approve' },
        'member'
      ),
      403,
      'forbidden'
    );
    view = changeViewSchema.parse((await move(change.id, 'completed', 'operator')).body);
    expect(view.reviewPending).toBe(true);
    view = changeViewSchema.parse((await decide(change.id, 'approve', 'admin', 'reviewed')).body);
    expect(view).toMatchObject({ state: 'completed', reviewPending: false });
    expect(view.approvals).toEqual([
      expect.objectContaining({ userId: uid('admin'), kind: 'review', comment: 'reviewed' })
    ]);
    expect(view.requirements).toEqual([{ what: 'review', met: true }]);
  });
});

describe('forgery', () => {
  it('a member who writes "approved" into its copy of the card and the ledger approves nothing', async () => {
    const change = await changeIn('submitted');
    const board = connectClient(rest.app.wsUrl, `${WS}.board`, {
      params: { token: rest.users['member']!.token }
    });
    const ledger = connectClient(rest.app.wsUrl, `${WS}.ledger`, {
      params: { token: rest.users['member']!.token }
    });
    rest.clients.push(board, ledger);
    await whenSynced(board);
    await whenSynced(ledger);
    await eventually(
      () => readChangeFacts(ledger.doc).some((f) => f.id === change.id && f.state === 'submitted'),
      'the change in the ledger'
    );
    const columns = listColumns(board.doc);
    const todo = columns.find((c) => c.category === 'todo')!;
    const done = columns.find((c) => c.category === 'done')!;
    expect(getTask(board.doc, change.id)?.status).toBe(todo.id);
    // The forger's edits: the card dragged to done with an "approved" field, the ledger rewritten.
    board.doc.transact(() => {
      moveTask(board.doc, change.id, { status: done.id });
      (board.doc.getMap('tasks').get(change.id) as { set(k: string, v: unknown): void }).set(
        'changeState',
        'approved'
      );
    });
    ledger.doc.getMap('changes').set(change.id, {
      ...readChangeFacts(ledger.doc).find((f) => f.id === change.id),
      state: 'approved',
      approvals: [{ userId: uid('member'), decision: 'approve', kind: 'approval', at: 'x' }]
    });
    // The server puts the card back where the change's state shows it.
    await eventually(() => getTask(board.doc, change.id)?.status === todo.id, 'the card back');
    const view = await get(change.id);
    expect(view.state).toBe('submitted');
    expect(view.approvals).toEqual([]);
    const fresh = connectClient(rest.app.wsUrl, `${WS}.ledger`, {
      params: { token: rest.users['viewer']!.token }
    });
    rest.clients.push(fresh);
    await whenSynced(fresh);
    expect(readChangeFacts(fresh.doc).find((f) => f.id === change.id)).toMatchObject({
      state: 'submitted',
      approvals: []
    });
    // It can still be approved for real.
    expectOk(await decide(change.id, 'approve', 'operator'), 201);
    await eventually(
      () => readChangeFacts(fresh.doc).find((f) => f.id === change.id)?.state === 'approved',
      'the approval in the ledger'
    );
  });
});

describe('conflicts', () => {
  it('finds overlapping changes on the same item and across a dependency chain', async () => {
    const window = freshWindow();
    const later = freshWindow();
    const onDb = await create({ items: ['db1'], ...window, title: 'DB maintenance' }, 'member');
    const onWeb = await create({ items: ['web1'], ...window, title: 'Web deploy' }, 'operator');
    const onWebLater = await create({ items: ['web1'], ...later }, 'operator');
    const onLone = await create({ items: ['lone'], ...window }, 'operator');
    const sameDb = await create({ items: ['db1'], ...window }, 'operator');

    const submitted = changeViewSchema.parse((await move(onWeb.id, 'submitted', 'operator')).body);
    expect(submitted.conflicts.map((c) => [c.changeId, c.via, c.items])).toEqual(
      expect.arrayContaining([
        [onDb.id, 'dependency', ['db1']],
        [sameDb.id, 'dependency', ['db1']]
      ])
    );
    expect(submitted.conflicts.map((c) => c.changeId)).not.toContain(onWebLater.id);
    expect(submitted.conflicts.map((c) => c.changeId)).not.toContain(onLone.id);

    const db = await get(onDb.id);
    expect(db.conflicts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ changeId: sameDb.id, via: 'same_item', items: ['db1'] }),
        expect.objectContaining({
          changeId: onWeb.id,
          via: 'dependency',
          items: ['web1'],
          title: 'Web deploy'
        })
      ])
    );
    expect((await get(onLone.id)).conflicts).toEqual([]);
    // Shown when approving too; a cancelled change conflicts with nothing.
    expectOk(await move(sameDb.id, 'cancelled', 'operator'));
    expectOk(await move(onDb.id, 'submitted', 'member'));
    const approving = changeViewSchema.parse((await decide(onDb.id, 'approve', 'operator')).body);
    expect(approving.conflicts.map((c) => c.changeId)).toEqual([onWeb.id]);
  });
});

describe('freezes and time zones', () => {
  it('blocks scheduling into a freeze unless the change is an emergency, with windows in any zone', async () => {
    // A freeze in UTC on production: 2026-11-01 05:00–07:00Z.
    expectError(
      await rest.call(
        'POST',
        `${base}/freezes`,
        { start: '2026-11-01T05:00:00Z', end: '2026-11-01T07:00:00Z', reason: 'x' },
        'operator'
      ),
      403,
      'forbidden'
    );
    const created = await rest.call('POST', `${base}/freezes`, {
      start: '2026-11-01T05:00:00Z',
      end: '2026-11-01T07:00:00Z',
      reason: 'Quarter close',
      environments: ['production']
    });
    expect(created.status, created.text).toBe(201);
    const freeze = z
      .object({ id: z.string(), environments: z.array(z.string()) })
      .parse(created.body);
    const staging = await rest.call('POST', `${base}/freezes`, {
      start: '2026-11-01T00:00',
      end: '2026-11-02T00:00',
      timeZone: 'Asia/Shanghai',
      reason: 'Staging rebuild',
      environments: ['staging']
    });
    expect(staging.body).toMatchObject({
      start: '2026-10-31T16:00:00.000Z',
      end: '2026-11-01T16:00:00.000Z'
    });
    const list = await rest.call('GET', `${base}/freezes?all=true`, undefined, 'viewer');
    expect((list.body as { id: string }[]).map((f) => f.id)).toContain(freeze.id);

    // Critical db1 needs admin + owner team: a policy with the operator in dba and nothing else.
    expectOk(
      await rest.call('PUT', `${base}/change-policy`, {
        critical: { admin: true, ownerTeam: false }
      })
    );

    // Asia/Shanghai (UTC+8, no DST): 13:30–14:30 local is 05:30–06:30Z, inside the freeze.
    const inside = await create(
      {
        items: ['db1'],
        windowStart: '2026-11-01T13:30',
        windowEnd: '2026-11-01T14:30',
        timeZone: 'Asia/Shanghai'
      },
      'member'
    );
    expect(inside).toMatchObject({
      windowStart: '2026-11-01T05:30:00.000Z',
      windowEnd: '2026-11-01T06:30:00.000Z',
      timeZone: 'Asia/Shanghai'
    });
    expectOk(await move(inside.id, 'submitted', 'member'));
    expectOk(await decide(inside.id, 'approve', 'admin'), 201);
    const refused = await move(inside.id, 'scheduled', 'operator');
    expectError(refused, 409, 'frozen');
    expect(
      (errorShape.parse(refused.body).error.details as { freezes: { id: string }[] }).freezes.map(
        (f) => f.id
      )
    ).toEqual([freeze.id]);
    expect((await get(inside.id)).state).toBe('approved');

    // 15:30 Shanghai is 07:30Z: after it.
    const after = await create(
      {
        items: ['db1'],
        windowStart: '2026-11-01T15:30:00',
        windowEnd: '2026-11-01T16:00:00',
        timeZone: 'Asia/Shanghai'
      },
      'member'
    );
    expectOk(await move(after.id, 'submitted', 'member'));
    await decide(after.id, 'approve', 'admin');
    expectOk(await move(after.id, 'scheduled', 'operator'));

    // America/New_York falls back on 2026-11-01 at 02:00 EDT → 01:00 EST: 01:30 happens twice and
    // is read as its first occurrence (EDT, 05:30Z, frozen); 02:30 is EST (07:30Z, free).
    const ny = await create(
      {
        items: ['app1'],
        windowStart: '2026-11-01T01:30',
        windowEnd: '2026-11-01T01:45',
        timeZone: 'America/New_York'
      },
      'member'
    );
    expect(ny.windowStart).toBe('2026-11-01T05:30:00.000Z');
    expectOk(await move(ny.id, 'submitted', 'member'));
    await decide(ny.id, 'approve', 'operator');
    expectError(await move(ny.id, 'scheduled', 'owner'), 409, 'frozen');
    const nyLater = await create(
      {
        items: ['app1'],
        windowStart: '2026-11-01T02:30',
        windowEnd: '2026-11-01T03:00',
        timeZone: 'America/New_York'
      },
      'member'
    );
    expect(nyLater.windowStart).toBe('2026-11-01T07:30:00.000Z');
    expectOk(await move(nyLater.id, 'submitted', 'member'));
    await decide(nyLater.id, 'approve', 'operator');
    expectOk(await move(nyLater.id, 'scheduled', 'owner'));

    // The same instant written with an offset is the same window.
    const offset = await create({
      items: ['lone'],
      windowStart: '2026-11-01T01:30:00-04:00',
      windowEnd: '2026-11-01T02:00:00-04:00'
    });
    expect(offset.windowStart).toBe('2026-11-01T05:30:00.000Z');
    // A freeze on production does not touch a dev item; the staging freeze does not touch production.
    expectOk(await move(offset.id, 'submitted', 'member'));
    await decide(offset.id, 'approve', 'operator');
    expectOk(await move(offset.id, 'scheduled', 'operator'));

    // An emergency change starts in the freeze.
    const emergency = await create(
      {
        type: 'emergency',
        items: ['db1'],
        windowStart: '2026-11-01T05:10:00Z',
        windowEnd: '2026-11-01T05:20:00Z'
      },
      'member'
    );
    expectOk(await move(emergency.id, 'submitted', 'member'));
    expectOk(await move(emergency.id, 'in_progress', 'operator'));

    // Deleted, the freeze blocks nothing.
    expectError(
      await rest.call('DELETE', `${base}/freezes/${freeze.id}`, undefined, 'operator'),
      403,
      'forbidden'
    );
    expect((await rest.call('DELETE', `${base}/freezes/${freeze.id}`)).status).toBe(204);
    expectOk(await move(inside.id, 'scheduled', 'operator'));
    expectError(
      await rest.call('POST', `${base}/changes`, {
        title: 'x',
        type: 'normal',
        windowStart: '2026-11-01T01:30',
        windowEnd: '2026-11-01T02:30',
        timeZone: 'Mars/Olympus'
      }),
      400,
      'invalid_input'
    );
    expectOk(await rest.call('PUT', `${base}/change-policy`, {}));
  });
});

describe('chat approvals', () => {
  let capture: CaptureServer;
  beforeAll(async () => {
    capture = await startCaptureServer();
  });
  afterAll(async () => {
    await capture.close();
  });

  async function box(): Promise<SecretBox> {
    const env = await databaseEnvFor(dataDir);
    return new SecretBox(
      secretKeyLoader({
        secretKey: env['RUNBOARD_SECRET_KEY']
          ? Buffer.from(env['RUNBOARD_SECRET_KEY'], 'base64')
          : null,
        databaseUrl: env['DATABASE_URL'] ?? null,
        dataDir
      } as Parameters<typeof secretKeyLoader>[0])
    );
  }

  async function press(token: string) {
    const response = await fetch(`${rest.app.baseUrl}/api/v1/hooks/chat-approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ context: { token }, user_name: 'zhang.san' })
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  it('approves from a Mattermost button as the approver it names, and refuses expired or wrong tokens', async () => {
    const channel = await rest.call('POST', `${base}/notification-channels`, {
      type: 'mattermost',
      name: 'Changes',
      url: `${capture.url}/mattermost-changes/hooks/x`,
      events: ['change.submitted', 'change.approved']
    });
    expect(channel.status, channel.text).toBe(201);
    const change = await create({ approvers: [uid('operator'), uid('member')] }, 'member');
    expectOk(await move(change.id, 'submitted', 'member'));
    await eventually(
      () => capture.requests.filter((r) => r.path.startsWith('/mattermost-changes')).length >= 1,
      'the approval request'
    );
    const message = capture.requests.find((r) => r.path.startsWith('/mattermost-changes'))!
      .body as {
      text: string;
      attachments: {
        actions: { id: string; integration: { url: string; context: { token: string } } }[];
      }[];
    };
    // One message per approver other than the requester.
    expect(capture.requests.filter((r) => r.path.startsWith('/mattermost-changes'))).toHaveLength(
      1
    );
    expect(message.text).toContain('operator');
    const actions = message.attachments[0]!.actions;
    expect(actions.map((a) => a.id)).toEqual(['approve', 'reject']);
    expect(actions[0]!.integration.url).toMatch(/\/api\/v1\/hooks\/chat-approve$/);

    // A token naming the requester: refused as self-approval, nothing recorded.
    const key = (await box()).derive(CHAT_DECIDE_PURPOSE);
    const claims = { k: change.id, w: WS, d: 'approve', l: 'en', c: 'mattermost' };
    const self = await press(signToken(key, { ...claims, u: uid('member') }, Date.now() + 60_000));
    expect(self.status).toBe(200);
    expect(JSON.stringify(self.body)).toContain('cannot approve it yourself');
    // Expired, and tampered with: 401.
    expect(
      (await press(signToken(key, { ...claims, u: uid('operator') }, Date.now() - 1))).status
    ).toBe(401);
    const real = actions[0]!.integration.context.token;
    const [payload, signature] = real.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    forged['u'] = uid('owner');
    expect(
      (await press(`${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`))
        .status
    ).toBe(401);
    expect((await get(change.id)).approvals).toEqual([]);

    // The real button: approved as the operator.
    const pressed = await press(real);
    expect(pressed.status).toBe(200);
    expect(JSON.stringify(pressed.body)).toContain('zhang.san');
    const view = await get(change.id);
    expect(view.state).toBe('approved');
    expect(view.approvals).toEqual([
      expect.objectContaining({ userId: uid('operator'), decision: 'approve', kind: 'approval' })
    ]);
    expect(view.approvals[0]!.comment).toContain('zhang.san');
    // Pressed again: already decided, nothing changes.
    expect((await press(real)).status).toBe(200);
    const reject = await press(actions[1]!.integration.context.token);
    expect(JSON.stringify(reject.body)).toContain('not changed');
  });
});

describe('incidents: causes, what changed, figures', () => {
  it('marks causes, finds what changed on an incident’s items and their dependencies, and counts', async () => {
    const integration = await rest.call('POST', `${base}/integrations`, {
      type: 'generic',
      name: 'g'
    });
    expect(integration.status, integration.text).toBe(201);
    const { hookPath, secret } = z
      .object({ hookPath: z.string(), secret: z.string() })
      .parse(integration.body);

    // A change on db1 whose window was two hours ago, completed; one on lone; one long ago.
    const now = Date.now();
    const recent = await create(
      {
        items: ['app1'],
        windowStart: new Date(now - 3 * 3_600_000).toISOString(),
        windowEnd: new Date(now - 2 * 3_600_000).toISOString()
      },
      'member'
    );
    const unrelated = await create(
      {
        items: ['edge'],
        windowStart: new Date(now - 3 * 3_600_000).toISOString(),
        windowEnd: new Date(now - 2 * 3_600_000).toISOString()
      },
      'member'
    );
    const old = await create(
      {
        items: ['app1'],
        windowStart: new Date(now - 72 * 3_600_000).toISOString(),
        windowEnd: new Date(now - 71 * 3_600_000).toISOString()
      },
      'member'
    );
    const delivered = await fetch(`${rest.app.baseUrl}${hookPath}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Web is slow', id: 'webslow', status: 'firing' })
    });
    expect(delivered.status, await delivered.clone().text()).toBeLessThan(300);
    const incidents = await rest.call('GET', `${base}/incidents`);
    const incidentId = (incidents.body as { id: string; title: string }[]).find((i) =>
      i.title.includes('slow')
    )!.id;

    const what = await rest.call(
      'GET',
      `${base}/incidents/${incidentId}/what-changed?items=web1&hours=24`,
      undefined,
      'viewer'
    );
    expect(what.status, what.text).toBe(200);
    const body = what.body as {
      items: string[];
      changes: { id: string; via: string; cause: boolean }[];
    };
    expect(body.items.sort()).toEqual(['app1', 'db1', 'web1']);
    // Changes moved in the last hours on these items are listed too (earlier tests moved some).
    expect(body.changes.find((c) => c.id === recent.id)).toMatchObject({
      via: 'dependency',
      cause: false
    });
    expect(body.changes.map((c) => c.id)).not.toContain(unrelated.id);
    expect(body.changes.map((c) => c.id)).not.toContain(old.id);
    // The incident's items recorded in incident_items count too.
    const { records } = await openTestDatabase(dataDir);
    try {
      await records.db
        .insertInto('incident_items')
        .values({ incident_id: incidentId, item_id: 'edge' })
        .execute();
    } finally {
      await records.close();
    }
    const withRecorded = await rest.call('GET', `${base}/incidents/${incidentId}/what-changed`);
    expect(
      (withRecorded.body as { changes: { id: string; via: string }[] }).changes.map((c) => [
        c.id,
        c.via
      ])
    ).toEqual([[unrelated.id, 'same_item']]);

    expectError(
      await rest.call(
        'POST',
        `${base}/incidents/${incidentId}/cause`,
        { changeId: recent.id },
        'member'
      ),
      403,
      'forbidden'
    );
    const marked = await rest.call(
      'POST',
      `${base}/incidents/${incidentId}/cause`,
      { changeId: recent.key },
      'operator'
    );
    expect(marked.status, marked.text).toBe(201);
    expect(
      (
        await rest.call(
          'POST',
          `${base}/incidents/${incidentId}/cause`,
          { changeId: recent.id },
          'operator'
        )
      ).status
    ).toBe(200);
    expect((await get(recent.id)).causedIncidents).toEqual([incidentId]);
    const again = await rest.call('GET', `${base}/incidents/${incidentId}/what-changed?items=web1`);
    expect(
      (again.body as { changes: { id: string; cause: boolean }[] }).changes.find(
        (c) => c.id === recent.id
      )?.cause
    ).toBe(true);

    // Figures over today: drive three changes to an end.
    const day = new Date(now);
    const from = new Date(
      Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate())
    ).toISOString();
    const to = new Date(Date.parse(from) + 86_400_000).toISOString();
    const before = (await rest.call('GET', `${base}/changes-figures?from=${from}&to=${to}`))
      .body as {
      finished: number;
      completed: number;
      causedIncidents: number;
    };
    for (const [change, end] of [
      [recent, 'completed'],
      [old, 'failed']
    ] as const) {
      expectOk(await move(change.id, 'submitted', 'member'));
      expectOk(await decide(change.id, 'approve', 'operator'), 201);
      expectOk(await move(change.id, 'scheduled', 'operator'));
      expectOk(await move(change.id, 'in_progress', 'operator'));
      expectOk(await move(change.id, end, 'operator'));
    }
    const figures = await rest.call(
      'GET',
      `${base}/changes-figures?from=${from}&to=${to}`,
      undefined,
      'viewer'
    );
    expect(figures.status, figures.text).toBe(200);
    const after = figures.body as {
      finished: number;
      completed: number;
      causedIncidents: number;
      successRate: number;
      failureRate: number;
      leadTimeSeconds: { median: number | null };
    };
    expect(after.finished - before.finished).toBe(2);
    expect(after.completed - before.completed).toBe(1);
    expect(after.causedIncidents - before.causedIncidents).toBe(1);
    expect(after.successRate).toBeGreaterThan(0);
    expect(after.failureRate).toBeGreaterThan(0);
    expect(after.leadTimeSeconds.median).not.toBeNull();

    expect(
      (
        await rest.call(
          'DELETE',
          `${base}/incidents/${incidentId}/cause?changeId=${recent.id}`,
          undefined,
          'operator'
        )
      ).status
    ).toBe(204);
    expect((await get(recent.id)).causedIncidents).toEqual([]);
  });
});

describe('the calendar', () => {
  it('lists changes overlapping a range, filtered by state and type, paged', async () => {
    const a = await create({
      windowStart: '2031-03-01T10:00:00Z',
      windowEnd: '2031-03-01T11:00:00Z'
    });
    const b = await create({
      type: 'emergency',
      windowStart: '2031-03-02T10:00:00Z',
      windowEnd: '2031-03-02T11:00:00Z'
    });
    await create({ windowStart: '2031-04-02T10:00:00Z', windowEnd: '2031-04-02T11:00:00Z' });
    const march = await rest.call(
      'GET',
      `${base}/changes?from=2031-03-01T00:00:00Z&to=2031-04-01T00:00:00Z`,
      undefined,
      'viewer'
    );
    expect(march.status, march.text).toBe(200);
    expect((march.body as { id: string }[]).map((c) => c.id)).toEqual([a.id, b.id]);
    expect(march.headers.get('x-total-count')).toBe('2');
    const paged = await rest.call(
      'GET',
      `${base}/changes?from=2031-03-01T00:00:00Z&to=2031-04-01T00:00:00Z&limit=1`
    );
    expect((paged.body as { id: string }[]).map((c) => c.id)).toEqual([a.id]);
    expect(paged.headers.get('link')).toContain('offset=1');
    const emergencies = await rest.call(
      'GET',
      `${base}/changes?from=2031-03-01T00:00:00Z&to=2031-04-01T00:00:00Z&type=emergency`
    );
    expect((emergencies.body as { id: string }[]).map((c) => c.id)).toEqual([b.id]);
    const drafts = await rest.call(
      'GET',
      `${base}/changes?from=2031-03-01T00:00:00Z&to=2031-04-01T00:00:00Z&state=submitted`
    );
    expect(drafts.body).toEqual([]);
  });
});

async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Last: the CMDB's own API loads `<ws>.cmdb`, whose mirror then holds the document's items only.
describe('with the CMDB’s API', () => {
  it('finds conflicts and critical items through items and relations made over REST', async () => {
    const item = async (body: Record<string, unknown>) => {
      const reply = await rest.call('POST', `${base}/cmdb/items`, body, 'operator');
      expect(reply.status, reply.text).toBe(201);
      return z.object({ id: z.string() }).parse(reply.body).id;
    };
    const payDb = await item({
      type: 'database',
      name: 'pay-db',
      environment: 'production',
      criticality: 'critical',
      owner: 'payments'
    });
    const payApi = await item({ type: 'service', name: 'pay-api', environment: 'production' });
    const edge = await item({ type: 'service', name: 'pay-web', environment: 'production' });
    for (const [from, to] of [
      [payApi, payDb],
      [edge, payApi]
    ]) {
      const relation = await rest.call(
        'POST',
        `${base}/cmdb/relations`,
        { from, to, type: 'depends_on' },
        'operator'
      );
      expect(relation.status, relation.text).toBe(201);
    }
    const window = freshWindow();
    const onDb = await create({ items: [payDb], ...window }, 'member');
    const onWeb = await create({ items: [edge], ...window }, 'operator');
    expect((await get(onWeb.id)).conflicts).toEqual([
      expect.objectContaining({ changeId: onDb.id, via: 'dependency', items: [payDb] })
    ]);
    expectOk(await move(onDb.id, 'submitted', 'member'));
    expect((await get(onDb.id)).requirements).toContainEqual({
      what: 'owner_team',
      team: 'payments',
      item: payDb,
      unknownTeam: true,
      met: false
    });
  });
});
