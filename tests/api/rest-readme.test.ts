/**
 * [API5] The README's "Tasks over REST" example, parsed out of README.md and run as written
 * (the same `curl` commands, in bash) against a fresh workspace of the production app, so the
 * example cannot drift from what the API does.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { taskSchema } from '../../src/lib/shared/board/schema';
import { seedWorkspace } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { tempDataDir } from '../helpers/sync-server';

const run = promisify(execFile);
const WS = 'readme';

let app: TestApp;
let token = '';

/** The shell commands of the README's REST example: its first sh block after the heading. */
function readmeExample(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('Tasks over REST');
  expect(start, 'README section "Tasks over REST"').toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start))?.[1] ?? '';
  // One command per line once continuations are joined; the token line is ours to set.
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('export '));
}

beforeAll(async () => {
  const dataDir = tempDataDir('runboard-readme-');
  token = (await seedWorkspace(dataDir, WS)).owner!.token;
  app = await startApp({ dataDir });
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

describe('README', () => {
  it('[API5] the REST example creates a task and then finds it, as written', async () => {
    const commands = readmeExample();
    expect(commands).toHaveLength(2);
    const host = new URL(app.baseUrl).host;
    const outputs: string[] = [];
    for (const command of commands) {
      expect(command).toMatch(/^curl /);
      const line = command.replaceAll('localhost:3000', host).replaceAll('<workspace>', WS);
      const { stdout } = await run('bash', ['-c', line], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', RUNBOARD_TOKEN: token },
        timeout: 20_000
      });
      outputs.push(stdout);
    }
    const created = taskSchema.parse(JSON.parse(outputs[0] ?? ''));
    const found = z.array(taskSchema).parse(JSON.parse(outputs[1] ?? ''));
    expect(found.map((task) => task.id)).toEqual([created.id]);
  });
});
