/**
 * What the REST suites share: the contract's JSON error shape
 * (`{ "error": { "code", "message", "details"? } }`), strict, so a stray field such as a stack
 * trace fails the test; and the app with a seeded workspace to call the API on.
 */
import { afterAll, beforeAll } from 'vitest';
import { z } from 'zod';
import type { Role } from '../../src/lib/shared/permissions';
import { seedWorkspace, type SeededUser } from './accounts';
import { startApp, type TestApp } from './app-process';
import type { TestClient } from './clients';
import { tempDataDir } from './sync-server';

/** The error body of docs/design.md §2, and nothing else. */
export const errorShape = z
  .object({
    error: z
      .object({ code: z.string(), message: z.string().min(1), details: z.unknown().optional() })
      .strict()
  })
  .strict();

/** A reply as the REST suites read it. */
export interface RestReply {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/**
 * The production app on a fresh DATA_DIR with workspace `ws` seeded with one user per role
 * (started before the file's tests, stopped after, with any websocket client pushed to
 * `clients`), and `call` to use the API as one of them.
 */
export function useRestApp(
  ws: string,
  roles: Role[],
  dataDirPrefix: string,
  /** `beforeStart`: seeds more into the store before the app starts. */
  options: { beforeStart?: (dataDir: string) => Promise<void> } = {}
) {
  let app: TestApp | undefined;
  let users: Record<string, SeededUser> = {};
  const clients: TestClient[] = [];
  beforeAll(async () => {
    const dataDir = tempDataDir(dataDirPrefix);
    users = await seedWorkspace(dataDir, ws, roles);
    await options.beforeStart?.(dataDir);
    app = await startApp({ dataDir });
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await app?.stop();
  });
  /** Calls the API as `as` (a seeded role; default the owner), with `body` as JSON. */
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    as = 'owner'
  ): Promise<RestReply> => {
    const headers: Record<string, string> = { authorization: `Bearer ${users[as]!.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${app!.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json') && text !== '';
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: json ? (JSON.parse(text) as unknown) : undefined
    };
  };
  return {
    get app(): TestApp {
      if (!app) throw new Error('the app is not started yet');
      return app;
    },
    get users(): Record<string, SeededUser> {
      return users;
    },
    clients,
    call
  };
}
