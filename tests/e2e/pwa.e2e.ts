/**
 * The installable PWA in real Chromium against the production build: the manifest and its
 * icons, the service worker taking control, Chromium's own installability check, the theme
 * switcher (cookie, server-rendered `data-theme`, no flash) and the board on a phone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn, useSession } from './fixtures';
import { expectPageCached, waitForServiceWorker } from './service-worker';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

/** Width, height and whether any pixel is not fully opaque, read from a PNG (RGBA, filter 0). */
function pngInfo(png: Buffer): { width: number; height: number; transparent: boolean } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let offset = 8; offset < png.length;) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += length + 12;
  }
  const rows = inflateSync(Buffer.concat(idat));
  let transparent = false;
  for (let y = 0; y < height && !transparent; y++) {
    for (let x = 0; x < width; x++) {
      if (rows[y * (width * 4 + 1) + 1 + x * 4 + 3] !== 255) {
        transparent = true;
        break;
      }
    }
  }
  return { width, height, transparent };
}

async function bodyBackground(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

test('the manifest is served, complete, and its icons are real PNGs of the stated size', async () => {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const pageUrl = new URL('/w/e2e/board', e2eAccounts().baseURL);
    const html = await (await api.get(pageUrl.pathname)).text();
    // SvelteKit renders asset paths relative to the page.
    const linked = (rel: string) =>
      new URL(new RegExp(`<link rel="${rel}" href="([^"]+)"`).exec(html)?.[1] ?? '', pageUrl)
        .pathname;
    expect(linked('manifest')).toBe('/manifest.webmanifest');
    expect(linked('apple-touch-icon')).toBe('/icons/apple-touch-icon.png');
    expect(html).toMatch(/<meta name="theme-color" content="#[0-9a-f]{6}"/);

    const response = await api.get('/manifest.webmanifest');
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('application/manifest+json');
    const manifest = (await response.json()) as Record<string, unknown> & { icons: ManifestIcon[] };
    expect(manifest).toMatchObject({
      name: 'Runboard',
      short_name: 'Runboard',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      lang: 'en'
    });
    expect(manifest.description).toEqual(expect.any(String));
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/);

    const purposes = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose ?? 'any'}`);
    expect(purposes.sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
    for (const icon of [
      ...manifest.icons,
      { src: '/icons/apple-touch-icon.png', sizes: '180x180', type: 'image/png', purpose: 'apple' }
    ]) {
      const file = await api.get(icon.src);
      expect(file.status(), icon.src).toBe(200);
      expect(file.headers()['content-type']).toBe('image/png');
      const info = pngInfo(await file.body());
      expect(`${info.width}x${info.height}`, icon.src).toBe(icon.sizes);
      // Maskable and Apple icons are cropped by the platform: they must fill every pixel.
      expect(info.transparent, icon.src).toBe(icon.purpose === 'any');
    }
  } finally {
    await api.dispose();
  }
});

test('the service worker activates, controls the app, and Chromium finds it installable', async ({
  playwright
}, testInfo) => {
  // Chromium never offers to install from an incognito profile, and every ordinary Playwright
  // context is one: the installability check needs a persistent profile.
  const { launchOptions, baseURL } = testInfo.project.use;
  const profile = mkdtempSync(join(tmpdir(), 'runboard-pwa-profile-'));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    ...launchOptions,
    // Chromium offers installation (beforeinstallprompt) only after some use of the site.
    args: [...(launchOptions?.args ?? []), '--bypass-app-banner-engagement-checks'],
    baseURL
  });
  try {
    await useSession(context, e2eAccounts().owner);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/w/e2e/board');
    await waitForServiceWorker(page);
    // This first page loaded before the worker took over; the app hands it over to be kept.
    await expectPageCached(page, '/w/e2e/board');
    const worker = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return {
        state: registration.active?.state,
        script: registration.active?.scriptURL,
        scope: registration.scope,
        caches: await caches.keys()
      };
    });
    expect(worker.state).toBe('activated');
    expect(worker.script).toMatch(/\/service-worker\.js$/);
    expect(new URL(worker.scope ?? '').pathname).toBe('/');
    expect(worker.caches).toEqual(
      expect.arrayContaining([expect.stringMatching(/^shell-/), expect.stringMatching(/^pages-/)])
    );

    const cdp = await context.newCDPSession(page);
    const { url, errors } = await cdp.send('Page.getAppManifest');
    expect(url).toMatch(/\/manifest\.webmanifest$/);
    expect(errors).toEqual([]);
    // Polled: on a busy machine the check may run before the icons are fetched.
    await expect
      .poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, {
        timeout: 10_000
      })
      .toEqual([]);

    // Installable, so the browser offers it and the top bar shows the install button.
    await page.reload();
    await expect(page.getByTestId('pwa-install')).toBeVisible({ timeout: 10_000 });
    await expect(page.getByTestId('pwa-install')).toHaveText('Install');
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('the theme switch applies at once, is kept in a cookie and rendered by the server', async ({
  browser
}) => {
  // A dark system setting: "system" follows it, "light" overrides it.
  const context = await browser.newContext({ ...signedIn(), colorScheme: 'dark' });
  try {
    const page = await context.newPage();
    await page.goto('/w/e2e/board');
    const html = page.locator('html');
    await expect(html).not.toHaveAttribute('data-theme');
    await expect(page.getByTestId('theme-system')).toHaveAttribute('aria-pressed', 'true');
    const dark = await bodyBackground(page);
    expect(dark).toBe('rgb(13, 17, 23)');

    await page.getByTestId('theme-light').click();
    await expect(html).toHaveAttribute('data-theme', 'light');
    await expect(page.getByTestId('theme-light')).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => bodyBackground(page)).toBe('rgb(245, 246, 248)');
    expect((await context.cookies()).find((c) => c.name === 'theme')).toMatchObject({
      value: 'light',
      path: '/'
    });
    const cookie = (await context.cookies()).find((c) => c.name === 'theme');
    // About a year.
    expect((cookie?.expires ?? 0) * 1000 - Date.now()).toBeGreaterThan(360 * 24 * 3600 * 1000);

    // The server renders the choice into the first byte of the next page: no flash.
    const served = await (await context.request.get('/w/e2e/board')).text();
    expect(served).toContain('<html data-theme="light" lang="en">');
    expect(served).toMatch(
      /<meta name="theme-color" content="#ffffff" media="\(prefers-color-scheme: dark\)"/
    );
    await page.reload();
    await expect(html).toHaveAttribute('data-theme', 'light');
    expect(await bodyBackground(page)).toBe('rgb(245, 246, 248)');
    await expect(page.getByTestId('theme-light')).toHaveAttribute('aria-pressed', 'true');

    // Dark under a light system setting.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('theme-dark').click();
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await expect.poll(() => bodyBackground(page)).toBe('rgb(13, 17, 23)');
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe(
      'dark'
    );
    await page.reload();
    await expect(html).toHaveAttribute('data-theme', 'dark');

    // Back to the system setting (light now).
    await page.getByTestId('theme-system').click();
    await expect(html).not.toHaveAttribute('data-theme');
    await expect.poll(() => bodyBackground(page)).toBe('rgb(245, 246, 248)');

    // The switcher is labelled in both languages.
    await expect(page.getByRole('group', { name: 'Theme' })).toBeVisible();
    await page.getByTestId('lang-zh-CN').click();
    await expect(page.getByRole('group', { name: '主题' })).toBeVisible();
    await expect(page.getByTestId('theme-dark')).toHaveAccessibleName('深色');
  } finally {
    await context.close();
  }
});

test('on a 375 px phone the board and its top bar fit without sideways scrolling', async ({
  browser
}) => {
  const ws = await newWorkspace('phone-board-with-a-long-workspace-name', { member: null });
  const context = await browser.newContext({
    ...signedIn(),
    viewport: { width: 375, height: 812 },
    isMobile: true,
    hasTouch: true
  });
  try {
    const page = await context.newPage();
    await page.goto(`/w/${ws}/board`);
    await expect(page.getByTestId('sync-badge')).toHaveAttribute('data-synced', 'true');
    await page.getByTestId('new-task-title').fill('Renew the wildcard certificate before Friday');
    await page.getByTestId('new-task-submit').click();
    await expect(page.getByTestId('task-card')).toHaveCount(1);

    const overflow = () =>
      page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth
      );
    expect(await overflow()).toBeLessThanOrEqual(0);

    // Every control of the top bar is on screen; language and theme fold behind one button.
    await expect(page.getByTestId('theme-dark')).toBeHidden();
    await page.getByTestId('preferences-toggle').click();
    await expect(page.getByTestId('theme-dark')).toBeVisible();
    await page.getByTestId('theme-dark').click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    for (const id of [
      'brand',
      'workspace-switcher',
      'sync-badge',
      'lang-zh-CN',
      'theme-dark',
      'preferences-toggle',
      'user-menu'
    ]) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.x, id).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, id).toBeLessThanOrEqual(375);
    }
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('theme-dark')).toBeHidden();

    // Offline with changes waiting: the badge grows by a count, still without overflow.
    await context.setOffline(true);
    await expect(page.getByTestId('sync-badge')).toHaveAttribute('data-state', 'offline');
    await page.getByTestId('new-task-title').fill('Written on the phone');
    await page.getByTestId('new-task-submit').click();
    await expect(page.getByTestId('sync-pending')).toHaveText('1 change waiting');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await context.setOffline(false);
  } finally {
    await context.close();
  }
});
