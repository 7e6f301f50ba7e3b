// The frame of the REST and storage benchmarks (no browser): parse the flags, check the build,
// say what machine this is and how busy; at the end write the JSON (bench/browser-run.mjs).
import { join } from 'node:path';
import { finishBrowserBench, log, startBench } from './browser-run.mjs';
import { ROOT } from './sync/servers.mjs';

export { log };

/**
 * @template {{ help: boolean }} O
 * @param {{ title: string, kind: string, argv: string[], parse: (argv: string[]) => O, usage: string, entries: (o: O) => string[] }} spec
 * @returns {Promise<{ exit: number } | { o: O, kind: string, started: Date, t0: number, idleBusy: number }>}
 */
export async function startRun(spec) {
  const begun = await startBench(spec);
  return 'exit' in begun ? begun : { ...begun, kind: spec.kind };
}

/**
 * Writes `<out>/<kind>-<start time>.json` and returns the exit code (1 with --strict when a
 * target FAILs or the run failed).
 * @param {{ kind: string, o: { out: string, strict: boolean }, started: Date, t0: number, idleBusy: number,
 *   results: Record<string, any>, targets: { status: string }[], extra?: Record<string, unknown> }} run
 */
export const finishRun = (run) => finishBrowserBench(run);

/**
 * The flags every benchmark part takes: where the JSON goes, and whether a FAIL sets the exit code.
 * @param {Record<string, string | boolean | undefined>} a
 */
export function outputFlags(a) {
  return {
    out: typeof a.out === 'string' ? a.out : join(ROOT, 'bench', 'results'),
    strict: !!a.strict
  };
}

/** Notes of a run: printed as they come, kept for the JSON. */
export function noteCollector() {
  /** @type {string[]} */
  const notes = [];
  /** @param {string} s */
  const note = (s) => {
    notes.push(s);
    log(`NOTE: ${s}`);
  };
  return { notes, note };
}
