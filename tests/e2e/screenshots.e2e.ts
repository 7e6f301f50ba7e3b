/**
 * Documentation screenshots, taken only when asked: `RUNBOARD_SCREENSHOTS=1 npx playwright
 * test screenshots`. Two workspaces (English and Chinese) get a realistic board through the
 * stock y-websocket provider in Node, the way any other client writes to it (with an API token
 * of the e2e owner); teammates are real members made with the admin CLI, so cards show names.
 * Writes docs/screenshots/{board,list,task}-{en,zh}-{light,dark}.png and two phone views.
 */
import { execFileSync } from 'node:child_process';
import { expect, test, type Browser, type Page } from '@playwright/test';
import type * as Y from 'yjs';
import {
  acknowledgeIncident,
  addChecklistItem,
  addComment,
  createTask,
  initBoard,
  listColumns,
  updateChecklistItem,
  upsertLabel
} from '../../src/lib/shared/board/board-model';
import type { Priority, TaskKind } from '../../src/lib/shared/board/schema';
import { connectClient, waitFor, whenSynced } from '../helpers/clients';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

test.skip(!process.env.RUNBOARD_SCREENSHOTS, 'set RUNBOARD_SCREENSHOTS=1 to take screenshots');
test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

type Lang = 'en' | 'zh';
const DAY_MS = 24 * 60 * 60 * 1000;

function inDays(days: number): string {
  const date = new Date(Date.now() + days * DAY_MS);
  date.setUTCHours(9, 0, 0, 0);
  return date.toISOString();
}

const TEAM = [
  { key: 'wang', email: 'wang.fang@example.com', name: '王芳' },
  { key: 'sam', email: 'sam.ortiz@example.com', name: 'Sam Ortiz' },
  { key: 'chen', email: 'chen.lei@example.com', name: '陈磊' },
  { key: 'ana', email: 'ana.kovac@example.com', name: 'Ana Kovač' }
] as const;
type Mate = (typeof TEAM)[number]['key'] | 'me';

/** Runs the admin CLI against the e2e server's data directory; returns its stdout. */
function admin(...args: string[]): string {
  return execFileSync('node', ['scripts/admin.mjs', ...args], {
    env: { ...process.env, DATA_DIR: process.env.RUNBOARD_E2E_DATA_DIR, LOG_LEVEL: 'warn' },
    encoding: 'utf8'
  }).trim();
}

/** Member ids by key: the owner plus four teammates added to `ws`. */
function addTeam(ws: string, ids: Map<string, string>): Record<Mate, string> {
  for (const mate of TEAM) {
    if (!ids.has(mate.key)) {
      ids.set(
        mate.key,
        admin(
          'create-user',
          '--email',
          mate.email,
          '--password',
          'screenshot-pass-1',
          '--name',
          mate.name
        )
      );
    }
    admin('add-member', '--workspace', ws, '--email', mate.email, '--role', 'member');
  }
  return {
    me: e2eAccounts().owner.id,
    wang: ids.get('wang') ?? '',
    sam: ids.get('sam') ?? '',
    chen: ids.get('chen') ?? '',
    ana: ids.get('ana') ?? ''
  };
}

/** A websocket token of the owner for `ws`: the sync server needs a session or a token. */
async function ownerToken(ws: string): Promise<string> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const reply = await api.post('/api/v1/tokens', {
      data: { name: 'screenshots', workspaceId: ws }
    });
    if (reply.status() !== 201) throw new Error(`create token: ${await reply.text()}`);
    return ((await reply.json()) as { token: string }).token;
  } finally {
    await api.dispose();
  }
}

interface Seed {
  title: Record<Lang, string>;
  kind: TaskKind;
  priority: Priority;
  labels: (keyof typeof LABELS)[];
  assignee: Mate | null;
  due: number | null;
  status: string;
  estimateMinutes?: number;
  progress?: number;
}

const LABELS = {
  network: { en: 'network', zh: '网络', color: '#0ea5e9' },
  database: { en: 'database', zh: '数据库', color: '#8b5cf6' },
  customer: { en: 'customer-facing', zh: '影响客户', color: '#ef4444' },
  maintenance: { en: 'maintenance', zh: '维护', color: '#10b981' },
  security: { en: 'security', zh: '安全', color: '#f59e0b' }
} as const;

const FEATURED: Seed = {
  title: { en: 'Checkout returns 502 for 4% of requests', zh: '结账接口 4% 的请求返回 502' },
  kind: 'incident',
  priority: 'urgent',
  labels: ['customer', 'network'],
  assignee: 'me',
  due: 0,
  status: 'in-progress',
  estimateMinutes: 120,
  progress: 40
};

const SEEDS: Seed[] = [
  FEATURED,
  {
    title: {
      en: 'Upgrade PostgreSQL 15 → 16 on the reporting replica',
      zh: '报表副本 PostgreSQL 15 → 16 升级'
    },
    kind: 'change',
    priority: 'medium',
    labels: ['database', 'maintenance'],
    assignee: 'chen',
    due: 9,
    status: 'backlog'
  },
  {
    title: { en: 'Document the on-call handover checklist', zh: '整理值班交接清单' },
    kind: 'task',
    priority: 'low',
    labels: [],
    assignee: null,
    due: null,
    status: 'backlog'
  },
  {
    title: { en: 'Rotate TLS certificates on the edge proxies', zh: '轮换边缘代理的 TLS 证书' },
    kind: 'change',
    priority: 'high',
    labels: ['network', 'security'],
    assignee: 'sam',
    due: 3,
    status: 'todo'
  },
  {
    title: { en: 'Disk on log-store-3 above 85%', zh: 'log-store-3 磁盘使用率超过 85%' },
    kind: 'incident',
    priority: 'high',
    labels: ['maintenance'],
    assignee: 'wang',
    due: -1,
    status: 'todo'
  },
  {
    title: { en: 'Add disk-usage alert for the log volume', zh: '为日志卷添加磁盘使用告警' },
    kind: 'task',
    priority: 'medium',
    labels: [],
    assignee: 'ana',
    due: 5,
    status: 'in-progress',
    progress: 60
  },
  {
    title: { en: 'Review firewall rules for the staging VPC', zh: '审查预发环境 VPC 的防火墙规则' },
    kind: 'task',
    priority: 'high',
    labels: ['network', 'security'],
    assignee: 'sam',
    due: null,
    status: 'review'
  },
  {
    title: { en: 'Enable WAL archiving to object storage', zh: '开启 WAL 归档到对象存储' },
    kind: 'change',
    priority: 'medium',
    labels: ['database'],
    assignee: 'chen',
    due: null,
    status: 'done'
  },
  {
    title: { en: 'Renew the status-page domain', zh: '续费状态页域名' },
    kind: 'task',
    priority: 'none',
    labels: [],
    assignee: 'wang',
    due: 14,
    status: 'todo'
  }
];

/** Fills `doc` with the seed tasks in `lang`; returns the featured task's id. */
function seedBoard(
  doc: Y.Doc,
  lang: Lang,
  team: Record<Mate, string>
): { featuredId: string; seedContent: (taskDoc: Y.Doc) => void } {
  initBoard(doc);
  const labelIds = Object.fromEntries(
    Object.entries(LABELS).map(([key, label]) => [
      key,
      upsertLabel(doc, { name: label[lang], color: label.color }).id
    ])
  );
  let featuredId = '';
  for (const seed of SEEDS) {
    const task = createTask(
      doc,
      {
        title: seed.title[lang],
        kind: seed.kind,
        priority: seed.priority,
        labels: seed.labels.map((key) => labelIds[key] ?? ''),
        assignee: seed.assignee === null ? null : team[seed.assignee],
        dueAt: seed.due === null ? null : inDays(seed.due),
        status: seed.status,
        estimateMinutes: seed.estimateMinutes ?? null,
        progress: seed.progress ?? 0,
        description:
          seed === FEATURED
            ? lang === 'en'
              ? 'Alert `HighErrorRate` fired for `checkout-api` after the **14:00 deploy**.\n\n- Error rate: 4.1% (SLO 0.5%)\n- Only the `eu-west` pool is affected\n\nSee the runbook *Checkout API: elevated 5xx*.'
              : '`checkout-api` 在 **14:00 发布**后触发 `HighErrorRate` 告警。\n\n- 错误率：4.1%（SLO 0.5%）\n- 仅 `eu-west` 资源池受影响\n\n参见运行手册《结账 API：5xx 升高》。'
            : undefined
      },
      { actor: team.me }
    );
    if (seed === FEATURED) featuredId = task.id;
  }
  const steps =
    lang === 'en'
      ? [
          'Page the on-call',
          'Roll back the 14:00 deploy',
          'Confirm error rate is back under SLO',
          'Write the post-incident review'
        ]
      : ['呼叫值班人员', '回滚 14:00 的发布', '确认错误率回到 SLO 以内', '撰写事后复盘'];
  acknowledgeIncident(doc, featuredId, { actor: team.me });
  // The checklist and comments live in the task's own document.
  const seedContent = (taskDoc: Y.Doc) => {
    const items = steps.map((text) => addChecklistItem(taskDoc, text, { actor: team.me }));
    for (const item of items.slice(0, 2)) {
      updateChecklistItem(taskDoc, item.id, { done: true }, { actor: team.wang });
    }
    seedComments(taskDoc);
  };
  const seedComments = (taskDoc: Y.Doc) => {
    addComment(
      taskDoc,
      lang === 'en'
        ? 'Rolled back `checkout-api` to v2.41.3, watching the error rate.'
        : '已将 `checkout-api` 回滚到 v2.41.3，正在观察错误率。',
      { actor: team.wang }
    );
    addComment(
      taskDoc,
      lang === 'en'
        ? 'Error rate is down to 0.3%. Keeping this open for an hour.'
        : '错误率已降到 0.3%，再观察一小时。',
      { actor: team.me }
    );
  };
  return { featuredId, seedContent };
}

async function seedWorkspace(
  lang: Lang,
  ids: Map<string, string>,
  baseURL: string
): Promise<{ ws: string; featuredId: string }> {
  const ws = await newWorkspace(`shot-${lang}`, {
    member: null,
    name: lang === 'en' ? 'Platform Ops' : '平台运维'
  });
  const team = addTeam(ws, ids);
  const seeder = connectClient(`${baseURL.replace(/^http/, 'ws')}/sync`, `${ws}.board`, {
    params: { token: await ownerToken(ws) }
  });
  try {
    await whenSynced(seeder);
    await waitFor(() => listColumns(seeder.doc).length > 0, 5_000, 'columns from the server');
    const { featuredId, seedContent } = seedBoard(seeder.doc, lang, team);
    const content = connectClient(
      `${baseURL.replace(/^http/, 'ws')}/sync`,
      `${ws}.task.${featuredId}`,
      { params: { token: await ownerToken(ws) } }
    );
    try {
      await whenSynced(content);
      await waitFor(() => content.doc.getMap('task').has('checklist'), 5_000, 'task document');
      seedContent(content.doc);
      // Let the server write keys, summaries and persist before the pages open.
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      content.destroy();
    }
    return { ws, featuredId };
  } finally {
    seeder.destroy();
  }
}

async function openPage(
  browser: Browser,
  lang: Lang,
  theme: 'light' | 'dark',
  viewport = { width: 1440, height: 900 }
): Promise<Page> {
  const context = await browser.newContext({
    ...signedIn(),
    locale: lang === 'en' ? 'en-US' : 'zh-CN',
    colorScheme: theme,
    viewport,
    deviceScaleFactor: 1
  });
  return context.newPage();
}

async function settle(page: Page): Promise<void> {
  await expect(page.getByTestId('sync-badge')).toHaveAttribute('data-synced', 'true');
  // Blur whatever autofocus picked, so no focus ring lands in the picture.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(300);
}

test('board, list and task detail in English and Chinese, light and dark', async ({
  browser,
  baseURL
}) => {
  const ids = new Map<string, string>();
  for (const lang of ['en', 'zh'] as const) {
    const { ws, featuredId } = await seedWorkspace(lang, ids, baseURL ?? '');
    for (const theme of ['light', 'dark'] as const) {
      const page = await openPage(browser, lang, theme);
      await page.goto(`/w/${ws}/board`);
      await settle(page);
      await expect(page.getByTestId('task-card')).toHaveCount(SEEDS.length);
      await page.screenshot({ path: `docs/screenshots/board-${lang}-${theme}.png` });

      await page.goto(`/w/${ws}/list`);
      await settle(page);
      await expect(page.getByTestId('task-row').first()).toBeVisible();
      await page.screenshot({ path: `docs/screenshots/list-${lang}-${theme}.png` });

      await page.goto(`/w/${ws}/tasks/${featuredId}`);
      await settle(page);
      await page.screenshot({ path: `docs/screenshots/task-${lang}-${theme}.png` });
      await page.context().close();
    }
    // Phones: the English board and the Chinese "my tasks" (what on-call opens first).
    const phone = await openPage(browser, lang, 'light', { width: 390, height: 844 });
    {
      const path = lang === 'en' ? 'board' : 'my';
      await phone.goto(`/w/${ws}/${path}`);
      await settle(phone);
      const name = lang === 'en' ? 'board-phone' : 'my-tasks-phone';
      await phone.screenshot({ path: `docs/screenshots/${name}.png` });
      await phone.context().close();
    }
  }
});

/** A realistic runbook, with every kind of block the editor has. */
const FEATURED_RUNBOOK: Record<Lang, { title: string; markdown: string }> = {
  en: {
    title: 'PostgreSQL primary failover',
    markdown: `# PostgreSQL primary failover

Use this when the primary is down or the replication lag alert has fired for more than 10 minutes.

> [!WARNING]
> Freeze deploys first: a migration running during the failover leaves the schema half applied.

## Before you start

- [ ] Page the database owner
- [ ] Announce the failover in #ops-incidents
- [ ] Check the replica lag on the Grafana "PostgreSQL" board

## Promote the replica

\`\`\`bash
ssh db-replica-1 'sudo -u postgres pg_ctl promote -D /var/lib/postgresql/16/main'
psql -h db-replica-1 -c 'select pg_is_in_recovery();'   # expect: f
\`\`\`

| Step | Owner | Minutes |
| --- | --- | --- |
| Promote replica | DBA | 5 |
| Repoint PgBouncer | On-call | 5 |
| Rebuild old primary | DBA | 60 |

> [!NOTE]
> The old primary must not come back as a primary: rebuild it as a replica with \`pg_basebackup\`.

## After

- [ ] Close the incident with the timeline
- [ ] Book the post-incident review
`
  },
  zh: {
    title: 'PostgreSQL 主库故障切换',
    markdown: `# PostgreSQL 主库故障切换

主库宕机，或复制延迟告警持续超过 10 分钟时使用。

> [!WARNING]
> 先冻结发布：切换期间执行的迁移会让表结构只完成一半。

## 开始之前

- [ ] 呼叫数据库负责人
- [ ] 在 #ops-incidents 频道通告切换
- [ ] 在 Grafana「PostgreSQL」面板确认复制延迟

## 提升从库

\`\`\`bash
ssh db-replica-1 'sudo -u postgres pg_ctl promote -D /var/lib/postgresql/16/main'
psql -h db-replica-1 -c 'select pg_is_in_recovery();'   # 预期：f
\`\`\`

| 步骤 | 负责人 | 分钟 |
| --- | --- | --- |
| 提升从库 | DBA | 5 |
| 切换 PgBouncer | 值班 | 5 |
| 重建旧主库 | DBA | 60 |

> [!NOTE]
> 旧主库不得以主库身份恢复：用 \`pg_basebackup\` 把它重建为从库。

## 之后

- [ ] 附上时间线并关闭事件
- [ ] 预约事后复盘
`
  }
};

/** The library's other runbooks: the three templates, tagged, one of them due for review. */
const LIBRARY: {
  template: string;
  title: Record<Lang, string>;
  tags: Record<Lang, string[]>;
  services: string[];
}[] = [
  {
    template: 'incident-response',
    title: { en: 'API outage: incident response', zh: 'API 故障：事件响应' },
    tags: { en: ['incident', 'sev1'], zh: ['事件', 'sev1'] },
    services: ['api']
  },
  {
    template: 'maintenance',
    title: { en: 'Monthly OS patching', zh: '每月系统补丁' },
    tags: { en: ['maintenance'], zh: ['维护'] },
    services: ['postgres']
  },
  {
    template: 'oncall-handover',
    title: { en: 'On-call handover', zh: '值班交接' },
    tags: { en: ['on-call'], zh: ['值班'] },
    services: []
  }
];

/** Creates the library of `ws` over REST; returns the featured runbook's id and a task key. */
async function seedRunbooks(ws: string, lang: Lang): Promise<{ id: string; taskKey: string }> {
  const api = await apiAs(e2eAccounts().owner);
  const headers = { 'accept-language': lang === 'en' ? 'en-US' : 'zh-CN' };
  try {
    const created = async (data: Record<string, unknown>): Promise<string> => {
      const response = await api.post(`/api/v1/workspaces/${ws}/runbooks`, { data, headers });
      expect(response.status(), await response.text()).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const patch = async (id: string, data: Record<string, unknown>): Promise<void> => {
      const response = await api.patch(`/api/v1/workspaces/${ws}/runbooks/${id}`, { data });
      expect(response.status(), await response.text()).toBe(200);
    };
    for (const entry of LIBRARY) {
      const id = await created({
        template: entry.template,
        title: entry.title[lang],
        tags: entry.tags[lang]
      });
      if (entry.services.length > 0) await patch(id, { services: entry.services });
    }
    const featured = FEATURED_RUNBOOK[lang];
    const id = await created({
      title: featured.title,
      markdown: featured.markdown,
      tags: lang === 'en' ? ['database', 'failover'] : ['数据库', '故障切换']
    });
    await patch(id, {
      services: ['postgres'],
      cis: ['db-primary-1', 'db-replica-1'],
      alertMatchers: [{ label: 'alertname', value: 'PostgresReplicationLag' }],
      reviewed: true
    });
    const task = await api.post(`/api/v1/workspaces/${ws}/tasks`, {
      data: {
        title: lang === 'en' ? 'Fail over db-primary-1' : '切换 db-primary-1',
        kind: 'incident',
        priority: 'urgent',
        links: [{ type: 'runbook', target: id }]
      }
    });
    expect(task.status(), await task.text()).toBe(201);
    const made = (await task.json()) as { id: string; key: string | null };
    return { id, taskKey: made.key ?? made.id };
  } finally {
    await api.dispose();
  }
}

/** The runbook page is loaded and in sync (its own badge; the top bar has the board's). */
async function settleRunbook(page: Page): Promise<void> {
  await expect(page.getByTestId('runbook-page').getByTestId('sync-badge')).toHaveAttribute(
    'data-synced',
    'true'
  );
  await expect(page.locator('.ProseMirror')).toBeVisible();
  await page.waitForTimeout(300);
}

test('runbooks: library, a co-edited runbook with a colleague’s caret, run mode, phone', async ({
  browser
}) => {
  const { member } = e2eAccounts();
  for (const lang of ['en', 'zh'] as const) {
    const ws = await newWorkspace(`shot-rb-${lang}`, {
      name: lang === 'en' ? 'Platform Ops' : '平台运维'
    });
    const { id, taskKey } = await seedRunbooks(ws, lang);

    const library = await openPage(browser, lang, 'light');
    await library.goto(`/w/${ws}/runbooks`);
    await expect(library.getByTestId('runbook-row')).toHaveCount(LIBRARY.length + 1);
    await library.waitForTimeout(300);
    await library.screenshot({ path: `docs/screenshots/runbooks-${lang}-light.png` });
    await library.context().close();

    // A colleague is editing: their caret and name show in the runbook.
    const colleague = await browser.newContext({ ...signedIn(member), locale: 'en-US' });
    try {
      const theirs = await colleague.newPage();
      await theirs.goto(`/w/${ws}/runbooks/${id}`);
      await settleRunbook(theirs);
      await theirs.locator('.ProseMirror h2').nth(1).click();
      await theirs.keyboard.press('End');
      for (const theme of ['light', 'dark'] as const) {
        const page = await openPage(browser, lang, theme);
        await page.goto(`/w/${ws}/runbooks/${id}`);
        await settleRunbook(page);
        await expect(page.locator('.collaboration-carets__label')).toHaveText(member.name);
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await page.screenshot({ path: `docs/screenshots/runbook-${lang}-${theme}.png` });
        await page.context().close();
      }
    } finally {
      await colleague.close();
    }

    // Run mode for the incident, two steps ticked (recorded on the task).
    const run = await openPage(browser, lang, 'light');
    await run.goto(`/w/${ws}/runbooks/${id}?for=${taskKey}`);
    await settleRunbook(run);
    const steps = run.getByTestId('run-step');
    await expect(steps.first()).toBeVisible();
    for (const index of [0, 1]) await steps.nth(index).getByTestId('run-step-check').check();
    await expect(steps.nth(1).getByTestId('run-step-done-by')).toBeVisible();
    await run.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await run.screenshot({ path: `docs/screenshots/run-mode-${lang}-light.png` });
    await run.context().close();

    // On a phone in the machine room, in Chinese.
    if (lang === 'zh') {
      const phone = await openPage(browser, lang, 'light', { width: 390, height: 844 });
      await phone.goto(`/w/${ws}/runbooks/${id}`);
      await settleRunbook(phone);
      await phone.screenshot({ path: 'docs/screenshots/runbook-phone.png' });
      await phone.context().close();
    }
  }
});

test('settings with the audit log, and the API reference, in English and Chinese', async ({
  browser
}) => {
  for (const lang of ['en', 'zh'] as const) {
    const ws = await newWorkspace('shots', {
      name: lang === 'en' ? 'Platform Team' : '运维平台'
    });
    // A few entries worth reading: tokens made and revoked, as a script writer would.
    const api = await apiAs(e2eAccounts().owner);
    try {
      const tokens = await Promise.all(
        ['ci', 'nightly-backup'].map(async (name) => {
          const reply = await api.post('/api/v1/tokens', {
            data: { name, workspaceId: ws, expiresAt: name === 'ci' ? null : inDays(90) }
          });
          expect(reply.status()).toBe(201);
          return ((await reply.json()) as { id: string }).id;
        })
      );
      expect((await api.delete(`/api/v1/tokens/${tokens[1]}`)).status()).toBe(204);
    } finally {
      await api.dispose();
    }
    const theme = lang === 'en' ? 'light' : 'dark';
    const page = await openPage(browser, lang, theme);
    await page.goto(`/w/${ws}/settings`);
    await settle(page);
    const audit = page.getByTestId('audit-filters');
    await audit.scrollIntoViewIfNeeded();
    await expect(page.getByTestId('audit-sentence').first()).toBeVisible();
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForTimeout(200);
    await page.screenshot({ path: `docs/screenshots/audit-${lang}-${theme}.png` });

    await page.goto('/api/docs');
    await expect(page.locator('h1')).toBeVisible();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `docs/screenshots/api-docs-${lang}-${theme}.png` });
    await page.context().close();
  }
});
