// /proc readers: CPU ticks and RSS of a pid, a periodic RSS sampler, fd limit.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clkTck = 100;
try {
  const v = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  if (Number.isFinite(v) && v > 0) clkTck = v;
} catch {
  // keep the Linux default
}
export const CLK_TCK = clkTck;

/**
 * utime + stime of a process, in clock ticks (null if the process is gone).
 * @param {number} pid
 * @returns {number | null}
 */
export function readCpuTicks(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces: parse after the last ')'
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime is field 14, stime field 15
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return null;
  }
}

/**
 * VmRSS in KiB (null if the process is gone).
 * @param {number} pid
 * @returns {number | null}
 */
export function readRssKb(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(s);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Whole-machine CPU ticks from /proc/stat: busy (everything but idle and
 * iowait) and total, summed over all cores.
 * @returns {{ busy: number, total: number } | null}
 */
export function readSystemTicks() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/**
 * Marks the start of a CPU measurement window for a set of pids.
 * @param {number[]} pids
 */
export function cpuMark(pids) {
  return {
    t: performance.now(),
    ticks: pids.map((p) => readCpuTicks(p)),
    pids,
    sys: readSystemTicks()
  };
}

/**
 * Whole-machine busy CPU between two marks, in % of one core (2 cores fully
 * busy = 200%).
 * @param {ReturnType<typeof cpuMark>} a
 * @param {ReturnType<typeof cpuMark>} b
 */
export function systemBusyPercent(a, b) {
  const wallS = (b.t - a.t) / 1000;
  if (!a.sys || !b.sys || wallS <= 0) return NaN;
  return ((b.sys.busy - a.sys.busy) / CLK_TCK / wallS) * 100;
}

/**
 * CPU % (100 = one full core) per pid between two marks.
 * @param {ReturnType<typeof cpuMark>} a
 * @param {ReturnType<typeof cpuMark>} b
 * @returns {number[]}
 */
export function cpuPercent(a, b) {
  const wallS = (b.t - a.t) / 1000;
  return a.pids.map((_, i) => {
    const t0 = a.ticks[i];
    const t1 = b.ticks[i];
    if (t0 == null || t1 == null || wallS <= 0) return NaN;
    return ((t1 - t0) / CLK_TCK / wallS) * 100;
  });
}

/** Samples VmRSS of one pid periodically; keeps peak and last. */
export class RssSampler {
  /**
   * @param {number} pid
   * @param {number} [intervalMs]
   */
  constructor(pid, intervalMs = 200) {
    this.pid = pid;
    this.peakKb = 0;
    this.lastKb = 0;
    this.samples = 0;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }
  sample() {
    const v = readRssKb(this.pid);
    if (v != null) {
      this.lastKb = v;
      if (v > this.peakKb) this.peakKb = v;
      this.samples++;
    }
    return v;
  }
  /** Reset the peak (e.g. at the start of a measured window). */
  resetPeak() {
    this.peakKb = 0;
    this.sample();
  }
  stop() {
    clearInterval(this.timer);
    this.sample();
    return { peakKb: this.peakKb, endKb: this.lastKb };
  }
}

/**
 * Median of `n` RSS samples taken `gapMs` apart.
 * @param {number} pid
 * @param {number} [n]
 * @param {number} [gapMs]
 */
export async function medianRssKb(pid, n = 5, gapMs = 200) {
  /** @type {number[]} */
  const v = [];
  for (let i = 0; i < n; i++) {
    if (i) await sleep(gapMs);
    const r = readRssKb(pid);
    if (r != null) v.push(r);
  }
  v.sort((x, y) => x - y);
  return v.length ? /** @type {number} */ (v[Math.floor(v.length / 2)]) : NaN;
}

/**
 * Soft limit on open files for this shell / process (children inherit it).
 * @returns {number} Infinity for "unlimited", NaN if unknown
 */
export function fdLimit() {
  try {
    const s = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    if (s === 'unlimited') return Infinity;
    return Number(s);
  } catch {
    return NaN;
  }
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
