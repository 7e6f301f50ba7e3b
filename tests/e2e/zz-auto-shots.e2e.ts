import { expect, test } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

test.describe.configure({ timeout: 90_000 });

test('shots', async ({ browser }) => {
  const ws = await newWorkspace('shots', { member: null });
  const api = await apiAs(e2eAccounts().owner);
  const cred = await api.post(`/api/v1/workspaces/${ws}/credentials`, {
    data: { name: 'deploy key', kind: 'ssh_key', username: 'deploy', secret: 'xyz' }
  });
  expect(cred.status(), await cred.text()).toBe(201);
  const credId = ((await cred.json()) as { id: string }).id;
  const job = await api.post(`/api/v1/workspaces/${ws}/jobs`, {
    data: {
      name: 'Rotate certs',
      description: 'Rotates TLS certificates on the edge',
      kind: 'ansible',
      playbook: '- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug: { msg: "hi {{ who }}" }\n',
      inventory: 'localhost ansible_connection=local',
      parameters: [
        { name: 'who', type: 'string', label: 'Who', default: 'ops', required: true },
        { name: 'count', type: 'integer', min: 1, max: 5, default: 2 },
        { name: 'dry', type: 'boolean', default: true },
        { name: 'size', type: 'choice', choices: ['s', 'm'], required: true, default: 's' },
        { name: 'token', type: 'secret' }
      ],
      credentials: [credId],
      requiresChange: true,
      schedule: '0 3 * * 1-5'
    }
  });
  expect(job.status(), await job.text()).toBe(201);
  const jobId = ((await job.json()) as { id: string }).id;
  const shell = await api.post(`/api/v1/workspaces/${ws}/jobs`, {
    data: { name: 'Colours', kind: 'shell', script: "printf '\\033[1;31mred bold\\033[0m \\033[38;5;208morange\\033[0m \\033[4munder\\033[0m\\n'; for i in $(seq 1 30); do echo line $i; done" }
  });
  const shellId = ((await shell.json()) as { id: string }).id;
  const run = await api.post(`/api/v1/workspaces/${ws}/jobs/${shellId}/runs`, { data: {} });
  const runId = ((await run.json()) as { id: string }).id;
  await api.dispose();
  for (const locale of ['en', 'zh-CN']) {
    const context = await browser.newContext({ ...signedIn(), locale: 'en-US', viewport: { width: 1280, height: 900 } });
    if (locale === 'zh-CN') await context.addCookies([{ name: 'locale', value: 'zh-CN', url: e2eAccounts().baseURL }]);
    const page = await context.newPage();
    await page.goto(`/w/${ws}/automation`);
    await expect(page.getByTestId('jobs-table')).toBeVisible();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `/tmp/shot-${locale}-list.png`, fullPage: true });
    await page.getByTestId('automation-tab-credentials').click();
    await page.getByTestId('credential-new').click();
    await page.screenshot({ path: `/tmp/shot-${locale}-creds.png`, fullPage: true });
    await page.goto(`/w/${ws}/automation/${jobId}`);
    await expect(page.getByTestId('run-form')).toBeVisible();
    await page.getByTestId('run-start').click();
    await page.waitForTimeout(1000);
    await page.screenshot({ path: `/tmp/shot-${locale}-job.png`, fullPage: true });
    await page.getByTestId('job-edit').click();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `/tmp/shot-${locale}-edit.png`, fullPage: true });
    await page.goto(`/w/${ws}/runs/${runId}`);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `/tmp/shot-${locale}-run.png`, fullPage: true });
    await context.close();
  }
});
