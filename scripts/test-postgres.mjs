// `npm run test:postgres`: the suites whose behaviour depends on the storage, again on
// PostgreSQL: the files of `postgres` in tests/postgres-pass.mjs run with
// RUNBOARD_TEST_DATABASE=postgres (every test data directory gets a fresh database, dropped
// after its file; tests/helpers/database.ts), then a
// browser smoke run (first-run setup, the live board, runbook co-editing) against the
// production build on a fresh PostgreSQL database. Needs the server of
// RUNBOARD_TEST_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres, trust auth);
// without it the pass is skipped with a message, except under CI, where it fails.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { postgres } from '../tests/postgres-pass.mjs';
import { withPgAdmin } from './pg-admin.mjs';

const adminUrl =
  process.env.RUNBOARD_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `sql` on the admin database. */
const admin = (sql) => withPgAdmin(adminUrl, (client) => client.query(sql));

try {
  await admin('SELECT 1');
} catch (error) {
  const message = `PostgreSQL at ${new URL(adminUrl).host} is not reachable (${error.message})`;
  if (process.env.CI) {
    console.error(`test:postgres: ${message}; CI must prove both backends`);
    process.exit(1);
  }
  console.warn(`test:postgres: skipped: ${message}`);
  process.exit(0);
}

const env = { ...process.env, TZ: 'UTC' };
/** Runs a command; returns its exit status. */
function run(command, args, extraEnv = {}) {
  console.log(`test:postgres: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  return result.status ?? 1;
}

// Only the files whose behaviour depends on the storage (tests/postgres-pass.mjs; the rest name
// their backends, e.g. tests/records runs every store on SQLite and PostgreSQL in the default run,
// or are listed there with why PostgreSQL adds nothing). tests/unit/postgres-pass.test.ts fails
// when a file that stores on the run's backend is in neither list.
const suites = run('npx', ['vitest', 'run', ...Object.keys(postgres), ...process.argv.slice(2)], {
  RUNBOARD_TEST_DATABASE: 'postgres'
});
if (suites !== 0) process.exit(suites);

// The browser smoke run, on a database made for it and dropped after.
const name = `runboard_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
await admin(`CREATE DATABASE ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
let smoke = 1;
try {
  smoke = run(
    'npx',
    [
      'playwright',
      'test',
      'tests/e2e/board-live.e2e.ts',
      'tests/e2e/runbooks.e2e.ts',
      '--grep',
      'a task added on one page|two people edit one runbook'
    ],
    { RUNBOARD_E2E_DATABASE_URL: url.toString() }
  );
} finally {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
process.exit(smoke);
