/**
 * Layout in real Chromium against the production build, checked as geometry where that is
 * cheap: "Add column" inside the page at 1440 px and on a 375 px phone, the token form's date
 * field clear of its button, a long runbook title wrapping on a phone, the task sidebar's due
 * date and link field wide enough for their text, the list's label chips uncut, each in English
 * and Chinese. Also what the top bar shows outside a workspace (the last one, and a way back to
 * its board) and the avatars of members (settings) and of the server (activity).
 */
import {
  expect,
  test,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page
} from '@playwright/test';
import {
  createTask,
  getTask,
  listColumns,
  upsertLabel
} from '../../src/lib/shared/board/board-model';
import { connectClient, waitFor, whenSynced } from '../helpers/clients';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 375, height: 812 };
const LOCALES = ['en-US', 'zh-CN'] as const;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  expect(box, 'element is rendered').not.toBeNull();
  return box as Box;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Asserts that `inner` lies horizontally within `outer` (half a pixel of rounding allowed). */
function expectWithin(inner: Box, outer: Box, what: string): void {
  expect(inner.x, `${what}: left edge`).toBeGreaterThanOrEqual(outer.x - 0.5);
  expect(inner.x + inner.width, `${what}: right edge`).toBeLessThanOrEqual(
    outer.x + outer.width + 0.5
  );
}

/** The free width inside an input and the width its `text` needs in the input's own font. */
function textFit(input: Locator, text: string): Promise<{ room: number; needed: number }> {
  return input.evaluate((element, value) => {
    const style = getComputedStyle(element);
    const context = document.createElement('canvas').getContext('2d');
    if (context === null) throw new Error('no canvas');
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room =
      element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { room, needed: context.measureText(value).width };
  }, text);
}

/** A websocket token of the owner for `ws`, for seeding the board like any other client. */
async function ownerToken(ws: string): Promise<string> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const reply = await api.post('/api/v1/tokens', { data: { name: 'layout', workspaceId: ws } });
    if (reply.status() !== 201) throw new Error(`create token: ${await reply.text()}`);
    return ((await reply.json()) as { token: string }).token;
  } finally {
    await api.dispose();
  }
}

/**
 * Seeds `ws` through the websocket as a client would: tasks without a key, so the server
 * assigns one and writes a "key assigned" entry of its own. Resolves with the tasks' ids.
 */
async function seedBoard(
  ws: string,
  tasks: ReadonlyArray<{ title: string; labels?: string[]; dueAt?: string }>
): Promise<string[]> {
  const client = connectClient(
    `${e2eAccounts().baseURL.replace(/^http/, 'ws')}/sync`,
    `${ws}.board`,
    { params: { token: await ownerToken(ws) } }
  );
  try {
    await whenSynced(client);
    await waitFor(() => listColumns(client.doc).length > 0, 5_000, 'columns from the server');
    const labelIds = new Map<string, string>();
    const labelId = (name: string): string => {
      let id = labelIds.get(name);
      if (id === undefined) {
        id = upsertLabel(client.doc, { name, color: '#0ea5e9' }).id;
        labelIds.set(name, id);
      }
      return id;
    };
    const ids = tasks.map(
      (task) =>
        createTask(client.doc, {
          title: task.title,
          labels: (task.labels ?? []).map(labelId).sort(),
          ...(task.dueAt === undefined ? {} : { dueAt: task.dueAt })
        }).id
    );
    // The server assigns keys when the tasks arrive; wait until it has (and so has saved them).
    await waitFor(
      () => ids.every((id) => (getTask(client.doc, id)?.key ?? null) !== null),
      10_000,
      'keys from the server'
    );
    return ids;
  } finally {
    client.destroy();
  }
}

test.describe('layout', () => {
  let contexts: BrowserContext[] = [];

  test.afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    contexts = [];
  });

  async function openPage(
    browser: Browser,
    path: string,
    options: { viewport?: { width: number; height: number }; locale?: string } = {}
  ): Promise<Page> {
    const context = await browser.newContext({
      ...signedIn(),
      viewport: options.viewport ?? DESKTOP,
      locale: options.locale ?? 'en-US'
    });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(path);
    return page;
  }

  for (const locale of LOCALES) {
    test(`board: "Add column" and its form lie inside the page at 1440 px and 375 px (${locale})`, async ({
      browser
    }) => {
      // The default board has five columns: enough to fill 1440 px.
      const ws = await newWorkspace('layout-board', { member: null });
      for (const viewport of [DESKTOP, PHONE]) {
        const page = await openPage(browser, `/w/${ws}/board`, { viewport, locale });
        await expect(page.getByTestId('column')).toHaveCount(5);
        const main = await boxOf(page.locator('main'));
        const open = page.getByTestId('add-column-open');
        await expect(open).toBeVisible();
        expectWithin(await boxOf(open), main, `"Add column" at ${viewport.width} px`);
        await open.click();
        await expect(page.getByTestId('add-column-name')).toBeFocused();
        expectWithin(
          await boxOf(page.locator('#add-column-form')),
          { x: 0, y: 0, ...viewport },
          `the form at ${viewport.width} px`
        );
        await page.keyboard.press('Escape');
        await expect(page.getByTestId('add-column-name')).toHaveCount(0);
        await expect(open).toBeFocused();
      }
    });

    test(`account: the token expiry field and "Create token" do not overlap (${locale})`, async ({
      browser
    }) => {
      for (const viewport of [DESKTOP, PHONE]) {
        const page = await openPage(browser, '/account', { viewport, locale });
        const date = await boxOf(page.locator('#token-expires'));
        const button = await boxOf(page.getByTestId('token-create'));
        expect(overlaps(date, button), `at ${viewport.width} px`).toBe(false);
        expectWithin(date, { x: 0, y: 0, ...viewport }, 'the date field');
        expectWithin(button, { x: 0, y: 0, ...viewport }, 'the button');
      }
    });

    test(`runbook: a long title wraps on a 375 px phone instead of being cut (${locale})`, async ({
      browser
    }) => {
      const ws = await newWorkspace('layout-rb', { member: null });
      const title =
        locale === 'en-US'
          ? 'Database failover for the primary PostgreSQL cluster in region eu-west'
          : '华东区域主 PostgreSQL 集群的数据库故障切换与回切演练步骤';
      const api = await apiAs(e2eAccounts().owner);
      let id: string;
      try {
        const reply = await api.post(`/api/v1/workspaces/${ws}/runbooks`, { data: { title } });
        expect(reply.status(), await reply.text()).toBe(201);
        id = ((await reply.json()) as { id: string }).id;
      } finally {
        await api.dispose();
      }
      const page = await openPage(browser, `/w/${ws}/runbooks/${id}`, {
        viewport: PHONE,
        locale
      });
      const field = page.getByTestId('runbook-title');
      await expect(field).toHaveValue(title);
      const size = await field.evaluate((element) => ({
        scrollWidth: element.scrollWidth,
        clientWidth: element.clientWidth,
        scrollHeight: element.scrollHeight,
        clientHeight: element.clientHeight
      }));
      // Nothing hidden sideways or below: the whole title is on screen.
      expect(size.scrollWidth).toBeLessThanOrEqual(size.clientWidth);
      expect(size.scrollHeight).toBeLessThanOrEqual(size.clientHeight + 1);
      expectWithin(await boxOf(field), { x: 0, y: 0, ...PHONE }, 'the title');
    });

    test(`task sidebar: the due date and the link field have room for their text (${locale})`, async ({
      browser
    }) => {
      const ws = await newWorkspace('layout-task', { member: null });
      const due = '2026-12-02T17:00:00.000Z';
      const [id] = await seedBoard(ws, [{ title: 'Add a disk-usage alert', dueAt: due }]);
      const page = await openPage(browser, `/w/${ws}/tasks/${id}`, { locale });
      const dueInput = page.getByTestId('detail-due');
      await expect(dueInput).not.toHaveValue('');
      // What the input shows ("12/02/2026, 05:00 PM"; "2026/12/02 17:00"), plus its picker icon.
      const shown = await page.evaluate(
        ([iso, tag]) =>
          new Intl.DateTimeFormat(tag, {
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit'
          }).format(new Date(iso)),
        [due, locale] as const
      );
      const dueFit = await textFit(dueInput, shown);
      expect(dueFit.room, `"${shown}" and the picker`).toBeGreaterThanOrEqual(dueFit.needed + 40);

      const target = page.getByTestId('detail-link-target');
      const placeholder = (await target.getAttribute('placeholder')) ?? '';
      expect(placeholder).not.toBe('');
      const targetFit = await textFit(target, placeholder);
      expect(targetFit.room, `placeholder "${placeholder}"`).toBeGreaterThanOrEqual(
        targetFit.needed
      );
    });

    test(`list: label chips show their whole name at 1440 px (${locale})`, async ({ browser }) => {
      const ws = await newWorkspace('layout-list', { member: null });
      await seedBoard(ws, [
        { title: 'Checkout returns 502', labels: ['customer-facing', 'network'] },
        { title: 'Roll out the node pool', labels: ['maintenance', 'kubernetes'] }
      ]);
      const page = await openPage(browser, `/w/${ws}/list`, { locale });
      const chips = page.getByTestId('row-label');
      await expect(chips).toHaveCount(4);
      const cut = await chips.evaluateAll((elements) =>
        elements
          .filter((element) => element.scrollWidth > element.clientWidth)
          .map((element) => element.textContent)
      );
      expect(cut).toEqual([]);
    });
  }

  test('outside a workspace the top bar shows the last one and leads back to its board', async ({
    browser
  }) => {
    // Six page loads in two contexts (the API docs among them): over 30 s on a loaded CI machine.
    test.setTimeout(60_000);
    const ws = await newWorkspace('layout-last', { member: null, name: 'Layout last' });
    const page = await openPage(browser, `/w/${ws}/board`);
    await expect(page.getByTestId('workspace-switcher-current')).toHaveText('Layout last');
    // The board has no "back" link: it is the board.
    await expect(page.getByTestId('workspace-switcher-board')).toHaveCount(0);

    for (const path of ['/account', '/api/docs']) {
      await page.goto(path);
      await expect(page.getByTestId('workspace-switcher-current')).toHaveText('Layout last');
      await expect(page.getByTestId('workspace-switcher-board')).toHaveText('Back to board');
    }
    await page.getByTestId('workspace-switcher-board').click();
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/board$`));

    // On a phone the link folds to an arrow that keeps its name, and the top bar still fits.
    const phone = await openPage(browser, '/account', { viewport: PHONE });
    const link = phone.getByRole('link', { name: 'Back to board' });
    await expect(link).toBeVisible();
    for (const id of ['workspace-switcher-button', 'workspace-switcher-board', 'user-menu']) {
      expectWithin(await boxOf(phone.getByTestId(id)), { x: 0, y: 0, ...PHONE }, id);
    }
  });

  test('members wear the shared avatar in settings; the server its own mark in activity', async ({
    browser
  }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('layout-avatars', { member: null });
    const [id] = await seedBoard(ws, [{ title: 'Keyed by the server' }]);

    const settings = await openPage(browser, `/w/${ws}/settings`);
    const row = settings.locator(`[data-testid="member-row"][data-user-id="${owner.id}"]`);
    await expect(row.getByTestId('avatar')).toHaveAttribute('data-member-id', owner.id);

    const task = await openPage(browser, `/w/${ws}/tasks/${id}`);
    const entry = task.locator('[data-testid="activity-entry"][data-action="key_assigned"]');
    await expect(entry).toHaveCount(1);
    await expect(entry.getByRole('img', { name: 'Runboard (automatic)' })).toBeVisible();
  });
});
