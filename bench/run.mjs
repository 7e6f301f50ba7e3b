#!/usr/bin/env node
// `npm run bench` entry. Plain JavaScript (ESM + JSDoc) so it runs without a build step.
// Runs the sync-server benchmark (bench/sync/) and then the board benchmark (bench/board/);
// a first argument `sync` or `board` runs only that part. Flags starting with `--board-` go
// to the board benchmark, the others to the sync benchmark (`--out` and `--strict` to both).
// See bench/README.md for the scenarios and flags.
import { runBoardBench } from './board/index.mjs';
import { runSyncBench } from './sync/index.mjs';

const args = process.argv.slice(2);
const part = args[0] === 'sync' || args[0] === 'board' ? args.shift() : 'all';
const shared = (/** @type {string} */ a) => /^--(out|strict|help)(=|$)/.test(a);
const boardArgs = args.filter((a) => a.startsWith('--board-') || shared(a));
const syncArgs = args.filter((a) => !a.startsWith('--board-'));

let code = 0;
if (part !== 'board') code = Math.max(code, await runSyncBench(syncArgs));
if (part !== 'sync') {
  if (part === 'all') process.stdout.write('\n');
  code = Math.max(code, await runBoardBench(boardArgs));
}
process.exit(code);
