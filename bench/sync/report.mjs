// Console output: per-scenario lines, summary tables, targets.

/** @param {number} x */
export const fmt = (x) =>
  x === undefined || x === null || !Number.isFinite(x)
    ? '-'
    : Math.abs(x) >= 100
      ? x.toFixed(0)
      : Math.abs(x) >= 10
        ? x.toFixed(1)
        : x.toFixed(2);

/**
 * Aligned plain-text table (markdown-ish: `|` separated, header rule).
 * @param {string[]} header
 * @param {(string | number)[][]} rows
 * @param {string} [indent]
 */
export function table(header, rows, indent = '  ') {
  const all = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  /** @param {string[]} r */
  const line = (r) =>
    indent +
    '| ' +
    r
      .map((c, i) =>
        i === 0
          ? c.padEnd(/** @type {number} */ (widths[i]))
          : c.padStart(/** @type {number} */ (widths[i]))
      )
      .join(' | ') +
    ' |';
  const rule = indent + '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|';
  return [line(header), rule, ...all.slice(1).map(line)].join('\n');
}

/**
 * @param {number | undefined} a ours
 * @param {number | undefined} b reference
 */
export function ratio(a, b) {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0)
    return NaN;
  return a / b;
}

/** @param {number} r */
export const fmtRatio = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : '-');

/** @param {number | null | undefined} kb */
export const mb = (kb) => (kb == null || !Number.isFinite(kb) ? '-' : (kb / 1024).toFixed(1));

/** @param {number} x */
export const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');

/** @param {number} x */
export const pct = (x) => (Number.isFinite(x) ? `${x.toFixed(0)}%` : '-');

/**
 * One-paragraph description of a latency-style result.
 * @param {any} m
 */
export function describeLatency(m) {
  return [
    `latency p50 ${fmt(m.latency.p50)} ms, p99 ${fmt(m.latency.p99)} ms, max ${fmt(m.latency.max)} ms ` +
      `(${int(m.latency.count)} samples)`,
    `deliveries ${int(m.deliveriesPerSec)}/s (${(m.deliveryRatio * 100).toFixed(2)}% of expected, ` +
      `${int(m.undelivered)} undelivered, ${int(m.duplicates)} dup), edits ${fmt(m.editRate)}/s of ${fmt(m.targetEditRate)} target`,
    `server CPU ${pct(m.serverCpu)}, RSS peak ${mb(m.serverRssPeakKb)} MB / end ${mb(m.serverRssEndKb)} MB; ` +
      (m.pgCpu != null ? `PostgreSQL backends ${pct(m.pgCpu)} (${m.pgBackends}); ` : '') +
      `load-gen CPU ${m.genCpuPerProc.map(pct).join(' + ')} (event-loop delay p99 ${fmt(m.genLoopDelayP99Ms)} ms); ` +
      `other processes ${pct(m.otherCpu)}`
  ];
}

/**
 * Ratio lines ours/reference for latency-style results.
 * @param {any} o
 * @param {any} r
 */
export function latencyRatios(o, r) {
  return {
    p50: ratio(o.latency.p50, r.latency.p50),
    p99: ratio(o.latency.p99, r.latency.p99),
    deliveriesPerSec: ratio(o.deliveriesPerSec, r.deliveriesPerSec),
    serverCpu: ratio(o.serverCpu, r.serverCpu),
    serverRssPeak: ratio(o.serverRssPeakKb, r.serverRssPeakKb)
  };
}
