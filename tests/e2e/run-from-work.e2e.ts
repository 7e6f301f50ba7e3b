/**
 * Runs started from the work in real Chromium against the production build: an operator runs a
 * job from a task (a gated job is refused with the server's reason in the UI language, an
 * ungated one starts and links to its run page; the task's runs panel shows it finish), and
 * from an incident, where the job whose remediation rule matches the incident's labels is
 * proposed and runs as a remediation.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

const FIRING = readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8');

async function createJob(ws: string, body: Record<string, unknown>): Promise<string> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const reply = await api.post(`/api/v1/workspaces/${ws}/jobs`, { data: body });
    expect(reply.status(), await reply.text()).toBe(201);
    return ((await reply.json()) as { id: string }).id;
  } finally {
    await api.dispose();
  }
}

async function operatorPage(browser: Browser, locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ ...signedIn(e2eAccounts().member), locale });
  return context.newPage();
}

test('an operator runs a job from a task: a gated job is refused, another runs and is listed', async ({
  browser
}) => {
  test.setTimeout(60_000);
  const ws = await newWorkspace('run-from-task', { member: 'operator' });
  const gated = await createJob(ws, {
    name: 'Rotate the certificate',
    kind: 'shell',
    script: 'echo rotated\n',
    requiresChange: true
  });
  const plain = await createJob(ws, {
    name: 'Check disk',
    kind: 'shell',
    script: 'echo "disk of $RB_OPTION_HOST ok"\n',
    parameters: [{ name: 'host', type: 'string', required: true }]
  });
  const api = await apiAs(e2eAccounts().owner);
  let taskKey = '';
  let taskId = '';
  try {
    const task = await api.post(`/api/v1/workspaces/${ws}/tasks`, {
      data: { title: 'Disk alarms on web-3' }
    });
    expect(task.status()).toBe(201);
    const created = (await task.json()) as { id: string; key: string | null };
    taskId = created.id;
    taskKey = created.key ?? created.id;
  } finally {
    await api.dispose();
  }

  const page = await operatorPage(browser);
  await page.goto(`/w/${ws}/tasks/${taskKey}`);
  const panel = page.getByTestId('runs-panel');
  await expect(panel.getByTestId('runs-panel-empty')).toBeVisible();
  await panel.getByTestId('task-run-job').click();
  const dialog = page.getByTestId('run-job-dialog');
  await expect(dialog).toBeVisible();

  // The gated job: refused by the server, its reason shown in words.
  await dialog.getByTestId('run-dialog-job').selectOption(gated);
  await expect(dialog.getByTestId('run-dialog-gated')).toBeVisible();
  await dialog.getByTestId('run-dialog-submit').click();
  await expect(dialog.getByTestId('run-dialog-refusal')).toContainText(
    'This job needs an approved change'
  );

  // The other: its required parameter is checked before anything is sent…
  await dialog.getByTestId('run-dialog-job').selectOption(plain);
  await dialog.getByTestId('run-dialog-submit').click();
  await expect(dialog.getByTestId('parameter-issue')).toHaveText('Required.');
  // … then it starts, and links to its page.
  await dialog.locator('input[id$="-host"]').fill('web-3');
  await dialog.getByTestId('run-dialog-submit').click();
  const link = dialog.getByTestId('run-dialog-link');
  await expect(link).toBeVisible();
  const href = (await link.getAttribute('href')) ?? '';
  expect(href).toMatch(new RegExp(`^/w/${ws}/runs/\\w+$`));
  await dialog.getByRole('button', { name: 'Close' }).click();

  const row = panel.getByTestId('runs-panel-run');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Check disk');
  await expect(row).toHaveAttribute('data-state', 'succeeded', { timeout: 20_000 });

  const check = await apiAs(e2eAccounts().owner);
  try {
    const runId = href.split('/').pop() ?? '';
    const run = (await (await check.get(`/api/v1/workspaces/${ws}/runs/${runId}`)).json()) as {
      taskId: string;
      parameters: Record<string, unknown>;
    };
    expect(run.taskId).toBe(taskId);
    expect(run.parameters).toEqual({ host: 'web-3' });
  } finally {
    await check.dispose();
  }
  await page.context().close();
});

test('an incident proposes the remediation whose labels match, and runs it as one (zh-CN)', async ({
  browser
}) => {
  test.setTimeout(60_000);
  const ws = await newWorkspace('run-remediation', { member: 'operator' });
  await createJob(ws, {
    name: 'Purge MySQL binlogs',
    kind: 'shell',
    script: 'echo purged\n',
    remediation: { labels: { service: 'mysql', alertname: 'DiskFull' } }
  });
  await createJob(ws, {
    name: 'Restart nginx',
    kind: 'shell',
    script: 'echo restarted\n',
    remediation: { labels: { service: 'nginx' } }
  });
  const api = await apiAs(e2eAccounts().owner);
  let incidentKey = '';
  try {
    const integration = await api.post(`/api/v1/workspaces/${ws}/integrations`, {
      data: { type: 'alertmanager', name: 'prod' }
    });
    expect(integration.status()).toBe(201);
    const { hookPath, secret } = (await integration.json()) as { hookPath: string; secret: string };
    const delivered = await fetch(`${e2eAccounts().baseURL}${hookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: FIRING
    });
    expect(delivered.status).toBe(200);
    const { opened } = (await delivered.json()) as { opened: string[] };
    const incident = await api.get(`/api/v1/workspaces/${ws}/incidents/${opened[0]}`);
    incidentKey = ((await incident.json()) as { key: string }).key;
  } finally {
    await api.dispose();
  }

  const page = await operatorPage(browser, 'zh-CN');
  await page.goto(`/w/${ws}/incidents/${incidentKey}`);
  const proposed = page.getByTestId('incident-proposed');
  await expect(proposed).toContainText('建议的修复作业');
  const jobs = proposed.getByTestId('incident-proposed-job');
  await expect(jobs).toHaveCount(1);
  await expect(jobs).toContainText('Purge MySQL binlogs');
  await jobs.getByTestId('incident-proposed-run').click();

  const dialog = page.getByTestId('run-job-dialog');
  await expect(dialog).toContainText('为此事件运行修复作业');
  await expect(dialog.getByTestId('run-dialog-job')).toHaveValue(/.+/);
  await dialog.getByTestId('run-dialog-submit').click();
  await expect(dialog.getByTestId('run-dialog-started')).toContainText('运行已启动');
  await dialog.getByRole('button', { name: '关闭' }).click();

  const row = page.getByTestId('runs-panel').getByTestId('runs-panel-run');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Purge MySQL binlogs');
  await expect(row).toContainText('修复');
  await expect(row).toHaveAttribute('data-state', 'succeeded', { timeout: 20_000 });
  await page.context().close();
});

test('an approved change runs its gated job as its implementation, inside its window', async ({
  browser
}) => {
  test.setTimeout(60_000);
  const ws = await newWorkspace('run-from-change', { member: 'operator' });
  await createJob(ws, {
    name: 'Apply the migration',
    kind: 'shell',
    script: 'echo migrated\n',
    requiresChange: true
  });
  const owner = await apiAs(e2eAccounts().owner);
  const operator = await apiAs(e2eAccounts().member);
  let changeKey = '';
  try {
    const item = await owner.post(`/api/v1/workspaces/${ws}/cmdb/items`, {
      data: { type: 'database', name: 'orders-db', environment: 'staging' }
    });
    expect(item.status(), await item.text()).toBe(201);
    const itemId = ((await item.json()) as { id: string }).id;
    const now = Date.now();
    const created = await owner.post(`/api/v1/workspaces/${ws}/changes`, {
      data: {
        title: 'Migrate orders-db',
        type: 'normal',
        items: [itemId],
        windowStart: new Date(now - 600_000).toISOString(),
        windowEnd: new Date(now + 3_600_000).toISOString()
      }
    });
    expect(created.status(), await created.text()).toBe(201);
    const change = (await created.json()) as { id: string; key: string | null };
    changeKey = change.key ?? change.id;
    const submitted = await owner.post(
      `/api/v1/workspaces/${ws}/changes/${change.id}/transitions`,
      {
        data: { to: 'submitted' }
      }
    );
    expect(submitted.status(), await submitted.text()).toBe(200);
    const approved = await operator.post(
      `/api/v1/workspaces/${ws}/changes/${change.id}/approvals`,
      {
        data: { decision: 'approve' }
      }
    );
    expect(approved.status(), await approved.text()).toBeLessThan(300);
  } finally {
    await owner.dispose();
    await operator.dispose();
  }

  const page = await operatorPage(browser);
  await page.goto(`/w/${ws}/changes/${changeKey}`);
  await expect(page.getByTestId('change-detail')).toHaveAttribute('data-state', 'approved');
  const panel = page.getByTestId('runs-panel');
  await expect(panel.getByTestId('change-run-rollback')).toBeVisible();
  await panel.getByTestId('change-run-implementation').click();
  const dialog = page.getByTestId('run-job-dialog').filter({ hasText: 'implementation' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('run-dialog-gated')).toBeVisible();
  await dialog.getByTestId('run-dialog-submit').click();
  await expect(dialog.getByTestId('run-dialog-started')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();

  const row = panel.getByTestId('runs-panel-run');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Apply the migration');
  await expect(row).toContainText('Implementation');
  await expect(row).toHaveAttribute('data-state', 'succeeded', { timeout: 20_000 });
  await page.context().close();
});
