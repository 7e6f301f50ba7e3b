// CPU profile of one page load up to the first card (Chrome DevTools protocol), for finding
// where the time goes: `--board-profile=DIR` writes a .cpuprofile per figure (open it in
// Chromium's DevTools, Performance tab) and prints the functions with the most time. Names are
// readable with a non-minified build (`npx vite build --minify false`, see bench/README.md).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs `action` (a navigation that ends with the first card shown) under the V8 sampling
 * profiler of `page` and returns the profile.
 * @param {import('@playwright/test').Page} page
 * @param {() => Promise<unknown>} action
 */
export async function profileAction(page, action) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  try {
    await action();
  } finally {
    // fall through to stop even when the action failed
  }
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  return profile;
}

/**
 * Self and inclusive time per function (name + file), largest inclusive first.
 * @param {any} profile a Profiler.Profile
 * @param {number} [top]
 */
export function summarizeProfile(profile, top = 25) {
  /** @type {Map<number, any>} */
  const nodes = new Map();
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of profile.nodes) {
    nodes.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  /** @param {any} n */
  const label = (n) => {
    const f = n.callFrame;
    const file = (f.url || '').split('/').pop() || '(native)';
    return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
  };
  /** @type {Map<string, { self: number, total: number }>} */
  const byFn = new Map();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const dt = (deltas[i + 1] ?? 0) / 1000;
    let id = samples[i];
    const seen = new Set();
    let first = true;
    while (id !== undefined) {
      const n = nodes.get(id);
      if (!n) break;
      const key = label(n);
      const e = byFn.get(key) ?? { self: 0, total: 0 };
      if (first) e.self += dt;
      if (!seen.has(key)) e.total += dt;
      seen.add(key);
      byFn.set(key, e);
      first = false;
      id = parent.get(id);
    }
  }
  const rows = [...byFn.entries()]
    .filter(([k]) => !k.startsWith('(root)') && !k.startsWith('(program)'))
    .map(([fn, e]) => ({ fn, selfMs: e.self, totalMs: e.total }));
  return {
    byTotal: [...rows].sort((a, b) => b.totalMs - a.totalMs).slice(0, top),
    bySelf: [...rows].sort((a, b) => b.selfMs - a.selfMs).slice(0, top),
    idleMs: byFn.get('(idle) (native):0')?.self ?? 0,
    gcMs: byFn.get('(garbage collector) (native):0')?.self ?? 0
  };
}

/**
 * Writes `profile` to DIR/<name>.cpuprofile and logs its summary.
 * @param {string} dir
 * @param {string} name
 * @param {any} profile
 * @param {(s: string) => void} log
 */
export function reportProfile(dir, name, profile, log) {
  const file = join(dir, `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const s = summarizeProfile(profile);
  log(`    profile ${file}: idle ${s.idleMs.toFixed(0)} ms, GC ${s.gcMs.toFixed(0)} ms`);
  log('    inclusive (ms)  self (ms)  function');
  for (const r of s.byTotal)
    log(`    ${r.totalMs.toFixed(0).padStart(14)} ${r.selfMs.toFixed(0).padStart(10)}  ${r.fn}`);
  return s;
}
