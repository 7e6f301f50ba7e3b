/**
 * What the container runs, run here without a Docker engine: the final stage of
 * deploy/Dockerfile laid out in a temporary folder as its COPY lines lay it out (the build and
 * package.json copied; node_modules linked, since pruning to production dependencies is an
 * image-build step), started with the Dockerfile's exact CMD and ENV (and nothing else from
 * this machine's environment but PATH) on a temporary DATA_DIR; then /healthz, /readyz, the
 * image's HEALTHCHECK command itself, and a clean exit on SIGTERM within the grace period the
 * compose file and the Kubernetes manifests give; and the guides' backup command in the image
 * while the node serves. Then two such nodes on one fresh PostgreSQL
 * database, as deploy/compose.yaml runs them (without REDIS_URL until the fan-out ships).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseEnvFor, TEST_SECRET_KEY } from '../helpers/database';
import { dockerStages, instruction, root, stageEnv } from '../helpers/deploy';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../helpers/postgres';

const final = dockerStages().at(-1)!;
const command = JSON.parse(instruction(final, 'CMD')!) as string[];
const healthcheck = JSON.parse(
  /CMD (\[.*\])$/.exec(instruction(final, 'HEALTHCHECK')!)![1]!
) as string[];
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The image's /app: each `COPY --from=… /app/<x> ./<x>` of the final stage. */
function imageLayout(): string {
  const app = mkdtempSync(join(tmpdir(), 'runboard-image-'));
  cleanups.push(() => rmSync(app, { recursive: true, force: true }));
  for (const { op, args } of final.instructions) {
    if (op !== 'COPY') continue;
    const [, from = '', target = ''] = /^--from=\S+ \/app\/(\S+) \.\/(\S+)$/.exec(args) ?? [];
    expect(from, args).not.toBe('');
    if (from === 'node_modules') symlinkSync(join(root, 'node_modules'), join(app, target), 'dir');
    else cpSync(join(root, from), join(app, target), { recursive: true });
  }
  return app;
}

interface Node {
  port: number;
  output: () => string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Runs the Dockerfile's CMD in `app` with its ENV plus `env`. */
async function startContainerCommand(app: string, env: Record<string, string>): Promise<Node> {
  const [program, ...args] = command;
  expect(program).toBe('node');
  const child = spawn(process.execPath, args, {
    cwd: app,
    env: { PATH: process.env.PATH, ...stageEnv(final), ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code))
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on http:\/\/[^\s:]+:(\d+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(Number(match[1]));
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`exited (${code}) before listening:\n${output}`));
    });
  });
  const node: Node = {
    port,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    }
  };
  cleanups.push(() => void node.stop());
  return node;
}

/** Runs the image's HEALTHCHECK command against PORT=`port`; resolves to its exit code. */
function runHealthcheck(port: number): Promise<number | null> {
  const [program, ...args] = healthcheck;
  expect(program).toBe('node');
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, PORT: String(port) },
    stdio: 'ignore'
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

interface Readiness {
  ready: boolean;
  storage: { kind: string; ok: boolean };
}

/** Runs `node <args>` in the image layout with the image's ENV plus `env`. */
function runInImage(
  app: string,
  args: string[],
  env: Record<string, string>
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, args, {
    cwd: app,
    env: { PATH: process.env.PATH, ...stageEnv(final), ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

async function readiness(port: number): Promise<{ status: number; body: Readiness }> {
  const reply = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: reply.status, body: (await reply.json()) as Readiness };
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('the container’s start command', () => {
  it('serves /healthz and /readyz, passes the HEALTHCHECK, backs up, and exits 0 on SIGTERM in time', async () => {
    const app = imageLayout();
    const dataDir = tempDir('runboard-image-data-');
    const node = await startContainerCommand(app, {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ...(await databaseEnvFor(dataDir))
    });
    expect((await fetch(`http://127.0.0.1:${node.port}/healthz`)).status).toBe(200);
    const ready = await readiness(node.port);
    expect(ready.status).toBe(200);
    expect(ready.body.ready).toBe(true);
    expect(await runHealthcheck(node.port)).toBe(0);
    // The pages and their assets are in the copied build: the first run opens the setup page.
    const page = await fetch(`http://127.0.0.1:${node.port}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const asset = /(?:src|href)="([^"]*_app\/immutable\/[^"]+)"/.exec(html)?.[1];
    expect(asset, html.slice(0, 500)).toBeDefined();
    expect((await fetch(new URL(asset!, page.url))).status).toBe(200);
    // The backup command of docs/deploy/*.md, in the image, while the node serves.
    const backup = await runInImage(
      app,
      ['build/server/admin.js', 'backup', '--out', join(dataDir, 'b.rbk')],
      {
        DATA_DIR: dataDir,
        ...(await databaseEnvFor(dataDir))
      }
    );
    expect(backup.code, backup.output).toBe(0);
    expect(backup.output).toMatch(/done: \d+ records, \d+ documents/);

    const started = Date.now();
    expect(await node.stop()).toBe(0);
    // deploy/compose.yaml's stop_grace_period and the pods' grace period leave 30 s to drain.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await runHealthcheck(node.port)).toBe(1);
  });
});

const pgSkip = await postgresSkipReason();

describe.skipIf(pgSkip !== null)(
  'two nodes on one PostgreSQL database, as compose runs them',
  () => {
    it('both start (migrating concurrently) and report PostgreSQL ready', async () => {
      const database: TestDatabase = await createTestDatabase();
      cleanups.push(() => database.drop());
      const app = imageLayout();
      const env = {
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        RUNBOARD_SECRET_KEY: TEST_SECRET_KEY
      };
      const nodes = await Promise.all([
        startContainerCommand(app, { ...env, DATA_DIR: tempDir('runboard-node1-') }),
        startContainerCommand(app, { ...env, DATA_DIR: tempDir('runboard-node2-') })
      ]);
      for (const node of nodes) {
        const ready = await readiness(node.port);
        expect(ready.status, node.output()).toBe(200);
        expect(ready.body.storage).toEqual({ kind: 'postgres', ok: true });
      }
      expect(await Promise.all(nodes.map((node) => node.stop()))).toEqual([0, 0]);
    });
  }
);
