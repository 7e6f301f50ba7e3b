/**
 * Every REST operation of the API, in one list: the OpenAPI document and its tests read it.
 * A feature adds its operations here (and exports each `handle` from its route file).
 */
import { authOperations, setupOperations, tokenOperations } from '../accounts/accounts-api';
import { aiOperations } from '../ai/ai-api';
import { alertOperations } from '../alerts/alerts-api';
import { automationOperations, runnerOperations } from '../automation/automation-api';

import { archiveOperations } from '../archive/archive-api';
import { changeOperations } from '../changes/changes-api';
import { cmdbOperations } from '../cmdb/cmdb-api';
import { importOperations } from '../import/import-api';
import { notificationOperations } from '../notifications/notifications-api';
import { oncallOperations } from '../oncall/oncall-api';
import { taskOperations } from '../board/board-api';
import { reportOperations } from '../reports/reports-api';
import { runbookOperations } from '../runbooks/runbooks-api';
import { weeklyReportOperations } from '../weekly-report/weekly-report-api';
import {
  auditOperations,
  inviteOperations,
  workspaceOperations
} from '../workspaces/workspaces-api';
import { buildOpenApiDocument, type OpenApiDocument, type TagSpec } from './openapi';
import type { Operation } from './operation';

/** Tags in the order the reference shows them. */
export const apiTags: readonly TagSpec[] = [
  { name: 'tasks', description: 'Tasks, incidents and change tasks on a workspace board.' },
  {
    name: 'board',
    description: 'Columns and labels of a workspace board: the ids that tasks refer to.'
  },
  {
    name: 'runbooks',
    description: 'Runbooks: library and search, import and export, versions, alert matching.'
  },
  { name: 'files', description: 'Images uploaded for runbooks.' },
  {
    name: 'incidents',
    description: 'Alert hooks (Alertmanager, Grafana, generic JSON) and the incidents they open.'
  },
  {
    name: 'changes',
    description:
      'Change requests: their state machine, approvals under the workspace’s policy, conflicts, freezes and figures.'
  },
  { name: 'integrations', description: 'Alert sources of a workspace and their secrets (admins).' },
  {
    name: 'oncall',
    description: 'On-call schedules, overrides, calendar feeds and escalation policies.'
  },
  {
    name: 'notifications',
    description: 'Chat, e-mail and webhook channels, and the outbox of messages (admins).'
  },
  {
    name: 'cmdb',
    description:
      'Configuration items, their relations and impact, history, import, export and the Ansible inventory.'
  },
  {
    name: 'automation',
    description:
      'Jobs (shell scripts and Ansible playbooks), their runs and output, credentials and remote runners.'
  },
  {
    name: 'reports',
    description: 'KPIs over a time range, each with its definition (docs/kpis.md).'
  },
  {
    name: 'import',
    description: 'History import from Jira, Trello and runboard-json, with a preview (admins).'
  },
  {
    name: 'ai',
    description: 'Local AI: similar work across Chinese and English, and its index (docs/ai.md).'
  },
  { name: 'workspaces', description: 'Your workspaces: list, create, rename.' },
  { name: 'members', description: 'Members of a workspace and their roles.' },
  { name: 'invites', description: 'Invite links with a role and an expiry.' },
  { name: 'audit', description: 'The append-only audit log of a workspace (admins).' },
  { name: 'setup', description: 'First run: the owner account and the first workspace.' },
  { name: 'auth', description: 'Sign-in, sign-out and your own account: password, sessions.' },
  { name: 'tokens', description: 'Personal API tokens, each scoped to one workspace.' }
];

/** All operations; extend with `...runbookOperations` etc. */
export const operations: readonly Operation[] = [
  ...taskOperations,
  ...archiveOperations,
  ...alertOperations,
  ...changeOperations,
  ...notificationOperations,
  ...weeklyReportOperations,
  ...oncallOperations,
  ...cmdbOperations,
  ...automationOperations,
  ...runnerOperations,
  ...runbookOperations,
  ...reportOperations,
  ...importOperations,
  ...aiOperations,
  ...workspaceOperations,
  ...inviteOperations,
  ...auditOperations,
  ...setupOperations,
  ...authOperations,
  ...tokenOperations
];

let document: OpenApiDocument | null = null;

/** The OpenAPI document of `operations`, built once per process. */
export function getOpenApiDocument(): OpenApiDocument {
  document ??= buildOpenApiDocument(operations, apiTags);
  return document;
}
