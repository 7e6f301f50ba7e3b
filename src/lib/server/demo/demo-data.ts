/**
 * Demo data for a fresh install (setup with "fill with demo data"): a realistic operations board
 * with incidents, changes and plain tasks across every column, labels, priorities, due dates and
 * a history of moves, so the board and its KPIs have something to show, and a runbook library
 * (demo-runbooks.ts) whose runbooks are linked from the tasks they serve. Written through the
 * DocStore and the runbook service like any server-side edit, in the language the owner set up
 * in.
 */
import type * as Y from 'yjs';
import type { Locale } from '../../shared/locale';
import {
  acknowledgeIncident,
  createTask,
  initBoard,
  moveTask,
  setTaskDescription,
  upsertLabel
} from '../../shared/board/board-model';
import type { Priority, TaskKind } from '../../shared/board/schema';
import { boardDocName, taskDocName } from '../../shared/doc-name';
import { UNRECORDED_ORIGIN } from '../board/activity-recorder';
import { serverOrigin } from '../../../../sync-server/update-origin';
import type { Runtime } from '../runtime';
import { createRunbookDoc, parseMarkdown } from '../runbooks/runbooks-service';
import { DEMO_RUNBOOKS, type DemoRunbookKey } from './demo-runbooks';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

type Text = Record<Locale, string>;
type LabelKey = 'network' | 'database' | 'customer' | 'maintenance' | 'security' | 'kubernetes';

const LABELS: Record<LabelKey, { name: Text; color: string }> = {
  network: { name: { en: 'network', 'zh-CN': '网络' }, color: '#0ea5e9' },
  database: { name: { en: 'database', 'zh-CN': '数据库' }, color: '#8b5cf6' },
  customer: { name: { en: 'customer-facing', 'zh-CN': '影响客户' }, color: '#ef4444' },
  maintenance: { name: { en: 'maintenance', 'zh-CN': '维护' }, color: '#10b981' },
  security: { name: { en: 'security', 'zh-CN': '安全' }, color: '#f59e0b' },
  kubernetes: { name: { en: 'kubernetes', 'zh-CN': 'Kubernetes' }, color: '#3b82f6' }
};

interface DemoTask {
  title: Text;
  description?: Text;
  kind: TaskKind;
  priority: Priority;
  labels: LabelKey[];
  /** Assigned to the owner (the only member of a new workspace). */
  mine: boolean;
  /** Due this many days from now (negative: overdue). */
  dueInDays?: number;
  estimateMinutes?: number;
  /** Created this many hours ago, then moved through `path` at the given hours ago. */
  createdHoursAgo: number;
  path: { status: string; hoursAgo: number }[];
  /** Incident acknowledged this many hours ago. */
  acknowledgedHoursAgo?: number;
  /** Demo runbooks the task links to. */
  runbooks?: DemoRunbookKey[];
}

const TASKS: readonly DemoTask[] = [
  {
    title: {
      en: 'Checkout returns 502 for 4% of requests',
      'zh-CN': '结账接口 4% 的请求返回 502'
    },
    description: {
      en: 'Alert `HighErrorRate` fired for `checkout-api`. Errors started after the 14:00 deploy.\n\n- [x] Page the on-call\n- [ ] Roll back or hotfix\n- [ ] Write the post-incident review',
      'zh-CN':
        '`checkout-api` 触发 `HighErrorRate` 告警，14:00 发布后开始出现错误。\n\n- [x] 通知值班人员\n- [ ] 回滚或热修复\n- [ ] 撰写事后复盘'
    },
    kind: 'incident',
    priority: 'urgent',
    labels: ['customer', 'network'],
    mine: true,
    createdHoursAgo: 2,
    acknowledgedHoursAgo: 1.8,
    path: [{ status: 'in-progress', hoursAgo: 1.7 }]
  },
  {
    title: {
      en: 'Replica lag on orders-db above 30 s',
      'zh-CN': 'orders-db 从库延迟超过 30 秒'
    },
    kind: 'incident',
    priority: 'high',
    labels: ['database'],
    mine: false,
    createdHoursAgo: 0.5,
    runbooks: ['failover'],
    path: [{ status: 'todo', hoursAgo: 0.5 }]
  },
  {
    title: {
      en: 'Status page certificate expires in 5 days',
      'zh-CN': '状态页证书将在 5 天后过期'
    },
    kind: 'incident',
    priority: 'medium',
    labels: ['security'],
    mine: true,
    createdHoursAgo: 50,
    acknowledgedHoursAgo: 49,
    runbooks: ['tls'],
    path: [
      { status: 'in-progress', hoursAgo: 48 },
      { status: 'done', hoursAgo: 46 }
    ]
  },
  {
    title: {
      en: 'Rotate TLS certificates on the edge proxies',
      'zh-CN': '轮换边缘代理的 TLS 证书'
    },
    kind: 'change',
    priority: 'high',
    labels: ['network', 'security'],
    mine: true,
    dueInDays: 3,
    estimateMinutes: 90,
    createdHoursAgo: 72,
    runbooks: ['tls'],
    path: [{ status: 'todo', hoursAgo: 30 }]
  },
  {
    title: {
      en: 'Upgrade PostgreSQL 15 → 16 on the reporting replica',
      'zh-CN': '将报表从库 PostgreSQL 15 升级到 16'
    },
    description: {
      en: 'Maintenance window: Saturday 02:00–04:00 UTC. Rollback: promote the old replica.',
      'zh-CN': '维护窗口：周六 02:00–04:00 UTC。回退方案：提升旧从库。'
    },
    kind: 'change',
    priority: 'medium',
    labels: ['database', 'maintenance'],
    mine: false,
    dueInDays: 9,
    estimateMinutes: 240,
    createdHoursAgo: 120,
    runbooks: ['failover'],
    path: []
  },
  {
    title: {
      en: 'Roll out the node pool with kernel 6.8',
      'zh-CN': '上线内核 6.8 的节点池'
    },
    kind: 'change',
    priority: 'medium',
    labels: ['kubernetes', 'maintenance'],
    mine: true,
    dueInDays: 1,
    estimateMinutes: 120,
    createdHoursAgo: 96,
    path: [
      { status: 'in-progress', hoursAgo: 26 },
      { status: 'review', hoursAgo: 4 }
    ]
  },
  {
    title: {
      en: 'Add a disk-usage alert for the log volume',
      'zh-CN': '为日志卷添加磁盘使用率告警'
    },
    kind: 'task',
    priority: 'medium',
    labels: ['maintenance'],
    mine: true,
    dueInDays: -1,
    estimateMinutes: 45,
    createdHoursAgo: 100,
    runbooks: ['disk'],
    path: [{ status: 'in-progress', hoursAgo: 28 }]
  },
  {
    title: {
      en: "Restore test of last night's backup",
      'zh-CN': '恢复演练：昨晚的备份'
    },
    kind: 'task',
    priority: 'high',
    labels: ['database'],
    mine: false,
    dueInDays: 2,
    estimateMinutes: 60,
    createdHoursAgo: 20,
    path: [{ status: 'todo', hoursAgo: 20 }]
  },
  {
    title: {
      en: 'Document the on-call handover checklist',
      'zh-CN': '整理值班交接清单'
    },
    kind: 'task',
    priority: 'low',
    labels: [],
    mine: false,
    createdHoursAgo: 200,
    path: []
  },
  {
    title: {
      en: 'Review firewall rules for the bastion host',
      'zh-CN': '审查跳板机的防火墙规则'
    },
    kind: 'task',
    priority: 'medium',
    labels: ['security', 'network'],
    mine: false,
    dueInDays: 14,
    createdHoursAgo: 150,
    path: []
  },
  {
    title: {
      en: 'Clean up stale DNS records',
      'zh-CN': '清理过期的 DNS 记录'
    },
    kind: 'task',
    priority: 'low',
    labels: ['network'],
    mine: true,
    estimateMinutes: 30,
    createdHoursAgo: 180,
    path: [
      { status: 'in-progress', hoursAgo: 75 },
      { status: 'done', hoursAgo: 70 }
    ]
  },
  {
    title: {
      en: 'Bump the base image to Debian 12.6',
      'zh-CN': '基础镜像升级到 Debian 12.6'
    },
    kind: 'change',
    priority: 'low',
    labels: ['maintenance'],
    mine: false,
    createdHoursAgo: 160,
    path: [
      { status: 'in-progress', hoursAgo: 100 },
      { status: 'review', hoursAgo: 95 },
      { status: 'done', hoursAgo: 90 }
    ]
  }
];

/** Number of tasks the demo board holds. */
export const DEMO_TASK_COUNT = TASKS.length;

/** Number of runbooks the demo library holds. */
export const DEMO_RUNBOOK_COUNT = DEMO_RUNBOOKS.length;

/** Ids of the demo runbooks, by key; a task links only to those given. */
export type DemoRunbookIds = Partial<Record<DemoRunbookKey, string>>;

/**
 * Fills a board document with the demo labels and tasks; `now` anchors the history. Tasks link
 * to the runbooks in `runbookIds` (created first by `seedDemoRunbooks`). Returns the tasks'
 * descriptions by task id, for the caller to write into their task documents.
 */
export function fillDemoBoard(
  doc: Y.Doc,
  ownerId: string,
  locale: Locale,
  now = Date.now(),
  runbookIds: DemoRunbookIds = {}
): Map<string, string> {
  const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR_MS);
  // Descriptions go to each task's own document (task-doc.ts), written by the caller.
  const descriptions = new Map<string, string>();
  initBoard(doc);
  const labelIds = {} as Record<LabelKey, string>;
  for (const [key, label] of Object.entries(LABELS) as [LabelKey, (typeof LABELS)[LabelKey]][]) {
    labelIds[key] = upsertLabel(doc, { name: label.name[locale], color: label.color }).id;
  }
  for (const task of TASKS) {
    const options = { actor: ownerId, now: at(task.createdHoursAgo) };
    const dueAt =
      task.dueInDays === undefined
        ? null
        : new Date(
            Math.floor(now / DAY_MS) * DAY_MS + task.dueInDays * DAY_MS + 17 * HOUR_MS
          ).toISOString();
    const created = createTask(
      doc,
      {
        title: task.title[locale],
        kind: task.kind,
        status: 'backlog',
        priority: task.priority,
        labels: task.labels.map((key) => labelIds[key]),
        assignee: task.mine ? ownerId : null,
        dueAt,
        estimateMinutes: task.estimateMinutes ?? null,
        links: (task.runbooks ?? []).flatMap((key) => {
          const target = runbookIds[key];
          return target === undefined ? [] : [{ type: 'runbook' as const, target }];
        })
      },
      options
    );
    const text = task.description?.[locale] ?? '';
    if (text !== '') descriptions.set(created.id, text);
    if (task.acknowledgedHoursAgo !== undefined) {
      acknowledgeIncident(doc, created.id, { actor: ownerId, now: at(task.acknowledgedHoursAgo) });
    }
    for (const step of task.path) {
      moveTask(
        doc,
        created.id,
        { status: step.status },
        { actor: ownerId, now: at(step.hoursAgo) }
      );
    }
  }
  return descriptions;
}

/** Creates the demo runbooks in `locale` through the runbook service; returns their ids. */
export async function seedDemoRunbooks(
  runtime: Runtime,
  workspaceId: string,
  ownerId: string,
  locale: Locale
): Promise<DemoRunbookIds> {
  const scope = { runtime, workspaceId, actorId: ownerId, locale };
  const ids: DemoRunbookIds = {};
  for (const runbook of DEMO_RUNBOOKS) {
    ids[runbook.key] = await createRunbookDoc(scope, {
      title: runbook.title[locale],
      content: parseMarkdown(runbook.markdown[locale]),
      tags: runbook.tags[locale],
      services: runbook.services,
      alertMatchers: runbook.alertMatchers,
      reviewIntervalDays: runbook.reviewIntervalDays
    });
  }
  return ids;
}

/**
 * Seeds the demo workspace: the runbooks, then the board whose tasks link to them, through the
 * DocStore (stored and broadcast).
 */
export async function seedDemoWorkspace(
  runtime: Runtime,
  workspaceId: string,
  ownerId: string,
  locale: Locale
): Promise<void> {
  const runbookIds = await seedDemoRunbooks(runtime, workspaceId, ownerId, locale);
  const descriptions = await runtime.docStore.transact(
    boardDocName(workspaceId),
    (doc) => fillDemoBoard(doc, ownerId, locale, Date.now(), runbookIds),
    serverOrigin(ownerId)
  );
  // Part of each task's creation (recorded as `created`): no activity of their own.
  for (const [taskId, text] of descriptions) {
    await runtime.docStore.transact(
      taskDocName(workspaceId, taskId),
      (doc) => setTaskDescription(doc, text, { actor: ownerId }),
      UNRECORDED_ORIGIN
    );
  }
}
