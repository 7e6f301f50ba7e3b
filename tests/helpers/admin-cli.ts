/**
 * The admin CLI as an operator runs it: a real process. `runAdminScript` goes through
 * `node scripts/admin.mjs …` exactly as `npm run admin` does; that wrapper bundles
 * entries/admin.ts from source with esbuild on every start (a few seconds each time), so
 * `runAdmin` bundles it once per test process, the same way, and runs that bundle.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { bundleEntryFromSource } from '../../scripts/entry-build-options.mjs';

const root = resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

let bundled: Promise<string> | null = null;

/** Bundles entries/admin.ts once per test process, as scripts/admin.mjs does on each start. */
function adminBundle(): Promise<string> {
  bundled ??= bundleEntryFromSource('entries/admin.ts').then((file) => {
    if (!file) throw new Error('esbuild is needed to bundle the admin entry for tests');
    return file;
  });
  return bundled;
}

function run(
  entry: string,
  args: string[],
  env: Record<string, string>,
  stdin: string
): Promise<CliRun> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [entry, ...args],
      { cwd: root, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      }
    );
    child.stdin?.end(stdin);
  });
}

/**
 * Runs the CLI with `args` and `env` on top of this process's environment (DATA_DIR,
 * DATABASE_URL…), with `stdin` as its input (none by default: --password-stdin then reads an
 * empty password).
 */
export async function runAdmin(
  args: string[],
  env: Record<string, string>,
  stdin = ''
): Promise<CliRun> {
  return run(await adminBundle(), args, env, stdin);
}

/** As `runAdmin`, through `node scripts/admin.mjs` (what `npm run admin` starts). */
export function runAdminScript(
  args: string[],
  env: Record<string, string>,
  stdin = ''
): Promise<CliRun> {
  return run('scripts/admin.mjs', args, env, stdin);
}
