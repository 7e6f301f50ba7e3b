#!/usr/bin/env node
// `npm run bench` entry. Plain JavaScript (ESM + JSDoc) so it runs without a build step.
// Runs the sync-server benchmark (bench/sync/), the board benchmark (bench/board/) and the
// runbook benchmark (bench/runbooks/); a first argument `sync`, `board` or `runbooks` runs only
// that part. Flags starting with `--board-` go to the board benchmark, `--runbooks-` to the
// runbook one, the others to the sync benchmark (`--out` and `--strict` to all).
// See bench/README.md for the scenarios and flags.
import { runBoardBench } from './board/index.mjs';
import { runRunbookBench } from './runbooks/index.mjs';
import { runSyncBench } from './sync/index.mjs';

const args = process.argv.slice(2);
const part = ['sync', 'board', 'runbooks'].includes(args[0] ?? '') ? args.shift() : 'all';
const shared = (/** @type {string} */ a) => /^--(out|strict|help)(=|$)/.test(a);
const boardArgs = args.filter((a) => a.startsWith('--board-') || shared(a));
const runbookArgs = args.filter((a) => a.startsWith('--runbooks-') || shared(a));
const syncArgs = args.filter((a) => !a.startsWith('--board-') && !a.startsWith('--runbooks-'));

let code = 0;
if (part === 'all' || part === 'sync') code = Math.max(code, await runSyncBench(syncArgs));
if (part === 'all' || part === 'board') {
  if (part === 'all') process.stdout.write('\n');
  code = Math.max(code, await runBoardBench(boardArgs));
}
if (part === 'all' || part === 'runbooks') {
  if (part === 'all') process.stdout.write('\n');
  code = Math.max(code, await runRunbookBench(runbookArgs));
}
process.exit(code);
