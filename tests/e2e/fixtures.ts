/**
 * Accounts for the browser tests. The shared e2e server (playwright.config.ts) is set up once by
 * global-setup.ts: an owner and a member, both in workspace `e2e`, each already signed in, with
 * their session saved as a Playwright storage state. Tests reuse those sessions instead of
 * signing in again: every sign-in counts against the per-address limit (all tests come from
 * 127.0.0.1), and a test that signs out would end a shared session, so such tests use their own
 * users or their own server.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';

export interface E2eUser {
  id: string;
  email: string;
  password: string;
  name: string;
  /** Playwright storage state file holding this user's signed-in session. */
  storageState: string;
}

export interface E2eAccounts {
  baseURL: string;
  owner: E2eUser;
  member: E2eUser;
  /** Workspace both belong to (owner: owner, member: member). */
  workspaceId: string;
}

/** Where global-setup.ts keeps the accounts (next to the shared server's data). */
export function accountsFile(): string {
  const dataDir = process.env.RUNBOARD_E2E_DATA_DIR;
  if (!dataDir)
    throw new Error('RUNBOARD_E2E_DATA_DIR is not set: run through playwright.config.ts');
  return join(dataDir, 'e2e-accounts.json');
}

let cached: E2eAccounts | null = null;

/** The accounts made by global-setup.ts. */
export function e2eAccounts(): E2eAccounts {
  cached ??= JSON.parse(readFileSync(accountsFile(), 'utf8')) as E2eAccounts;
  return cached;
}

/** Options for `browser.newContext()` that start signed in as `user` (owner by default). */
export function signedIn(user: E2eUser = e2eAccounts().owner): { storageState: string } {
  return { storageState: user.storageState };
}

/**
 * Signs `page`'s browser context in as `user` (owner by default) with the session saved by the
 * global setup: no sign-in request, so no rate limit is touched.
 */
export async function signIn(page: Page, user: E2eUser = e2eAccounts().owner): Promise<void> {
  await useSession(page.context(), user);
}

/** Puts `user`'s saved session cookie into `context`. */
export async function useSession(context: BrowserContext, user: E2eUser): Promise<void> {
  const state = JSON.parse(readFileSync(user.storageState, 'utf8')) as {
    cookies: Parameters<BrowserContext['addCookies']>[0];
  };
  await context.addCookies(state.cookies);
}

/** An API client signed in as `user`. Dispose it when done. */
export function apiAs(user: E2eUser): Promise<APIRequestContext> {
  return request.newContext({ baseURL: e2eAccounts().baseURL, storageState: user.storageState });
}

/**
 * A fresh workspace named `<prefix>-<random>` with the owner as owner and the member added with
 * `options.member` (default `member`; null leaves them out), made through the REST API (create,
 * invite, accept). Returns its id.
 */
export async function newWorkspace(
  prefix: string,
  options: { member?: 'admin' | 'operator' | 'member' | 'viewer' | null; name?: string } = {}
): Promise<string> {
  const { owner, member } = e2eAccounts();
  const role = options.member === undefined ? 'member' : options.member;
  const ownerApi = await apiAs(owner);
  const memberApi = await apiAs(member);
  try {
    const name =
      options.name ??
      `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    const created = await ownerApi.post('/api/v1/workspaces', { data: { name } });
    if (created.status() !== 201) throw new Error(`create workspace: ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    if (role === null) return id;
    const invite = await ownerApi.post(`/api/v1/workspaces/${id}/invites`, {
      data: { role, maxUses: 1 }
    });
    if (invite.status() !== 201) throw new Error(`invite: ${await invite.text()}`);
    const { url } = (await invite.json()) as { url: string };
    const token = url.split('/').pop() ?? '';
    const accepted = await memberApi.post(`/api/v1/invites/${token}/accept`);
    if (accepted.status() !== 200) throw new Error(`accept invite: ${await accepted.text()}`);
    return id;
  } finally {
    await ownerApi.dispose();
    await memberApi.dispose();
  }
}
