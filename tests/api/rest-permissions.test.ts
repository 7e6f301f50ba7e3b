/**
 * The REST permission matrix: every workspace-scoped operation × every role, plus a member of
 * another workspace, no credentials and a revoked token, against the real app process. A
 * guard test fails when an operation with `{ws}` in its path is missing from the table, so new
 * routes must state who may call them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/lib/server/accounts/accounts-store';
import { operations } from '../../src/lib/server/api/registry';
import { ROLES, atLeast, type Role } from '../../src/lib/shared/permissions';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { openTestDatabase } from '../helpers/database';
import { tempDataDir } from '../helpers/sync-server';

const WS = 'restmatrix';

interface Cell {
  method: string;
  /** Path below the workspace; a function gets the role of the cell (for per-cell targets). */
  path: string | ((role: Role) => string);
  body?: unknown;
  /** The lowest role allowed. */
  min: Role;
}

/** One row per workspace-scoped operation, keyed by operationId. */
const table: Record<string, Cell> = {
  createIntegration: {
    method: 'POST',
    path: '/integrations',
    body: { type: 'alertmanager', name: 'matrix' },
    min: 'admin'
  },
  listIntegrations: { method: 'GET', path: '/integrations', min: 'admin' },
  getIntegration: { method: 'GET', path: '/integrations/nosuch', min: 'admin' },
  updateIntegration: {
    method: 'PATCH',
    path: '/integrations/nosuch',
    body: { name: 'x' },
    min: 'admin'
  },
  deleteIntegration: { method: 'DELETE', path: '/integrations/nosuch', min: 'admin' },
  rotateIntegrationSecret: { method: 'POST', path: '/integrations/nosuch/secret', min: 'admin' },
  listIncidents: { method: 'GET', path: '/incidents', min: 'viewer' },
  askQuestion: {
    method: 'POST',
    path: '/ai/ask',
    body: { question: 'open incidents last week' },
    min: 'viewer'
  },
  getIncident: { method: 'GET', path: '/incidents/nosuch', min: 'viewer' },
  acknowledgeIncident: { method: 'POST', path: '/incidents/nosuch/acknowledge', min: 'member' },
  resolveIncident: { method: 'POST', path: '/incidents/nosuch/resolve', min: 'member' },
  closeIncident: { method: 'POST', path: '/incidents/nosuch/close', min: 'member' },
  startIncidentReview: { method: 'POST', path: '/incidents/nosuch/review', min: 'member' },
  addIncidentNote: {
    method: 'POST',
    path: '/incidents/nosuch/notes',
    body: { text: 'matrix' },
    min: 'member'
  },
  createMaintenanceWindow: {
    method: 'POST',
    path: '/maintenance-windows',
    body: {
      matchers: [{ name: 'service', value: 'matrix' }],
      start: '2030-01-01T00:00:00.000Z',
      end: '2030-01-01T01:00:00.000Z',
      reason: 'matrix'
    },
    min: 'operator'
  },
  listMaintenanceWindows: { method: 'GET', path: '/maintenance-windows', min: 'viewer' },
  endMaintenanceWindow: { method: 'DELETE', path: '/maintenance-windows/nosuch', min: 'operator' },
  listHeldAlerts: { method: 'GET', path: '/alerts/held', min: 'viewer' },
  createNotificationChannel: {
    method: 'POST',
    path: '/notification-channels',
    body: { type: 'webhook', name: 'matrix', url: 'http://127.0.0.1:9/matrix' },
    min: 'admin'
  },
  listNotificationChannels: { method: 'GET', path: '/notification-channels', min: 'admin' },
  getNotificationChannel: { method: 'GET', path: '/notification-channels/nosuch', min: 'admin' },
  updateNotificationChannel: {
    method: 'PATCH',
    path: '/notification-channels/nosuch',
    body: { name: 'x' },
    min: 'admin'
  },
  deleteNotificationChannel: {
    method: 'DELETE',
    path: '/notification-channels/nosuch',
    min: 'admin'
  },
  testNotificationChannel: {
    method: 'POST',
    path: '/notification-channels/nosuch/test',
    min: 'admin'
  },
  listOutbox: { method: 'GET', path: '/outbox', min: 'admin' },
  getWeeklyReport: { method: 'GET', path: '/weekly-report', min: 'admin' },
  updateWeeklyReport: {
    method: 'PATCH',
    path: '/weekly-report',
    body: { hour: 8 },
    min: 'admin'
  },
  previewWeeklyReport: { method: 'POST', path: '/weekly-report/preview', min: 'admin' },
  // No channel chosen: allowed roles get 400, the others 403 first.
  sendWeeklyReport: { method: 'POST', path: '/weekly-report/send', min: 'admin' },
  retryOutboxMessage: { method: 'POST', path: '/outbox/nosuch/retry', min: 'admin' },
  createChange: {
    method: 'POST',
    path: '/changes',
    body: {
      title: 'matrix',
      type: 'normal',
      windowStart: '2030-01-01T00:00:00Z',
      windowEnd: '2030-01-01T01:00:00Z'
    },
    min: 'member'
  },
  listChanges: { method: 'GET', path: '/changes', min: 'viewer' },
  getChange: { method: 'GET', path: '/changes/nosuch', min: 'viewer' },
  updateChange: { method: 'PATCH', path: '/changes/nosuch', body: { title: 'x' }, min: 'member' },
  transitionChange: {
    method: 'POST',
    path: '/changes/nosuch/transitions',
    body: { to: 'submitted' },
    min: 'member'
  },
  decideChange: {
    method: 'POST',
    path: '/changes/nosuch/approvals',
    body: { decision: 'approve' },
    min: 'operator'
  },
  getChangePolicy: { method: 'GET', path: '/change-policy', min: 'viewer' },
  updateChangePolicy: { method: 'PUT', path: '/change-policy', body: {}, min: 'admin' },
  createFreeze: {
    method: 'POST',
    path: '/freezes',
    body: { start: '2030-01-01T00:00:00Z', end: '2030-01-01T01:00:00Z', reason: 'matrix' },
    min: 'admin'
  },
  listFreezes: { method: 'GET', path: '/freezes', min: 'viewer' },
  deleteFreeze: { method: 'DELETE', path: '/freezes/nosuch', min: 'admin' },
  listJobs: { method: 'GET', path: '/jobs', min: 'viewer' },
  createJob: {
    method: 'POST',
    path: '/jobs',
    body: { name: 'matrix', kind: 'shell', script: 'true' },
    min: 'admin'
  },
  getJob: { method: 'GET', path: '/jobs/nosuch', min: 'viewer' },
  updateJob: { method: 'PATCH', path: '/jobs/nosuch', body: { name: 'x' }, min: 'admin' },
  deleteJob: { method: 'DELETE', path: '/jobs/nosuch', min: 'admin' },
  startRun: { method: 'POST', path: '/jobs/nosuch/runs', body: {}, min: 'operator' },
  listRuns: { method: 'GET', path: '/runs', min: 'viewer' },
  getRun: { method: 'GET', path: '/runs/nosuch', min: 'viewer' },
  getRunLog: { method: 'GET', path: '/runs/nosuch/log', min: 'viewer' },
  cancelRun: { method: 'POST', path: '/runs/nosuch/cancel', min: 'operator' },
  listCredentials: { method: 'GET', path: '/credentials', min: 'operator' },
  createCredential: {
    method: 'POST',
    path: '/credentials',
    body: { name: 'matrix', kind: 'token', secret: 'x' },
    min: 'admin'
  },
  updateCredential: {
    method: 'PATCH',
    path: '/credentials/nosuch',
    body: { name: 'x' },
    min: 'admin'
  },
  deleteCredential: { method: 'DELETE', path: '/credentials/nosuch', min: 'admin' },
  listRunners: { method: 'GET', path: '/runners', min: 'admin' },
  createRunner: { method: 'POST', path: '/runners', body: { name: 'matrix' }, min: 'admin' },
  deleteRunner: { method: 'DELETE', path: '/runners/nosuch', min: 'admin' },
  markIncidentCause: {
    method: 'POST',
    path: '/incidents/nosuch/cause',
    body: { changeId: 'nosuch' },
    min: 'operator'
  },
  unmarkIncidentCause: {
    method: 'DELETE',
    path: '/incidents/nosuch/cause?changeId=nosuch',
    min: 'operator'
  },
  incidentWhatChanged: { method: 'GET', path: '/incidents/nosuch/what-changed', min: 'viewer' },
  incidentRemediations: {
    method: 'GET',
    path: '/incidents/nosuch/remediations',
    min: 'viewer'
  },
  changeFigures: {
    method: 'GET',
    path: '/changes-figures?from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z',
    min: 'viewer'
  },
  getKpis: {
    method: 'GET',
    path: '/reports/kpis?from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z',
    min: 'viewer'
  },
  listReportItems: {
    method: 'GET',
    path: '/reports/items?figure=mttr&from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z',
    min: 'viewer'
  },
  predictWork: {
    method: 'POST',
    path: '/ai/predict',
    body: { title: 'matrix disk full', kind: 'incident' },
    min: 'viewer'
  },
  listCmdbItems: { method: 'GET', path: '/cmdb/items', min: 'viewer' },
  createCmdbItem: {
    method: 'POST',
    path: '/cmdb/items',
    body: { type: 'host', name: 'matrix' },
    min: 'operator'
  },
  getCmdbItem: { method: 'GET', path: '/cmdb/items/nosuch', min: 'viewer' },
  updateCmdbItem: {
    method: 'PATCH',
    path: '/cmdb/items/nosuch',
    body: { name: 'x' },
    min: 'operator'
  },
  deleteCmdbItem: { method: 'DELETE', path: '/cmdb/items/nosuch', min: 'operator' },
  createCmdbRelation: {
    method: 'POST',
    path: '/cmdb/relations',
    body: { from: 'nosuch', to: 'nosuch2', type: 'depends_on' },
    min: 'operator'
  },
  deleteCmdbRelation: {
    method: 'DELETE',
    path: '/cmdb/relations/a~b~depends_on',
    min: 'operator'
  },
  getCmdbImpact: { method: 'GET', path: '/cmdb/items/nosuch/impact', min: 'viewer' },
  getCmdbHistory: { method: 'GET', path: '/cmdb/items/nosuch/history', min: 'viewer' },
  importCmdb: {
    method: 'POST',
    path: '/cmdb/import?format=json&dryRun=true',
    body: { items: [] },
    min: 'operator'
  },
  importHistory: {
    method: 'POST',
    path: '/import?format=runboard-json&dryRun=1',
    body: [],
    min: 'admin'
  },
  importCmdbFromNetbox: {
    method: 'POST',
    path: '/cmdb/import/netbox',
    body: { url: 'http://127.0.0.1:9/', token: 'nbt_x', dryRun: true },
    min: 'admin'
  },
  exportCmdb: { method: 'GET', path: '/cmdb/export?format=json', min: 'viewer' },
  getCmdbInventory: { method: 'GET', path: '/cmdb/inventory', min: 'viewer' },
  listSchedules: { method: 'GET', path: '/oncall/schedules', min: 'viewer' },
  createSchedule: {
    method: 'POST',
    path: '/oncall/schedules',
    body: {
      name: 'matrix',
      timeZone: 'UTC',
      rotation: {
        participants: [],
        handoff: 'daily',
        handoffTime: '09:00',
        startDate: '2026-01-01'
      }
    },
    min: 'operator'
  },
  getSchedule: { method: 'GET', path: '/oncall/schedules/nosuch', min: 'viewer' },
  updateSchedule: {
    method: 'PATCH',
    path: '/oncall/schedules/nosuch',
    body: { name: 'x' },
    min: 'operator'
  },
  deleteSchedule: { method: 'DELETE', path: '/oncall/schedules/nosuch', min: 'operator' },
  addOverride: {
    method: 'POST',
    path: '/oncall/schedules/nosuch/overrides',
    body: { userId: 'nosuch', start: '2030-01-01T00:00:00.000Z', end: '2030-01-02T00:00:00.000Z' },
    min: 'operator'
  },
  deleteOverride: {
    method: 'DELETE',
    path: '/oncall/schedules/nosuch/overrides/nosuch',
    min: 'operator'
  },
  rotateScheduleFeed: {
    method: 'POST',
    path: '/oncall/schedules/nosuch/feed-token',
    min: 'operator'
  },
  onCallNow: { method: 'GET', path: '/oncall/now', min: 'viewer' },
  onCallAt: { method: 'GET', path: '/oncall/schedules/nosuch/oncall', min: 'viewer' },
  listEscalationPolicies: { method: 'GET', path: '/escalation-policies', min: 'viewer' },
  createEscalationPolicy: {
    method: 'POST',
    path: '/escalation-policies',
    body: {
      name: 'matrix',
      steps: [{ afterMinutes: 0, targets: [{ type: 'channel', channelId: 'nosuch' }] }]
    },
    min: 'operator'
  },
  getEscalationPolicy: { method: 'GET', path: '/escalation-policies/nosuch', min: 'viewer' },
  updateEscalationPolicy: {
    method: 'PATCH',
    path: '/escalation-policies/nosuch',
    body: { name: 'x' },
    min: 'operator'
  },
  deleteEscalationPolicy: {
    method: 'DELETE',
    path: '/escalation-policies/nosuch',
    min: 'operator'
  },
  listColumns: { method: 'GET', path: '/columns', min: 'viewer' },
  listLabels: { method: 'GET', path: '/labels', min: 'viewer' },
  listTasks: { method: 'GET', path: '/tasks', min: 'viewer' },
  createTask: { method: 'POST', path: '/tasks', body: { title: 'matrix' }, min: 'member' },
  getTask: { method: 'GET', path: '/tasks/nosuch', min: 'viewer' },
  updateTask: { method: 'PATCH', path: '/tasks/nosuch', body: { title: 'x' }, min: 'member' },
  getTaskDetail: { method: 'GET', path: '/tasks/nosuch/detail', min: 'viewer' },
  listArchivedTasks: { method: 'GET', path: '/archive/tasks', min: 'viewer' },
  unarchiveTask: { method: 'POST', path: '/tasks/nosuch/unarchive', min: 'member' },
  listTaskActivity: { method: 'GET', path: '/tasks/nosuch/activity', min: 'viewer' },
  exportTaskActivity: { method: 'GET', path: '/tasks/nosuch/activity/export', min: 'viewer' },
  bulkUpdateTasks: {
    method: 'POST',
    path: '/tasks/bulk',
    body: { ids: ['nosuch'], patch: { priority: 'low' } },
    min: 'member'
  },
  createComment: {
    method: 'POST',
    path: '/tasks/nosuch/comments',
    body: { body: 'x' },
    min: 'member'
  },
  updateComment: {
    method: 'PATCH',
    path: '/tasks/nosuch/comments/nosuch',
    body: { body: 'x' },
    min: 'member'
  },
  deleteComment: { method: 'DELETE', path: '/tasks/nosuch/comments/nosuch', min: 'member' },
  createChecklistItem: {
    method: 'POST',
    path: '/tasks/nosuch/checklist',
    body: { text: 'x' },
    min: 'member'
  },
  updateChecklistItem: {
    method: 'PATCH',
    path: '/tasks/nosuch/checklist/nosuch',
    body: { done: true },
    min: 'member'
  },
  deleteChecklistItem: { method: 'DELETE', path: '/tasks/nosuch/checklist/nosuch', min: 'member' },
  compactBoard: { method: 'POST', path: '/board/compact', min: 'admin' },
  findSimilar: { method: 'GET', path: '/ai/similar?text=disk%20full', min: 'viewer' },
  getLastTime: { method: 'GET', path: '/ai/last-time?text=disk%20full', min: 'viewer' },
  listTaskPredictions: { method: 'GET', path: '/ai/predictions?ids=nosuch', min: 'viewer' },
  getAiIndex: { method: 'GET', path: '/ai/index', min: 'admin' },
  listAnomalies: {
    method: 'GET',
    path: '/ai/anomalies?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
    min: 'viewer'
  },
  getAnomalySettings: { method: 'GET', path: '/ai/anomalies/settings', min: 'admin' },
  updateAnomalySettings: {
    method: 'PATCH',
    path: '/ai/anomalies/settings',
    body: { locale: 'en' },
    min: 'admin'
  },
  rebuildAiIndex: { method: 'POST', path: '/ai/index/rebuild', min: 'admin' },
  getAiEvaluation: { method: 'GET', path: '/ai/evaluation', min: 'admin' },
  // An empty workspace: an admin gets 422 too_little_history, never 403; a member 403.
  startAiEvaluation: { method: 'POST', path: '/ai/evaluation', body: {}, min: 'admin' },
  getWorkspace: { method: 'GET', path: '', min: 'viewer' },
  renameWorkspace: { method: 'PATCH', path: '', body: { name: 'Matrix' }, min: 'admin' },
  listMembers: { method: 'GET', path: '/members', min: 'viewer' },
  changeMemberRole: {
    method: 'PATCH',
    path: '/members/nosuch',
    body: { role: 'viewer' },
    min: 'admin'
  },
  // Each cell removes its own bystander (a viewer), so cells do not depend on one another.
  removeMember: { method: 'DELETE', path: (role) => `/members/${bystanders[role]}`, min: 'admin' },
  createInvite: { method: 'POST', path: '/invites', body: { role: 'viewer' }, min: 'admin' },
  listInvites: { method: 'GET', path: '/invites', min: 'admin' },
  revokeInvite: { method: 'DELETE', path: '/invites/nosuch', min: 'admin' },
  listAudit: { method: 'GET', path: '/audit', min: 'admin' },
  listRunbooks: { method: 'GET', path: '/runbooks', min: 'viewer' },
  createRunbook: { method: 'POST', path: '/runbooks', body: { title: 'matrix' }, min: 'member' },
  importRunbooks: {
    method: 'POST',
    path: '/runbooks/import',
    body: { files: [{ name: 'matrix.md', markdown: '# Matrix' }] },
    min: 'member'
  },
  matchRunbooks: { method: 'GET', path: '/runbooks/match?service=api', min: 'viewer' },
  getRunbook: { method: 'GET', path: '/runbooks/nosuch', min: 'viewer' },
  updateRunbook: { method: 'PATCH', path: '/runbooks/nosuch', body: { title: 'x' }, min: 'member' },
  duplicateRunbook: { method: 'POST', path: '/runbooks/nosuch/duplicate', min: 'member' },
  exportRunbook: { method: 'GET', path: '/runbooks/nosuch/export', min: 'viewer' },
  listRunbookVersions: { method: 'GET', path: '/runbooks/nosuch/versions', min: 'viewer' },
  createRunbookVersion: {
    method: 'POST',
    path: '/runbooks/nosuch/versions',
    body: { name: 'x' },
    min: 'member'
  },
  getRunbookVersion: { method: 'GET', path: '/runbooks/nosuch/versions/nosuch', min: 'viewer' },
  restoreRunbookVersion: {
    method: 'POST',
    path: '/runbooks/nosuch/versions/nosuch/restore',
    min: 'member'
  },
  // No body: an allowed caller gets 415, a refused one 403 before the body is looked at.
  uploadFile: { method: 'POST', path: '/files', min: 'member' },
  getFile: { method: 'GET', path: '/files/nosuch', min: 'viewer' }
};

let app: TestApp;
let users: Record<string, SeededUser>;
let outsider: SeededUser;
let revokedToken: string;
const bystanders: Record<string, string> = {};

async function call(cell: Cell, token: string | null, role: Role = 'viewer') {
  const path = typeof cell.path === 'function' ? cell.path(role) : cell.path;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (cell.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${app.baseUrl}/api/v1/workspaces/${WS}${path}`, {
    method: cell.method,
    headers,
    body: cell.body === undefined ? undefined : JSON.stringify(cell.body)
  });
  const body = (await response.json().catch(() => null)) as {
    error?: { code: string; message: string };
  } | null;
  return { status: response.status, error: body?.error };
}

/** Whether a reply is the authorisation layer refusing (as opposed to the handler answering). */
function refused(reply: Awaited<ReturnType<typeof call>>): boolean {
  if (reply.status === 401 || reply.status === 403) return true;
  return reply.status === 404 && reply.error?.message === 'no such workspace';
}

beforeAll(async () => {
  const dataDir = tempDataDir('runboard-restmatrix-');
  users = await seedWorkspace(dataDir, WS, [...ROLES]);
  outsider = (await seedWorkspace(dataDir, `${WS}-other`, ['owner'])).owner!;
  // A token of the workspace's member, revoked before the app starts.
  const { records } = await openTestDatabase(dataDir);
  try {
    const accounts = new Accounts(records);
    const created = await accounts.createToken({
      userId: users.member!.userId,
      workspaceId: WS,
      name: 'revoked',
      expiresAt: null
    });
    await accounts.revokeToken(created.apiToken.id);
    for (const role of ROLES) {
      const user = await accounts.createUser({
        email: `bystander-${role}@example.test`,
        name: `Bystander ${role}`,
        passwordHash: null
      });
      await accounts.addMember(WS, user.id, 'viewer');
      bystanders[role] = user.id;
    }
    revokedToken = created.token;
  } finally {
    await records.close();
  }
  app = await startApp({ dataDir });
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

describe('REST permission matrix', () => {
  it('[AUTHZ2] every workspace-scoped operation is in the table', () => {
    const scoped = operations
      .map((op) => op.definition)
      // Calendar feeds are authorised by their own token, not by a role (rest-oncall.test.ts).
      .filter((d) => d.path.startsWith('/workspaces/{ws}') && d.auth !== 'feed')
      .map((d) => d.operationId)
      .sort();
    expect(scoped).toEqual(Object.keys(table).sort());
  });

  for (const [operationId, cell] of Object.entries(table)) {
    for (const role of ROLES) {
      const allowed = atLeast(role, cell.min);
      it(`[AUTHZ2] ${operationId} as ${role}: ${allowed ? 'allowed' : 'refused (403)'}`, async () => {
        const reply = await call(cell, users[role]!.token, role);
        if (allowed) expect(refused(reply), JSON.stringify(reply)).toBe(false);
        else expect(reply, JSON.stringify(reply)).toMatchObject({ status: 403 });
      });
    }
    it(`[AUTHZ2] ${operationId} as a member of another workspace: 404, nothing leaks`, async () => {
      const reply = await call(cell, outsider.token);
      expect(reply.status).toBe(404);
      expect(reply.error?.message).toBe('no such workspace');
    });
    it(`[AUTHZ2] ${operationId} without credentials or with a revoked token: 401`, async () => {
      for (const token of [null, revokedToken]) {
        const reply = await call(cell, token);
        expect(reply.status).toBe(401);
        expect(reply.error?.code).toBe('unauthorized');
      }
    });
  }
});
