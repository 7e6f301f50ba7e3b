// CPU profiles of the board's page loads (`node bench/board/profile.mjs`): the engineering tool
// behind bench/board-profiles.md. Against a running app (RUNBOARD_URL, signed in as
// PROFILE_EMAIL / PROFILE_PASSWORD) it records one Chromium CPU profile (Chrome DevTools
// Protocol `Profiler`) of each of: the board from IndexedDB (the browser offline, the service
// worker serving the page), the board cold (a new context), and the long task's page both ways.
// Each profile is written to OUT_DIR as a .cpuprofile (open it in Chromium's DevTools) and
// summarised: self time of the heaviest functions and the time under a few named ones.
// Use a build without minification (`npx vite build --minify false`) to read the names.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  firstCardProbe,
  launch,
  signInState,
  taskPageProbe,
  waitForOfflineCopy
} from './browser.mjs';

const base = process.env.RUNBOARD_URL ?? 'http://127.0.0.1:4190';
const email = process.env.PROFILE_EMAIL ?? 'board0@example.com';
const password = process.env.PROFILE_PASSWORD ?? '';
const workspace = process.env.PROFILE_WORKSPACE ?? 'bench';
const taskKey = process.env.PROFILE_TASK ?? 'OPS-10001';
const out = process.env.OUT_DIR ?? '/tmp/board-profiles';
const only = (process.env.PROFILE_ONLY ?? 'idb,cold,task-idb,task-cold').split(',');
const focus = (process.env.PROFILE_FOCUS ?? '').split(',').filter(Boolean);

/**
 * Self and total time per function of a CDP profile, heaviest first.
 * @param {any} profile
 */
function summarise(profile) {
  /** @type {Map<number, any>} */
  const nodes = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** @type {Map<number, number>} */
  const selfUs = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? 0));
  }
  /** @param {any} n */
  const label = (n) => {
    const f = n.callFrame;
    const file = (f.url ?? '').split('/').pop();
    return `${f.functionName || '(anon)'} ${file}:${f.lineNumber + 1}`;
  };
  /** @type {Map<string, number>} */
  const self = new Map();
  /** @type {Map<string, number>} */
  const total = new Map();
  for (const [id, us] of selfUs) {
    const n = nodes.get(id);
    self.set(label(n), (self.get(label(n)) ?? 0) + us);
    // Each function once per stack (recursion counted once).
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = /** @type {number} */ (parent.get(cur))) {
      const l = label(nodes.get(cur));
      if (seen.has(l)) continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + us);
    }
  }
  const ms = (/** @type {number} */ us) => (us / 1000).toFixed(0).padStart(6);
  const lines = [];
  lines.push(`  wall ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms`);
  lines.push('  self time, heaviest:');
  for (const [l, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
    lines.push(`  ${ms(us)} ms  ${l}`);
  lines.push('  total time, heaviest (non-idle):');
  for (const [l, us] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 60)) {
    if (!focus.length || focus.some((f) => l.includes(f))) lines.push(`  ${ms(us)} ms  ${l}`);
  }
  return lines.join('\n');
}

/**
 * @param {import('@playwright/test').Page} page
 * @param {string} name
 * @param {() => Promise<void>} run
 */
async function profiled(page, name, run) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await run();
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  writeFileSync(join(out, `${name}.cpuprofile`), JSON.stringify(profile));
  console.log(`== ${name}\n${summarise(profile)}`);
}

const waitLive = (/** @type {import('@playwright/test').Page} */ page) =>
  page.waitForFunction(() => /** @type {any} */ (window).__benchMarks?.live, null, {
    timeout: 120_000
  });
const waitTask = (/** @type {import('@playwright/test').Page} */ page) =>
  page.waitForFunction(() => /** @type {any} */ (window).__benchTaskMarks?.shown, null, {
    timeout: 120_000,
    polling: 50
  });
const marks = (/** @type {import('@playwright/test').Page} */ page) =>
  page.evaluate(() => ({
    board: /** @type {any} */ (window).__benchMarks,
    task: /** @type {any} */ (window).__benchTaskMarks
  }));

mkdirSync(out, { recursive: true });
const browser = await launch();
const storageState = await signInState(base, email, password);
const boardPath = `/w/${workspace}/board`;
const taskPath = `/w/${workspace}/tasks/${taskKey}`;
try {
  const cold = async (/** @type {string} */ name, /** @type {string} */ path) => {
    await new Promise((r) => setTimeout(r, 2500));
    const context = await browser.newContext({ baseURL: base, storageState });
    await context.addInitScript(firstCardProbe);
    await context.addInitScript(taskPageProbe);
    const page = await context.newPage();
    await page.goto('/favicon.ico').catch(() => {});
    await profiled(page, name, async () => {
      await page.goto(path, { waitUntil: 'commit' });
      await (path === boardPath ? waitLive(page) : waitTask(page));
    });
    console.log('  marks', JSON.stringify(await marks(page)));
    await context.close();
  };
  if (only.includes('cold')) await cold('board-cold', boardPath);
  if (only.includes('task-cold')) await cold('task-cold', taskPath);
  if (only.includes('idb') || only.includes('task-idb')) {
    const context = await browser.newContext({ baseURL: base, storageState });
    await context.addInitScript(firstCardProbe);
    await context.addInitScript(taskPageProbe);
    const page = await context.newPage();
    await page.goto(boardPath);
    await waitLive(page);
    await waitForOfflineCopy(page, `${workspace}.board`);
    await page.goto(taskPath);
    await waitTask(page);
    await new Promise((r) => setTimeout(r, 3000));
    await page.goto(boardPath);
    await waitLive(page);
    await new Promise((r) => setTimeout(r, 2000));
    await context.setOffline(true);
    // One unprofiled reload first, as a person who opens the board again.
    await page.reload({ waitUntil: 'commit' });
    await waitLive(page);
    if (only.includes('idb')) {
      await profiled(page, 'board-idb', async () => {
        await page.reload({ waitUntil: 'commit' });
        await waitLive(page);
      });
      console.log('  marks', JSON.stringify(await marks(page)));
    }
    if (only.includes('task-idb')) {
      await page.goto(taskPath, { waitUntil: 'commit' });
      await waitTask(page);
      await profiled(page, 'task-idb', async () => {
        await page.reload({ waitUntil: 'commit' });
        await waitTask(page);
      });
      console.log('  marks', JSON.stringify(await marks(page)));
    }
    await context.close();
  }
} finally {
  await browser.close();
}
