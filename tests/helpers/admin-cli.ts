/** The admin CLI as an operator runs it: `node scripts/admin.mjs …`, a real process. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI with `args` and `env` on top of this process's environment (DATA_DIR,
 * DATABASE_URL…), with `stdin` as its input (none by default: --password-stdin then reads an
 * empty password).
 */
export function runAdmin(args: string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      ['scripts/admin.mjs', ...args],
      { cwd: root, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      }
    );
    child.stdin?.end(stdin);
  });
}
