#!/usr/bin/env node
// `npm run bench` entry. Plain JavaScript (ESM + JSDoc) so it runs without a
// build step. Currently runs the sync-server benchmark (bench/sync/); see
// bench/README.md for the scenarios and flags.
import { runSyncBench } from './sync/index.mjs';

const code = await runSyncBench(process.argv.slice(2));
process.exit(code);
