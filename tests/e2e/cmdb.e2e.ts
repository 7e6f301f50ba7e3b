/**
 * The CMDB pages in real Chromium against the production build: an owner creates items through
 * the form and relations through the item page, sees the neighbourhood graph and the impact with
 * depths, filters the list, and has a relation that would close a cycle refused with a message;
 * the item page survives a history endpoint that is missing; edits made offline show at once and
 * reach a second user once back online; a viewer reads without any edit control; a custom type's
 * typed fields are checked on save; the import dialog shows the server's preview, imports, and
 * lists a refused file's rows; an item is deleted with its relations; the pages read in Chinese.
 * Each test makes its own workspace.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { e2eAccounts, newWorkspace, signedIn, type E2eUser } from './fixtures';
import { waitForServiceWorker } from './service-worker';

const contexts: BrowserContext[] = [];

test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function openPage(browser: Browser, user: E2eUser = e2eAccounts().owner): Promise<Page> {
  const context = await browser.newContext({
    ...signedIn(user),
    locale: 'en-US',
    timezoneId: 'UTC'
  });
  contexts.push(context);
  return context.newPage();
}

/** Creates an item through the "New item" dialog of the list page. */
async function createItem(
  page: Page,
  item: { type: string; name: string; environment: string; criticality: string; tags?: string }
): Promise<void> {
  await page.getByRole('button', { name: 'New item' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New configuration item' });
  await dialog.getByLabel('Type', { exact: true }).selectOption({ label: item.type });
  await dialog.getByLabel('Name', { exact: true }).fill(item.name);
  await dialog.getByLabel('Environment', { exact: true }).fill(item.environment);
  await dialog.getByLabel('Criticality', { exact: true }).selectOption({ label: item.criticality });
  if (item.tags) await dialog.getByLabel('Tags', { exact: true }).fill(item.tags);
  await dialog.getByRole('button', { name: 'Create item' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `Created ${item.name}.` })).toBeVisible();
}

/** Opens the item page of `name` from the list. */
async function openItem(page: Page, ws: string, name: string): Promise<void> {
  await page.goto(`/w/${ws}/cmdb`);
  await page.getByTestId('cmdb-row').filter({ hasText: name }).click();
  await expect(page.getByTestId('cmdb-item-name')).toHaveText(name);
}

/** Adds a relation from the open item page, picking the target through the combobox. */
async function relate(
  page: Page,
  relation: { direction: 'This item → target' | 'Target → this item'; type: string; target: string }
): Promise<void> {
  const panel = page.getByTestId('cmdb-relations');
  await panel.getByLabel('Direction').selectOption({ label: relation.direction });
  await panel.getByLabel('Relation', { exact: true }).selectOption({ label: relation.type });
  const combobox = panel.getByRole('combobox', { name: 'Target item' });
  await combobox.fill(relation.target);
  await page.getByRole('option', { name: new RegExp(`^${relation.target}`) }).click();
  await panel.getByRole('button', { name: 'Add relation' }).click();
}

test('items and relations made in the UI show in the graph and the impact; a cycle is refused', async ({
  browser
}) => {
  test.setTimeout(60_000);
  const ws = await newWorkspace('cmdb');
  const page = await openPage(browser);
  await page.goto(`/w/${ws}/cmdb`);
  await expect(page.getByTestId('nav-cmdb')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'No configuration items yet' })).toBeVisible();

  await createItem(page, {
    type: 'Database',
    name: 'orders-db',
    environment: 'production',
    criticality: 'Critical',
    tags: 'postgres, orders'
  });
  await createItem(page, {
    type: 'Service',
    name: 'orders-api',
    environment: 'production',
    criticality: 'High',
    tags: 'orders'
  });
  await createItem(page, {
    type: 'Application',
    name: 'web-shop',
    environment: 'production',
    criticality: 'Medium'
  });
  await createItem(page, {
    type: 'Host',
    name: 'stage-01',
    environment: 'staging',
    criticality: 'Low'
  });
  await expect(page.getByTestId('cmdb-count')).toHaveText('4 items');

  // Filters and search.
  await page.getByLabel('Search').fill('orders');
  await expect(page.getByTestId('cmdb-count')).toHaveText('2 of 4 items');
  await expect(page.getByTestId('cmdb-row')).toHaveText([/orders-api/, /orders-db/]);
  await page.getByLabel('Type', { exact: true }).selectOption({ label: 'Database (1)' });
  await expect(page.getByTestId('cmdb-row')).toHaveText([/orders-db/]);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByLabel('Environment', { exact: true }).selectOption({ label: 'staging (1)' });
  await expect(page.getByTestId('cmdb-row')).toHaveText([/stage-01/]);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByLabel('Tag', { exact: true }).selectOption({ label: 'postgres (1)' });
  await expect(page.getByTestId('cmdb-row')).toHaveText([/orders-db/]);
  // The filters live in the address: back from an item, the list is as it was.
  await expect(page).toHaveURL(/\?tag=postgres$/);
  await page.getByTestId('cmdb-row').filter({ hasText: 'orders-db' }).click();
  await expect(page.getByTestId('cmdb-item-name')).toHaveText('orders-db');
  await page.goBack();
  await expect(page.getByTestId('cmdb-count')).toHaveText('1 of 4 items');
  await expect(page.getByLabel('Tag', { exact: true })).toHaveValue('postgres');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByTestId('cmdb-count')).toHaveText('4 items');

  // web-shop → orders-api → orders-db.
  await openItem(page, ws, 'orders-api');
  await relate(page, { direction: 'This item → target', type: 'depends on', target: 'orders-db' });
  await relate(page, { direction: 'Target → this item', type: 'depends on', target: 'web-shop' });
  const relations = page.getByTestId('cmdb-relations');
  await expect(relations.getByTestId('cmdb-relation')).toHaveText([
    /depends on\s+orders-db/,
    /web-shop\s+depends on/
  ]);

  await relations.getByRole('link', { name: 'orders-db' }).click();
  await expect(page.getByTestId('cmdb-item-name')).toHaveText('orders-db');
  // The graph: the item and what needs it, one and two steps away, on the left.
  const graph = page.getByTestId('cmdb-graph');
  await expect(graph.getByTestId('cmdb-graph-node')).toHaveCount(3);
  await expect(graph.locator('[data-column="0"]')).toHaveAccessibleName(/^orders-db/);
  await expect(graph.locator('[data-column="-1"]')).toHaveAccessibleName(/^orders-api/);
  await expect(graph.locator('[data-column="-2"]')).toHaveAccessibleName(/^web-shop/);
  // The impact, by depth.
  const impact = page.getByTestId('cmdb-impact');
  await expect(impact.getByTestId('cmdb-impact-total')).toHaveText('2 items affected');
  await expect(impact.locator('[data-testid="cmdb-impact-item"][data-depth="1"]')).toHaveText([
    /orders-api/
  ]);
  await expect(impact.locator('[data-testid="cmdb-impact-item"][data-depth="2"]')).toHaveText([
    /web-shop/
  ]);
  // The history answers (or fails) without taking the page down.
  await expect(page.getByTestId('cmdb-history')).toBeVisible();
  await expect(page.getByText('Loading history…')).toBeHidden();

  // orders-db → web-shop would close web-shop → orders-api → orders-db.
  await relate(page, { direction: 'This item → target', type: 'connects to', target: 'web-shop' });
  await expect(page.getByTestId('cmdb-relation-error')).toHaveText(
    'Refused: this relation would close a cycle (orders-db → web-shop → orders-api → orders-db).'
  );
  await expect(relations.getByTestId('cmdb-relation')).toHaveCount(1);

  // A graph node leads to its item.
  await graph.locator('[data-column="-2"]').click();
  await expect(page.getByTestId('cmdb-item-name')).toHaveText('web-shop');
  await expect(page.getByTestId('cmdb-graph').getByTestId('cmdb-graph-node')).toHaveCount(3);

  // Deleting asks first, and takes the item's relations with it.
  await page.getByRole('button', { name: 'Delete item' }).click();
  await expect(page.getByText('Delete web-shop and its 1 relation?')).toBeVisible();
  await page.getByTestId('cmdb-item-delete-confirm').click();
  await expect(page).toHaveURL(new RegExp(`/w/${ws}/cmdb$`));
  await expect(page.getByTestId('cmdb-count')).toHaveText('3 items');
  await expect(page.getByTestId('cmdb-row').filter({ hasText: 'orders-api' })).toContainText(
    '1 needs · 0 needed by'
  );
});

test('an item page with a failing history endpoint shows an error, not a broken page', async ({
  browser
}) => {
  const ws = await newWorkspace('cmdb-history');
  const page = await openPage(browser);
  await page.route('**/cmdb/items/*/history', (route) =>
    route.fulfill({
      status: 404,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'not_found', message: 'Not found' } })
    })
  );
  await page.goto(`/w/${ws}/cmdb`);
  await createItem(page, {
    type: 'Host',
    name: 'lonely-01',
    environment: 'production',
    criticality: 'Low'
  });
  await page.getByRole('link', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('cmdb-item-name')).toHaveText('lonely-01');
  await expect(page.getByTestId('cmdb-history-error')).toContainText(
    'No history recorded for this item yet.'
  );
  await expect(page.getByText('Nothing depends on this item.')).toBeVisible();
  await expect(page.getByText('No relations to draw yet.')).toBeVisible();
});

test('edits made offline show at once and reach another user when back online', async ({
  browser
}) => {
  test.setTimeout(60_000);
  const ws = await newWorkspace('cmdb-offline', { member: 'operator' });
  const page = await openPage(browser);
  await page.goto(`/w/${ws}/cmdb`);
  // Offline, pages come from the worker's cache: the app shell, and the pages opened before.
  await waitForServiceWorker(page);
  await createItem(page, {
    type: 'Host',
    name: 'online-01',
    environment: 'prod',
    criticality: 'Low'
  });
  const badge = page.getByTestId('sync-badge').filter({ hasText: 'CMDB' });
  await expect(badge).toHaveAttribute('data-synced', 'true');
  await page.getByRole('link', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('cmdb-item-name')).toHaveText('online-01');
  await page.getByRole('link', { name: /All items/ }).click();

  await page.context().setOffline(true);
  await expect(badge).toHaveAttribute('data-state', 'offline');
  await createItem(page, {
    type: 'VM',
    name: 'offline-vm',
    environment: 'prod',
    criticality: 'High'
  });
  await expect(page.getByTestId('cmdb-count')).toHaveText('2 items');
  await expect(badge).toContainText('1 change waiting');
  // Filtering offline: the list and the address follow, with nothing to load.
  await page.getByLabel('Search').fill('offline');
  await expect(page.getByTestId('cmdb-row')).toHaveText([/offline-vm/]);
  await expect(page).toHaveURL(/\?q=offline$/);
  await page.getByLabel('Search').fill('');
  // The item page opened before works offline, with its relations and impact from the copy.
  await page.getByTestId('cmdb-row').filter({ hasText: 'online-01' }).click();
  await expect(page.getByTestId('cmdb-item-name')).toHaveText('online-01');
  await relate(page, { direction: 'Target → this item', type: 'runs on', target: 'offline-vm' });
  await expect(page.getByTestId('cmdb-impact-item')).toHaveText([/offline-vm/]);
  await expect(page.getByTestId('cmdb-history-error')).toContainText('when you are online');

  await page.context().setOffline(false);
  await expect(badge).toHaveAttribute('data-synced', 'true');
  const other = await openPage(browser, e2eAccounts().member);
  await other.goto(`/w/${ws}/cmdb`);
  await expect(other.getByTestId('cmdb-row')).toHaveText([/offline-vm/, /online-01/]);
  await other.getByTestId('cmdb-row').filter({ hasText: 'offline-vm' }).click();
  await expect(other.getByTestId('cmdb-relation')).toHaveText([/runs on\s+online-01/]);
});

test('a viewer reads the CMDB without any edit control', async ({ browser }) => {
  const ws = await newWorkspace('cmdb-viewer', { member: 'viewer' });
  const owner = await openPage(browser);
  await owner.goto(`/w/${ws}/cmdb`);
  await createItem(owner, {
    type: 'Host',
    name: 'db-host',
    environment: 'prod',
    criticality: 'High'
  });
  await createItem(owner, {
    type: 'Database',
    name: 'main-db',
    environment: 'prod',
    criticality: 'Critical'
  });
  await openItem(owner, ws, 'main-db');
  await relate(owner, { direction: 'This item → target', type: 'runs on', target: 'db-host' });
  await expect(owner.getByTestId('cmdb-relation')).toHaveCount(1);

  const viewer = await openPage(browser, e2eAccounts().member);
  await viewer.goto(`/w/${ws}/cmdb`);
  await expect(viewer.getByTestId('cmdb-read-only')).toBeVisible();
  await expect(viewer.getByTestId('cmdb-row')).toHaveCount(2);
  await expect(viewer.getByRole('button', { name: 'New item' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Import' })).toHaveCount(0);
  await expect(viewer.getByRole('link', { name: 'Export CSV' })).toBeVisible();

  await viewer.getByTestId('cmdb-row').filter({ hasText: 'main-db' }).click();
  await expect(viewer.getByTestId('cmdb-item-name')).toHaveText('main-db');
  await expect(viewer.getByTestId('cmdb-relation')).toHaveText([/runs on\s+db-host/]);
  await expect(viewer.getByTestId('cmdb-graph').getByTestId('cmdb-graph-node')).toHaveCount(2);
  await expect(viewer.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Delete item' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
  await expect(viewer.getByRole('combobox', { name: 'Target item' })).toHaveCount(0);
  // The history, from the server: who made the item and its relation.
  const history = viewer.getByTestId('cmdb-history');
  const ownerName = e2eAccounts().owner.name;
  await expect(history.getByRole('listitem').first()).toContainText(
    `${ownerName} added a relation`
  );
  await expect(history).toContainText('This item runs on db-host');
  await expect(history).toContainText(`${ownerName} created the item`);
});

test('a custom type with typed fields is defined, and its fields are checked on save', async ({
  browser
}) => {
  const ws = await newWorkspace('cmdb-types');
  const page = await openPage(browser);
  await page.goto(`/w/${ws}/cmdb`);
  await page.getByRole('button', { name: 'Custom types' }).click();
  const types = page.getByRole('dialog', { name: 'Custom types' });
  await expect(types.getByText('No custom types yet.')).toBeVisible();
  await types.getByRole('button', { name: 'New type' }).click();
  await types.getByLabel('Name (key)').fill('rack');
  await types.getByLabel('Label', { exact: true }).fill('Rack');
  await types.getByRole('button', { name: 'Add field' }).click();
  await types.getByLabel('Key', { exact: true }).fill('units');
  await types.getByLabel('Label', { exact: true }).last().fill('Units');
  await types.getByLabel('Type', { exact: true }).selectOption({ label: 'Number' });
  await types.getByLabel('Required').check();
  await types.getByRole('button', { name: 'Add field' }).click();
  await types.getByLabel('Key', { exact: true }).last().fill('row');
  await types.getByLabel('Label', { exact: true }).last().fill('Row');
  await types.getByLabel('Type', { exact: true }).last().selectOption({ label: 'Choice' });
  await types.getByLabel('Choices (comma-separated)').fill('A, B');
  await types.getByRole('button', { name: 'Save type' }).click();
  await expect(types.getByText('Type Rack saved.')).toBeVisible();
  await expect(types.getByRole('listitem')).toHaveText([/Rack\s+rack\s+2 fields · Units, Row/]);
  await types.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('button', { name: 'New item' }).first().click();
  const form = page.getByRole('dialog', { name: 'New configuration item' });
  await form.getByLabel('Type', { exact: true }).selectOption({ label: 'Rack' });
  await form.getByLabel('Name', { exact: true }).fill('rack-a1');
  await form.getByRole('button', { name: 'Create item' }).click();
  await expect(form.getByRole('alert')).toHaveText('Some fields are not right: Units: required');
  await form.getByLabel(/^Units/).fill('42');
  await form.getByLabel('Row', { exact: true }).selectOption('B');
  await form.getByRole('button', { name: 'Create item' }).click();
  await expect(form).toBeHidden();
  await page.getByRole('link', { name: 'Open', exact: true }).click();
  const details = page.getByRole('region', { name: 'Details' });
  await expect(details.getByRole('definition')).toContainText(['Rack']);
  await expect(details).toContainText(/Units\s*42/);
  await expect(details).toContainText(/Row\s*B/);

  // Edited in place; the history follows with the field's before and after.
  await details.getByRole('button', { name: 'Edit' }).click();
  await details.getByLabel(/^Units/).fill('48');
  await details.getByLabel('Criticality', { exact: true }).selectOption({ label: 'High' });
  await details.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(details).toContainText(/Units\s*48/);
  const history = page.getByTestId('cmdb-history');
  await expect(history.getByRole('listitem').filter({ hasText: 'changed units' })).toContainText(
    /42\s*→\s*48/
  );
  await expect(
    history.getByRole('listitem').filter({ hasText: 'changed Criticality' })
  ).toContainText(/Medium\s*→\s*High/);
});

test('an import is previewed, then done, and a refused file lists its rows', async ({
  browser
}) => {
  const ws = await newWorkspace('cmdb-import');
  const page = await openPage(browser);
  await page.goto(`/w/${ws}/cmdb`);
  await page.getByRole('button', { name: 'Import' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Import items' });
  // Admins (the owner here) may also pull from NetBox.
  await expect(dialog.getByRole('tab', { name: 'NetBox' })).toBeVisible();
  const csv =
    'type,name,environment,criticality,owner,tags\n' +
    'host,web-01,production,high,sre,edge\n' +
    'host,web-02,production,low,sre,edge;eu\n';
  await dialog.getByLabel('Or paste the content').fill(csv);
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(dialog.getByTestId('cmdb-import-result')).toHaveText(
    'Ready to import: 2 new, 0 updated, 0 relations. Nothing is written until you press Import.'
  );
  // A preview writes nothing.
  await expect(page.getByTestId('cmdb-empty')).toBeAttached();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByTestId('cmdb-import-result')).toHaveText('Imported 2 items.');

  await dialog.getByLabel('Or paste the content').fill(`${csv}nonsense,x,,,,\nhost,web-01,,,,\n`);
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    'Nothing was imported: some rows have errors.'
  );
  const rows = dialog.getByRole('row');
  await expect(rows.first()).toHaveText(/Row\s*Problem/);
  await expect(rows.nth(1).getByRole('cell').first()).toHaveText('4');
  await expect(rows.nth(2).getByRole('cell').first()).toHaveText('5');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The imported items reach the page through the document.
  await expect(page.getByTestId('cmdb-row')).toHaveText([/web-01/, /web-02/]);
  await page.getByLabel('Tag', { exact: true }).selectOption({ label: 'eu (1)' });
  await expect(page.getByTestId('cmdb-row')).toHaveText([/web-02/]);
});

test('the CMDB reads in Chinese', async ({ browser }) => {
  const ws = await newWorkspace('cmdb-zh', { member: null });
  const context = await browser.newContext({ ...signedIn(), locale: 'zh-CN', timezoneId: 'UTC' });
  contexts.push(context);
  await context.addCookies([{ name: 'locale', value: 'zh-CN', url: e2eAccounts().baseURL }]);
  const page = await context.newPage();
  await page.goto(`/w/${ws}/cmdb`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('CMDB');
  await expect(page.getByRole('heading', { name: '还没有配置项' })).toBeVisible();
  await page.getByRole('button', { name: '新建配置项' }).first().click();
  const dialog = page.getByRole('dialog', { name: '新建配置项' });
  await dialog.getByLabel('类型', { exact: true }).selectOption({ label: '数据库' });
  await dialog.getByLabel('名称', { exact: true }).fill('订单库');
  await dialog.getByLabel('重要性', { exact: true }).selectOption({ label: '关键' });
  await dialog.getByRole('button', { name: '创建配置项' }).click();
  await expect(page.getByTestId('cmdb-count')).toHaveText('1 个配置项');
  await page.getByTestId('cmdb-row').click();
  await expect(page.getByRole('heading', { name: '影响范围' })).toBeVisible();
  await expect(page.getByText('没有配置项依赖本项。')).toBeVisible();
});
