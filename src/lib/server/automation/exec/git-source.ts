/**
 * A job's source from a git repository: a bare mirror per URL in the git cache (cloned the first
 * time, fetched on every later run), and the tree at the run's ref checked out into the run's
 * working directory, so a playbook finds its roles and templates beside it.
 *
 * git is run with argument arrays (never a shell), `--` before every URL and path, no terminal
 * prompt, the `ext::` transport refused, and the index of each checkout kept in the run's own
 * directory so concurrent runs never share a lock. Fetches of one mirror are serialised within
 * the process.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
/* eslint-disable security/detect-non-literal-fs-filename -- paths are the configured git cache
   and names made of a hash of the URL, never the URL or any other request text. */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitSource } from '../../../shared/automation/schema';

/** What a checkout produced, or why there is none. */
export type GitCheckout =
  { ok: true; commit: string; file: string } | { ok: false; reason: string };

/** A source path problem, or null: relative, inside the tree, no `..` segment. */
export function gitPathProblem(path: string): string | null {
  if (path.trim() === '') return 'the path is empty';
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) {
    return `the path ${JSON.stringify(path)} must be relative to the repository`;
  }
  if (path.split(/[/\\]/).some((segment) => segment === '..')) {
    return `the path ${JSON.stringify(path)} must not contain ".."`;
  }
  if (path.includes('\0')) return 'the path contains a NUL character';
  return null;
}

/** A ref problem, or null (a ref starting with `-` would read as an option). */
function refProblem(ref: string): string | null {
  if (ref.startsWith('-') || ref.includes('\0') || /\s/.test(ref)) {
    return `the ref ${JSON.stringify(ref)} is not a valid git ref`;
  }
  return null;
}

/** The mirror's directory for a URL: a hash, so any URL makes a safe name. */
export function mirrorDir(cacheDir: string, url: string): string {
  return join(cacheDir, `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.git`);
}

function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  // git may need the service user's own configuration (credential helpers, ~/.ssh) to reach
  // the repository, so HOME stays; nothing else of the server's environment is passed.
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes',
    ...extra
  };
  if (process.env.HOME) env.HOME = process.env.HOME;
  return env;
}

interface GitOptions {
  signal: AbortSignal;
  timeoutMs: number;
  env?: Record<string, string>;
}

class GitError extends Error {}

/** Runs git; resolves with stdout, rejects with git's stderr in the message. */
function git(args: string[], options: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'protocol.ext.allow=never', ...args],
      {
        env: gitEnv(options.env),
        signal: options.signal,
        timeout: Math.max(1, options.timeoutMs),
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8'
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = String(stderr || error.message)
            .trim()
            .split('\n')
            .slice(-3)
            .join(' ');
          reject(new GitError(detail));
        } else resolve(stdout);
      }
    );
  });
}

const mirrorLocks = new Map<string, Promise<unknown>>();

/** One fetch (or clone) of a mirror at a time in this process. */
async function withMirrorLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const before = mirrorLocks.get(dir) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(work);
  mirrorLocks.set(dir, mine);
  try {
    return await mine;
  } finally {
    if (mirrorLocks.get(dir) === mine) mirrorLocks.delete(dir);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Clones the mirror the first time (into a temporary name, then renamed), fetches after. */
async function updateMirror(url: string, dir: string, cacheDir: string, options: GitOptions) {
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  await withMirrorLock(dir, async () => {
    if (await exists(join(dir, 'HEAD'))) {
      await git(['--git-dir', dir, 'fetch', '--prune', '--quiet', 'origin'], options);
      return;
    }
    const temporary = `${dir}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await git(['clone', '--mirror', '--quiet', '--', url, temporary], options);
      await rename(temporary, dir);
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
  });
}

/**
 * Brings `source` into `into` (created by the caller, empty): the whole tree at its ref
 * (default HEAD). `file` is the absolute path of `source.path` inside `into`.
 */
export async function checkoutGitSource(
  source: GitSource,
  into: string,
  cacheDir: string,
  indexFile: string,
  options: { signal: AbortSignal; timeoutMs: number }
): Promise<GitCheckout> {
  const pathIssue = gitPathProblem(source.path);
  if (pathIssue) return { ok: false, reason: pathIssue };
  const ref = source.ref ?? 'HEAD';
  const refIssue = refProblem(ref);
  if (refIssue) return { ok: false, reason: refIssue };
  const dir = mirrorDir(cacheDir, source.url);
  const deadline = Date.now() + options.timeoutMs;
  const step = (): GitOptions => ({ signal: options.signal, timeoutMs: deadline - Date.now() });
  try {
    await updateMirror(source.url, dir, cacheDir, step());
  } catch (error) {
    // Cancelled or out of time: the caller reports that, not a fetch failure.
    if (options.signal.aborted || Date.now() >= deadline) throw error;
    return { ok: false, reason: `git could not fetch ${source.url}: ${(error as Error).message}` };
  }
  let commit: string;
  try {
    commit = (
      await git(['--git-dir', dir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], step())
    ).trim();
  } catch {
    if (options.signal.aborted) throw new Error('aborted');
    return { ok: false, reason: `the ref ${JSON.stringify(ref)} was not found in ${source.url}` };
  }
  const path = source.path.replace(/^\.\//, '');
  const listing = await git(['--git-dir', dir, 'ls-tree', commit, '--', path], step());
  const entry = /^(\d{6}) (\w+) [0-9a-f]+\t/.exec(listing);
  if (!entry) {
    return {
      ok: false,
      reason: `the file ${JSON.stringify(source.path)} does not exist in ${source.url} at ${ref}`
    };
  }
  if (entry[2] !== 'blob' || entry[1] === '120000') {
    return {
      ok: false,
      reason: `${JSON.stringify(source.path)} in ${source.url} at ${ref} is not a regular file`
    };
  }
  await git(['--git-dir', dir, '--work-tree', into, 'checkout', '--force', commit, '--', '.'], {
    ...step(),
    env: { GIT_INDEX_FILE: indexFile }
  });
  return { ok: true, commit, file: join(into, path) };
}
