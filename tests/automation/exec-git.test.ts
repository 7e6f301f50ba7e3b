/**
 * Sources from git: a local bare repository made by the test; the executor mirrors it into the
 * git cache, fetches on the next run, checks out the tree at the ref, and refuses bad paths.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute } from '../../src/lib/server/automation/exec/execute';
import { mirrorDir } from '../../src/lib/server/automation/exec/git-source';
import {
  ansibleSpec,
  recordingSink,
  requireProgram,
  shellSpec,
  testPlaces,
  type TestPlaces
} from '../helpers/exec';

let places: TestPlaces;
let origin: string;
let work: string;

const never = () => new AbortController().signal;
const hasAnsible = requireProgram(existsSync('/usr/bin/ansible-playbook'), 'ansible-playbook');

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=Test',
      '-c',
      'user.email=test@example.org',
      '-c',
      'init.defaultBranch=main',
      ...args
    ],
    { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: places.root } }
  );
}

async function put(path: string, text: string) {
  await mkdir(dirname(join(work, path)), { recursive: true });
  await writeFile(join(work, path), text);
}

async function commitAndPush(message: string) {
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', message);
  git(work, 'push', '-q', 'origin', 'HEAD:main');
}

beforeAll(async () => {
  places = await testPlaces(300);
  origin = join(places.root, 'origin.git');
  work = join(places.root, 'checkout');
  git(places.root, 'init', '-q', '--bare', origin);
  git(places.root, 'init', '-q', work);
  git(work, 'remote', 'add', 'origin', origin);
  await put('scripts/hello.sh', 'source ./src/scripts/lib.sh\necho "hello v1 from $(greet)"\n');
  await put('scripts/lib.sh', 'greet() { echo lib; }\n');
  await put('playbooks/site.yml', '- hosts: all\n  gather_facts: false\n  roles:\n    - greet\n');
  await put(
    'playbooks/roles/greet/tasks/main.yml',
    "- name: say it\n  ansible.builtin.debug:\n    msg: \"{{ lookup('ansible.builtin.template', 'greeting.j2') | trim }}\"\n"
  );
  await put('playbooks/roles/greet/templates/greeting.j2', 'role says {{ greeting }}\n');
  await commitAndPush('v1');
  git(work, 'tag', 'v1');
  git(work, 'push', '-q', 'origin', 'v1');
});

afterAll(async () => {
  await places.dispose();
});

describe('git sources', () => {
  it('runs the file at path from the tree at ref, and a new push on the next run', async () => {
    const url = origin;
    const first = recordingSink();
    const r1 = await execute(
      shellSpec('', { source: { git: { url, path: 'scripts/hello.sh' } } }),
      places,
      first,
      never()
    );
    expect(r1).toMatchObject({ state: 'succeeded', exitCode: 0 });
    expect(first.text()).toBe('hello v1 from lib\n');
    expect(existsSync(join(mirrorDir(places.gitCacheDir, url), 'HEAD'))).toBe(true);

    await put('scripts/hello.sh', 'source ./src/scripts/lib.sh\necho "hello v2 from $(greet)"\n');
    await commitAndPush('v2');

    const second = recordingSink();
    const r2 = await execute(
      shellSpec('', { source: { git: { url, path: 'scripts/hello.sh' } } }),
      places,
      second,
      never()
    );
    expect(r2.state).toBe('succeeded');
    expect(second.text()).toBe('hello v2 from lib\n');

    const pinned = recordingSink();
    const r3 = await execute(
      shellSpec('', { source: { git: { url, ref: 'v1', path: './scripts/hello.sh' } } }),
      places,
      pinned,
      never()
    );
    expect(r3.state).toBe('succeeded');
    expect(pinned.text()).toBe('hello v1 from lib\n');
    // One mirror for the URL, reused.
    expect(await readdir(places.gitCacheDir)).toHaveLength(1);
    expect(await places.leftovers()).toEqual([]);
  });

  it('runs of one URL at once share one mirror (the clone and fetches take turns)', async () => {
    const url = `file://${origin}`;
    const sinks = [recordingSink(), recordingSink(), recordingSink()];
    const results = await Promise.all(
      sinks.map((sink) =>
        execute(
          shellSpec('', { source: { git: { url, path: 'scripts/hello.sh' } } }),
          places,
          sink,
          never()
        )
      )
    );
    expect(results.map((r) => r.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    for (const sink of sinks) expect(sink.text()).toMatch(/^hello v\d from lib\n$/);
    const mirrors = await readdir(places.gitCacheDir);
    expect(mirrors.filter((m) => m.includes('.tmp-'))).toEqual([]);
    expect(mirrors).toContain(mirrorDir(places.gitCacheDir, url).split('/').pop());
  });

  it('fails with a reason for a missing path, a bad ref, an escaping path and a bad URL', async () => {
    const injected = join(places.root, 'injected');
    const cases: [Parameters<typeof shellSpec>[1], RegExp][] = [
      [{ source: { git: { url: origin, path: 'scripts/nope.sh' } } }, /does not exist/],
      [{ source: { git: { url: origin, path: 'scripts' } } }, /not a regular file/],
      [
        { source: { git: { url: origin, ref: 'no-such-branch', path: 'scripts/hello.sh' } } },
        /ref "no-such-branch" was not found/
      ],
      [
        { source: { git: { url: origin, ref: '--upload-pack=touch x', path: 'a' } } },
        /not a valid git ref/
      ],
      [{ source: { git: { url: origin, path: '../../etc/passwd' } } }, /must not contain "\.\."/],
      [{ source: { git: { url: origin, path: '/etc/passwd' } } }, /must be relative/],
      [
        { source: { git: { url: join(places.root, 'missing.git'), path: 'a.sh' } } },
        /git could not fetch/
      ],
      [
        { source: { git: { url: `--upload-pack=touch ${injected}`, path: 'a.sh' } } },
        /git could not fetch/
      ]
    ];
    for (const [overrides, reason] of cases) {
      const sink = recordingSink();
      const result = await execute(shellSpec('', overrides), places, sink, never());
      expect(result.state).toBe('failed');
      expect(result.reason).toMatch(reason);
      expect(sink.pids).toEqual([]);
    }
    expect(existsSync(injected)).toBe(false);
    expect(await places.leftovers()).toEqual([]);
  });

  it.runIf(hasAnsible)(
    'gives a playbook from git its whole tree: roles and templates',
    async () => {
      const sink = recordingSink();
      const result = await execute(
        ansibleSpec('', {
          source: { git: { url: origin, path: 'playbooks/site.yml' } },
          parameters: { greeting: 'hi there' }
        }),
        places,
        sink,
        never()
      );
      expect(result.state, sink.text()).toBe('succeeded');
      expect(sink.text()).toContain('role says hi there');
      expect(result.summary).toEqual([
        {
          host: 'localhost',
          ok: 1,
          changed: 0,
          unreachable: 0,
          failed: 0,
          skipped: 0,
          rescued: 0,
          ignored: 0
        }
      ]);
    }
  );
});
