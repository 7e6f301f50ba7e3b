// The frame of the REST and storage benchmarks (no browser): parse the flags, check the build,
// say what machine this is and how busy; at the end write the JSON (bench/browser-run.mjs).
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { relative } from 'node:path';
import { finishBrowserBench, log } from './browser-run.mjs';
import { cpuMark, sleep, systemBusyPercent } from './sync/proc.mjs';
import { pct } from './sync/report.mjs';
import { ROOT } from './sync/servers.mjs';

export { log };

/**
 * @template {{ help: boolean }} O
 * @param {{ title: string, kind: string, argv: string[], parse: (argv: string[]) => O, usage: string, entries: (o: O) => string[] }} spec
 * @returns {Promise<{ exit: number } | { o: O, kind: string, started: Date, t0: number, idleBusy: number }>}
 */
export async function startRun(spec) {
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
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB`
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
  return { o, kind: spec.kind, started, t0, idleBusy };
}

/**
 * Writes `<out>/<kind>-<start time>.json` and returns the exit code (1 with --strict when a
 * target FAILs or the run failed).
 * @param {{ kind: string, o: { out: string, strict: boolean }, started: Date, t0: number, idleBusy: number,
 *   results: Record<string, any>, targets: { status: string }[], extra?: Record<string, unknown> }} run
 */
export const finishRun = (run) => finishBrowserBench(run);
