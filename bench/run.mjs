#!/usr/bin/env node
// `npm run bench` entry. Plain JavaScript (ESM + JSDoc) so it runs without a build step.
// Runs the sync-server benchmark (bench/sync/), the board benchmark (bench/board/), the
// runbook benchmark (bench/runbooks/), the REST benchmark (bench/rest/) and the storage
// benchmark (bench/storage/), the archive benchmark (bench/archive/), the alert-intake
// benchmark (bench/alerts/), the CMDB benchmark (bench/cmdb/), the automation benchmark
// (bench/automation/), the KPI benchmark (bench/kpis/), the reports page benchmark
// (bench/reports/), the AI evaluation (bench/ai/) and the multi-node benchmark (bench/nodes/);
// a first argument `sync`, `board`, `runbooks`, `rest`, `storage`, `archive`, `alerts`, `cmdb`,
// `automation`, `kpis`, `reports`, `ai` or `nodes` runs only that part.
// Flags starting with `--board-` go to the board benchmark, `--runbooks-` to the runbook one,
// `--rest-`, `--storage-`, `--archive-`, `--alerts-`, `--cmdb-`, `--automation-`, `--kpis-`,
// `--reports-`, `--ai-` and `--nodes-` to theirs, the others to the sync benchmark
// (`--out` and `--strict` to all).
// See bench/README.md for the scenarios and flags.
import { runBoardBench } from './board/index.mjs';
import { runRunbookBench } from './runbooks/index.mjs';
import { runSyncBench } from './sync/index.mjs';
import { runRestBench } from './rest/index.mjs';
import { runStorageBench } from './storage/index.mjs';
import { runArchiveBench } from './archive/index.mjs';
import { runAlertsBench } from './alerts/index.mjs';
import { runCmdbBench } from './cmdb/index.mjs';
import { runAutomationBench } from './automation/index.mjs';
import { runKpisBench } from './kpis/index.mjs';
import { runReportsBench } from './reports/index.mjs';
import { runAiBench } from './ai/index.mjs';
import { runNodesBench } from './nodes/index.mjs';
import { dropAllBenchDatabases } from './pg.mjs';

const args = process.argv.slice(2);
const PARTS = [
  'sync',
  'board',
  'runbooks',
  'rest',
  'storage',
  'archive',
  'alerts',
  'cmdb',
  'automation',
  'kpis',
  'reports',
  'ai',
  'nodes'
];
const part = PARTS.includes(args[0] ?? '') ? args.shift() : 'all';
const shared = (/** @type {string} */ a) => /^--(out|strict|help)(=|$)/.test(a);
const boardArgs = args.filter((a) => a.startsWith('--board-') || shared(a));
const runbookArgs = args.filter((a) => a.startsWith('--runbooks-') || shared(a));
const restArgs = args.filter((a) => a.startsWith('--rest-') || shared(a));
const storageArgs = args.filter((a) => a.startsWith('--storage-') || shared(a));
const archiveArgs = args.filter((a) => a.startsWith('--archive-') || shared(a));
const alertsArgs = args.filter((a) => a.startsWith('--alerts-') || shared(a));
const cmdbArgs = args.filter((a) => a.startsWith('--cmdb-') || shared(a));
const automationArgs = args.filter((a) => a.startsWith('--automation-') || shared(a));
const kpisArgs = args.filter((a) => a.startsWith('--kpis-') || shared(a));
const reportsArgs = args.filter((a) => a.startsWith('--reports-') || shared(a));
const aiArgs = args.filter((a) => a.startsWith('--ai-') || shared(a));
const nodesArgs = args.filter((a) => a.startsWith('--nodes-') || shared(a));
const syncArgs = args.filter(
  (a) =>
    !/^--(board|runbooks|rest|storage|archive|alerts|cmdb|automation|kpis|reports|ai|nodes)-/.test(
      a
    )
);

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
try {
  if (part === 'all' || part === 'rest') {
    if (part === 'all') process.stdout.write('\n');
    code = Math.max(code, await runRestBench(restArgs));
  }
  if (part === 'all' || part === 'storage') {
    if (part === 'all') process.stdout.write('\n');
    code = Math.max(code, await runStorageBench(storageArgs));
  }
  if (part === 'all' || part === 'archive') {
    if (part === 'all') process.stdout.write('\n');
    code = Math.max(code, await runArchiveBench(archiveArgs));
  }
  if (part === 'all' || part === 'alerts') {
    if (part === 'all') process.stdout.write('\n');
    code = Math.max(code, await runAlertsBench(alertsArgs));
  }
  if (part === 'all' || part === 'cmdb') {
    if (part === 'all') process.stdout.write('\n');
    code = Math.max(code, await runCmdbBench(cmdbArgs));
  }
  if (part === 'all' || part === 'automation') {
    if (part === 'all') process.stdout.write('\n');
    code = Math.max(code, await runAutomationBench(automationArgs));
  }
  if (part === 'all' || part === 'kpis') {
    if (part === 'all') process.stdout.write('\n');
    code = Math.max(code, await runKpisBench(kpisArgs));
  }
  if (part === 'all' || part === 'reports') {
    if (part === 'all') process.stdout.write('\n');
    code = Math.max(code, await runReportsBench(reportsArgs));
  }
  if (part === 'all' || part === 'ai') {
    if (part === 'all') process.stdout.write('\n');
    code = Math.max(code, await runAiBench(aiArgs));
  }
  if (part === 'all' || part === 'nodes') {
    if (part === 'all') process.stdout.write('\n');
    code = Math.max(code, await runNodesBench(nodesArgs));
  }
} finally {
  // every part drops its databases; this catches one that threw
  await dropAllBenchDatabases();
}
process.exit(code);
