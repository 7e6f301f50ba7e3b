/**
 * The executor runs real bash processes: parameters arrive literally, the environment is clean,
 * timeouts and cancels kill whole process trees (also children that ignore SIGTERM), secrets
 * are masked in the output, and the working directory is gone after every outcome.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute } from '../../src/lib/server/automation/exec/execute';
import { MASK } from '../../src/lib/shared/automation/schema';
import { alive, recordingSink, shellSpec, testPlaces, type TestPlaces } from '../helpers/exec';

let places: TestPlaces;

beforeAll(async () => {
  places = await testPlaces(300);
});

afterAll(async () => {
  await places.dispose();
});

const never = () => new AbortController().signal;

async function pidsIn(file: string): Promise<number[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(Number);
}

describe('shell jobs', () => {
  it('hands parameters over literally, as RB_OPTION_* variables, never as program text', async () => {
    const marker = join(places.root, 'marker');
    const pwned = join(places.root, 'pwned');
    await writeFile(marker, 'still here');
    const values = {
      semicolon: `x; rm -rf ${marker}`,
      subst: `$(touch ${pwned})`,
      backticks: `\`touch ${pwned}\``,
      newline: `line one\nline two; touch ${pwned}\n`,
      quotes: `it's "quoted" \\ back'slash' $HOME`,
      unicode: '变更 ✓ naïve',
      count: 42,
      dry_run: true,
      'weird-name': 'dash'
    };
    const script = [
      'for name in SEMICOLON SUBST BACKTICKS NEWLINE QUOTES UNICODE COUNT DRY_RUN WEIRD_NAME; do',
      '  var="RB_OPTION_$name"',
      '  printf "<%s=%s>\\n" "$name" "${!var}"',
      'done'
    ].join('\n');
    const sink = recordingSink();
    const result = await execute(shellSpec(script, { parameters: values }), places, sink, never());
    expect(result).toEqual({ state: 'succeeded', exitCode: 0, summary: null, reason: null });
    const expected = [
      ['SEMICOLON', values.semicolon],
      ['SUBST', values.subst],
      ['BACKTICKS', values.backticks],
      ['NEWLINE', values.newline],
      ['QUOTES', values.quotes],
      ['UNICODE', values.unicode],
      ['COUNT', '42'],
      ['DRY_RUN', 'true'],
      ['WEIRD_NAME', 'dash']
    ]
      .map(([k, v]) => `<${k}=${v}>\n`)
      .join('');
    expect(Buffer.from(sink.text())).toEqual(Buffer.from(expected));
    expect(existsSync(pwned)).toBe(false);
    expect(await readFile(marker, 'utf8')).toBe('still here');
    expect(await places.leftovers()).toEqual([]);
  });

  it('gives the child none of the server environment, only the listed variables', async () => {
    process.env.RUNBOARD_SECRET_KEY = 'fake-secret-key-0123456789';
    process.env.DATABASE_URL = 'postgres://app:hunter2@db/runboard';
    try {
      const sink = recordingSink();
      const result = await execute(
        shellSpec('env -0', {
          runId: 'env-run',
          parameters: { greeting: 'hello' },
          credentials: [{ name: 'api token', kind: 'token', username: 'bot', secret: 'tok-123' }]
        }),
        places,
        sink,
        never()
      );
      expect(result.state).toBe('succeeded');
      const output = sink.text();
      expect(output).not.toContain('fake-secret-key');
      expect(output).not.toContain('hunter2');
      const env = Object.fromEntries(
        output
          .split('\0')
          .filter((e) => e !== '')
          .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])
      );
      // bash itself adds PWD, SHLVL and _ to what it exports.
      expect(Object.keys(env).sort()).toEqual(
        [
          'HOME',
          'LANG',
          'LC_ALL',
          'PATH',
          'PWD',
          'RB_CREDENTIAL_API_TOKEN_SECRET',
          'RB_CREDENTIAL_API_TOKEN_USERNAME',
          'RB_OPTION_GREETING',
          'RB_RUN_ID',
          'SHLVL',
          'TERM',
          'TMPDIR',
          '_'
        ].sort()
      );
      expect(env.PATH).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
      expect(env.HOME).toBe(env.PWD);
      expect(env.HOME?.startsWith(places.workRoot + '/run-env-run-')).toBe(true);
      expect(env.TMPDIR).toBe(`${env.HOME}/tmp`);
      expect(env.LANG).toBe('C.UTF-8');
      expect(env.TERM).toBe('xterm-256color');
      expect(env.RB_RUN_ID).toBe('env-run');
      expect(env.RB_OPTION_GREETING).toBe('hello');
      expect(env.RB_CREDENTIAL_API_TOKEN_USERNAME).toBe('bot');
      // The token is a secret: masked even where the script prints its own environment.
      expect(env.RB_CREDENTIAL_API_TOKEN_SECRET).toBe(MASK);
      expect(output).not.toContain('tok-123');
    } finally {
      delete process.env.RUNBOARD_SECRET_KEY;
      delete process.env.DATABASE_URL;
    }
  });

  it('reports a failing exit code and removes the working directory (0700 while it ran)', async () => {
    const sink = recordingSink();
    const result = await execute(
      shellSpec('stat -c "%a %n" "$PWD"; echo oops >&2; exit 3'),
      places,
      sink,
      never()
    );
    expect(result).toEqual({ state: 'failed', exitCode: 3, summary: null, reason: null });
    const [mode = '', dir = ''] = (sink.text().split('\n')[0] ?? '').split(' ');
    expect(mode).toBe('700');
    expect(sink.text()).toContain('oops\n');
    expect(existsSync(dir)).toBe(false);
    expect(await places.leftovers()).toEqual([]);
  });

  it('keeps stdout and stderr in the order written, and multi-byte characters whole', async () => {
    const sink = recordingSink();
    const script = [
      'echo one',
      'echo two >&2',
      'echo three',
      // 中 is e4 b8 ad: written in two pieces with a pause between
      "printf '\\xe4\\xb8'",
      'sleep 0.3',
      "printf '\\xad\\n'"
    ].join('\n');
    const result = await execute(shellSpec(script), places, sink, never());
    expect(result.state).toBe('succeeded');
    expect(sink.text()).toBe('one\ntwo\nthree\n中\n');
    expect(sink.text()).not.toContain('\ufffd');
  });

  it('a timeout kills the whole tree, children and grandchildren that ignore SIGTERM included', async () => {
    const pidFile = join(places.root, 'tree-pids');
    const script = `
trap '' TERM
echo $$ >> "$RB_OPTION_PIDS"
(
  trap '' TERM
  echo $BASHPID >> "$RB_OPTION_PIDS"
  ( trap '' TERM; echo $BASHPID >> "$RB_OPTION_PIDS"; sleep 60 & echo $! >> "$RB_OPTION_PIDS"; wait ) &
  sleep 60 & echo $! >> "$RB_OPTION_PIDS"
  wait
) &
sleep 60 & echo $! >> "$RB_OPTION_PIDS"
sleep 0.3
echo ready
wait
`;
    const sink = recordingSink();
    const started = Date.now();
    const result = await execute(
      shellSpec(script, { parameters: { pids: pidFile }, timeoutMs: 1500 }),
      places,
      sink,
      never()
    );
    const took = Date.now() - started;
    expect(result.state).toBe('timed_out');
    expect(result.exitCode).toBeNull();
    expect(result.reason).toMatch(/timed out/);
    expect(sink.text()).toContain('ready');
    // The leader ignored SIGTERM: only the SIGKILL after the grace ended it.
    expect(took).toBeGreaterThanOrEqual(1500 + 250);
    expect(took).toBeLessThan(1500 + 300 + 2500);
    const pids = await pidsIn(pidFile);
    expect(pids).toHaveLength(6);
    expect(pids).toContain(sink.pids[0]);
    await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
    expect(await places.leftovers()).toEqual([]);
  });

  it('kills what the script left running in the background when it exits', async () => {
    const pidFile = join(places.root, 'background-pids');
    const script = `(trap '' TERM; sleep 60) & echo $! >> "$RB_OPTION_PIDS"
nohup sleep 60 >/dev/null 2>&1 & echo $! >> "$RB_OPTION_PIDS"
echo done`;
    const sink = recordingSink();
    const started = Date.now();
    const result = await execute(
      shellSpec(script, { parameters: { pids: pidFile } }),
      places,
      sink,
      never()
    );
    expect(result.state).toBe('succeeded');
    expect(Date.now() - started).toBeLessThan(5000);
    const pids = await pidsIn(pidFile);
    expect(pids).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
  });

  it('a cancel through the AbortSignal kills the tree and reports cancelled', async () => {
    const pidFile = join(places.root, 'cancel-pids');
    const controller = new AbortController();
    const sink = recordingSink();
    const original = sink.output;
    sink.output = (chunk) => {
      original(chunk);
      if (sink.text().includes('ready')) controller.abort();
    };
    const script = `trap '' TERM
( trap '' TERM; sleep 60 ) & echo $! >> "$RB_OPTION_PIDS"
echo $$ >> "$RB_OPTION_PIDS"
echo ready
wait`;
    const started = Date.now();
    const result = await execute(
      shellSpec(script, { parameters: { pids: pidFile }, timeoutMs: 30_000 }),
      places,
      sink,
      controller.signal
    );
    expect(result.state).toBe('cancelled');
    expect(result.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
    const pids = await pidsIn(pidFile);
    expect(pids).toHaveLength(2);
    expect(pids.filter(alive)).toEqual([]);
    expect(await places.leftovers()).toEqual([]);
  });

  it('an already aborted signal starts nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const sink = recordingSink();
    const result = await execute(shellSpec('echo hi'), places, sink, controller.signal);
    expect(result.state).toBe('cancelled');
    expect(sink.pids).toEqual([]);
  });

  it('masks secrets in the output, also when written in two pieces, and a key line by line', async () => {
    const secret = 'S3cr3t-Pa55word-xyz';
    const key = [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACBDaXJpQ2F0dGxlQmF0dGxlSGVscGVyMTIzNDU2Nzg5MGFiY2RlZgAAAJiM',
      'AAAAC3NzaC1lZDI1NTE5AAAAIENhbGwgbWUgSXNobWFlbC4gU29tZSB5ZWFycyBhZ28u',
      '-----END OPENSSH PRIVATE KEY-----',
      ''
    ].join('\n');
    const script = `
echo "plain: $RB_OPTION_PASSWORD"
printf 'split: %s' "\${RB_OPTION_PASSWORD:0:9}"
sleep 0.3
printf '%s\\n' "\${RB_OPTION_PASSWORD:9}"
echo "not secret: $RB_OPTION_USER"
stat -c '%a' "$RB_CREDENTIAL_DEPLOY_KEY_FILE"
cat "$RB_CREDENTIAL_DEPLOY_KEY_FILE"
echo "$RB_CREDENTIAL_DEPLOY_KEY_SECRET" | tr -d '\\n'
echo
echo end`;
    const sink = recordingSink();
    const result = await execute(
      shellSpec(script, {
        parameters: { password: secret, user: 'alice' },
        secretParameters: ['password'],
        credentials: [{ name: 'deploy-key', kind: 'ssh_key', username: 'root', secret: key }]
      }),
      places,
      sink,
      never()
    );
    expect(result.state).toBe('succeeded');
    const output = sink.text();
    expect(output).toContain(`plain: ${MASK}\n`);
    expect(output).toContain(`split: ${MASK}\n`);
    expect(output).toContain('not secret: alice\n');
    expect(output).toContain('\n600\n');
    expect(output).not.toContain(secret);
    expect(output).not.toContain(secret.slice(0, 9));
    for (const line of key.split('\n').filter((l) => l.length >= 4)) {
      expect(output).not.toContain(line);
    }
    expect(output.endsWith('end\n')).toBe(true);
  });
});

describe('a sink that throws', () => {
  it('ends the run, kills its tree, removes the working directory and throws', async () => {
    const pidFile = join(places.root, 'sink-pids');
    const sink = recordingSink();
    sink.output = () => {
      throw new Error('log store gone');
    };
    const script = `(trap '' TERM; sleep 60) & echo $! >> "$RB_OPTION_PIDS"
echo $$ >> "$RB_OPTION_PIDS"
echo hello
sleep 60`;
    const started = Date.now();
    await expect(
      execute(shellSpec(script, { parameters: { pids: pidFile } }), places, sink, never())
    ).rejects.toThrow('log store gone');
    expect(Date.now() - started).toBeLessThan(5000);
    const pids = await pidsIn(pidFile);
    expect(pids).toHaveLength(2);
    expect(pids.filter(alive)).toEqual([]);
    expect(await places.leftovers()).toEqual([]);
  });
});

describe('processes that leave the group', () => {
  it('a setsid child (own session and group) does not outlive the run either', async () => {
    const pidFile = join(places.root, 'setsid-pids');
    const script = `setsid bash -c 'trap "" TERM; echo $$ >> "$RB_OPTION_PIDS"; sleep 60' </dev/null >/dev/null 2>&1 &
for i in $(seq 50); do [ -s "$RB_OPTION_PIDS" ] && break; sleep 0.05; done
ps -o pgid= -p "$(head -1 "$RB_OPTION_PIDS")" | tr -d ' '
echo "me $$"`;
    const sink = recordingSink();
    const result = await execute(
      shellSpec(script, { parameters: { pids: pidFile } }),
      places,
      sink,
      never()
    );
    expect(result.state, sink.text()).toBe('succeeded');
    const pids = await pidsIn(pidFile);
    expect(pids).toHaveLength(1);
    // It really was in a group of its own.
    const [pgid] = sink.text().split('\n');
    expect(Number(pgid)).toBe(pids[0]);
    await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
  });
});
