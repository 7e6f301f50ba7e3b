/**
 * Helpers for the offline and PWA browser tests: waiting until the service worker controls a
 * page, and which caches it holds.
 */
import { expect, type Page } from '@playwright/test';

/**
 * Waits until the service worker is active and controls `page` (it claims open pages when it
 * activates; a reload covers a browser that does not hand control over at once).
 */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const controlled = () => page.evaluate(() => navigator.serviceWorker.controller !== null);
  if (!(await controlled())) {
    try {
      await expect.poll(controlled, { timeout: 2_000 }).toBe(true);
    } catch {
      await page.reload();
    }
  }
  await expect.poll(controlled).toBe(true);
}

/** Waits until the worker keeps a copy of `path` (a page it will serve offline). */
export async function expectPageCached(page: Page, path: string): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(async (wanted) => {
        for (const name of await caches.keys()) {
          if (!name.startsWith('pages-')) continue;
          const cache = await caches.open(name);
          if (await cache.match(new URL(wanted, location.origin).href)) return true;
        }
        return false;
      }, path)
    )
    .toBe(true);
}
