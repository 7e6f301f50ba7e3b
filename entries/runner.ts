/**
 * The remote runner process (`npm run start:runner`; docs/automation.md "Remote runners"): runs
 * the jobs that name this runner, on this host, pulling work from the Runboard server over
 * HTTPS with the runner's token. No SvelteKit, no database: the executor and the protocol only
 * (src/lib/server/automation/remote-runner.ts).
 *
 * Environment:
 * - `RUNBOARD_URL`: the server, `https://…` (plain `http://` only for the same host);
 * - `RUNNER_TOKEN`: the token shown when the runner was registered (`rbr_…`);
 * - `RUNNER_CONCURRENCY`: runs at once (default 2);
 * - `RUNNER_WORK_DIR`: where runs work and git sources are cached (default
 *   `<tmp>/runboard-runner`); each run's own directory is removed after it;
 * - `LOG_LEVEL`: debug, info (default), warn, error.
 *
 * At start, processes and working directories that runs of a previous runner process (killed
 * mid-run) left in `RUNNER_WORK_DIR` are removed. Give each runner process its own directory.
 *
 * SIGTERM or SIGINT: stop claiming, kill the runs going (their whole process groups) and report
 * them `interrupted`, then exit.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { execute } from '../src/lib/server/automation/exec/execute';
import { reapOrphans } from '../src/lib/server/automation/exec/orphans';
import { RemoteRunner } from '../src/lib/server/automation/remote-runner';
import { createLogger } from '../src/lib/server/log';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A blank variable counts as unset. */
function blankIsUnset<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);
}

const envSchema = z.object({
  // Runs' secrets (credentials, secret parameters) come over this connection.
  RUNBOARD_URL: z
    .url({
      protocol: /^https?$/,
      message: 'must be the server’s URL, https://runboard.example.com'
    })
    .refine(
      (v) => !URL.canParse(v) || v.startsWith('https:') || LOOPBACK_HOSTS.has(new URL(v).hostname),
      {
        message:
          'must use https: runs’ credentials travel over it (plain http is accepted for ' +
          'localhost only)'
      }
    ),
  RUNNER_TOKEN: z
    .string({ message: 'is required: the token shown when the runner was registered' })
    .trim()
    .regex(/^rbr_[A-Za-z0-9_-]+$/, {
      message: 'must be a runner token (rbr_…), shown once when the runner was registered'
    }),
  RUNNER_CONCURRENCY: blankIsUnset(
    z.coerce
      .number()
      .int({ message: 'must be a whole number' })
      .min(1, { message: 'must be at least 1' })
      .max(64, { message: 'must be at most 64' })
      .default(2)
  ),
  RUNNER_WORK_DIR: blankIsUnset(z.string().default(join(tmpdir(), 'runboard-runner'))),
  LOG_LEVEL: blankIsUnset(z.enum(['debug', 'info', 'warn', 'error']).default('info'))
});

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  // Messages name the variable and the rule, never its value (the token is a secret).
  const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
  process.stderr.write(`runboard-runner: invalid configuration:\n${lines.join('\n')}\n`);
  process.exit(1);
}
const env = parsed.data;
const logger = createLogger(env.LOG_LEVEL, 'runboard-runner');
const workDir = resolve(env.RUNNER_WORK_DIR);

const places = {
  workRoot: join(workDir, 'runs'),
  gitCacheDir: join(workDir, 'git'),
  killGraceMs: 5_000
};

// Runs a previous runner process left going when it died: their processes and directories go
// (the server marked those runs interrupted when this runner stopped reporting).
const reaped = await reapOrphans(places.workRoot);
if (reaped.killed > 0 || reaped.removed > 0) {
  logger.warn('runner: cleaned up after runs of a previous runner process', reaped);
}

let exitCode = 0;
const runner = new RemoteRunner({
  baseUrl: new URL(env.RUNBOARD_URL).origin,
  token: env.RUNNER_TOKEN,
  concurrency: env.RUNNER_CONCURRENCY,
  places,
  execute,
  logger,
  onRefused: () => {
    exitCode = 1;
    void stop('token refused');
  }
});

let stopping: Promise<void> | null = null;
function stop(why: string): Promise<void> {
  stopping ??= (async () => {
    logger.info('runner: shutting down', { why, runs: runner.active });
    await runner.close();
    process.exit(exitCode);
  })();
  return stopping;
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

runner.start();
// Tests read this line to know the runner is up.
logger.info('runner: started', {
  server: new URL(env.RUNBOARD_URL).origin,
  concurrency: env.RUNNER_CONCURRENCY,
  workDir
});
