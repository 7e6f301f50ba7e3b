// The frame the two browser benchmarks (board, runbooks) share: parse the flags, say what
// machine this is and how busy, and at the end write the results and decide the exit code.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { relative } from 'node:path';
import { CHROMIUM } from './board/browser.mjs';
import { cpuMark, sleep, systemBusyPercent } from './sync/proc.mjs';
import { pct } from './sync/report.mjs';
import { ROOT } from './sync/servers.mjs';

/** @param {string} s */
export const log = (s) => process.stdout.write(s + '\n');

/**
 * Parses the flags and checks the build: the options, or an exit code (`--help`, a bad flag,
 * a missing build) to return at once. Then prints the header and measures how busy the machine
 * is over one second.
 * @template {{ help: boolean }} O
 * @param {{ title: string, argv: string[], parse: (argv: string[]) => O, usage: string, entries: (o: O) => string[], machineNote?: string }} spec
 * @returns {Promise<{ exit: number } | { o: O, started: Date, t0: number, idleBusy: number }>}
 */
export async function startBench(spec) {
  /** @type {O} */
  let o;
  try {
    o = spec.parse(spec.argv);
  } catch (err) {
    process.stderr.write(String(/** @type {Error} */ (err).message) + '\n');
    return { exit: 2 };
  }
  if (o.help) {
    log(spec.usage);
    return { exit: 0 };
  }
  const started = new Date();
  const t0 = performance.now();
  log(`Runboard ${spec.title} — ${started.toISOString()}`);
  log(
    `node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'}), ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB${spec.machineNote ?? ''}`
  );
  for (const f of spec.entries(o))
    if (!existsSync(f)) {
      log(`${relative(ROOT, f)} is missing: run \`npm run build\` first.`);
      return { exit: 2 };
    }
  const q0 = cpuMark([]);
  await sleep(1000);
  const idleBusy = systemBusyPercent(q0, cpuMark([]));
  log(`machine before the run: ${pct(idleBusy)} CPU busy (100% = one core)`);
  return { o, started, t0, idleBusy };
}

/**
 * `startBench` for the browser benchmarks: the header names the Chromium used.
 * @template {{ help: boolean }} O
 * @param {{ title: string, argv: string[], parse: (argv: string[]) => O, usage: string, entries: (o: O) => string[] }} spec
 */
export const startBrowserBench = (spec) =>
  startBench({ ...spec, machineNote: `; Chromium ${CHROMIUM}` });

/**
 * Writes `<out>/<kind>-<start time>.json` (non-finite numbers as null), says where, and returns
 * the exit code: 1 with `strict` when the run failed or a target did.
 * @param {{ kind: string, o: { out: string, strict: boolean }, started: Date, t0: number, idleBusy: number,
 *   results: Record<string, any>, targets: { status: string }[], extra?: Record<string, unknown> }} run
 */
export function finishBrowserBench(run) {
  const { kind, o, started, t0, idleBusy, results, targets } = run;
  mkdirSync(o.out, { recursive: true });
  const file = `${o.out}/${kind}-${started.toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(
    file,
    JSON.stringify(
      {
        startedAt: started.toISOString(),
        options: o,
        machine: { node: process.version, cpus: cpus().length, model: cpus()[0]?.model, idleBusy },
        results,
        targets,
        ...run.extra
      },
      (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
      2
    )
  );
  log('');
  log(
    `results written to ${relative(process.cwd(), file) || file}  (total ${((performance.now() - t0) / 1000).toFixed(0)} s)`
  );
  const failed = !!results.error || targets.some((t) => t.status === 'FAIL');
  return o.strict && failed ? 1 : 0;
}
