/**
 * The building blocks of sign-in: scrypt password hashes, credential parsing and constant-time
 * secret checks, the rate limiter, the account input schemas and the demo board.
 */
import * as crypto from 'node:crypto';
import * as Y from 'yjs';
import { describe, expect, it, vi } from 'vitest';
import {
  loginInputSchema,
  setupInputSchema,
  tokenCreateSchema
} from '../../src/lib/server/accounts/account-schemas';
import { bearerToken, readCookie } from '../../src/lib/server/auth/authenticate';
import {
  PASSWORD_MIN_LENGTH,
  dummyPasswordHash,
  hashPassword,
  verifyPassword
} from '../../src/lib/server/auth/password';
import { RateLimiter, authLimits } from '../../src/lib/server/auth/rate-limit';
import {
  hashSecret,
  newCredential,
  parseCredential,
  secretMatches
} from '../../src/lib/server/auth/secrets';
import { DEMO_TASK_COUNT, fillDemoBoard } from '../../src/lib/server/demo/demo-data';
import { DEMO_RUNBOOKS } from '../../src/lib/server/demo/demo-runbooks';
import { parseMarkdown } from '../../src/lib/server/runbooks/runbooks-service';
import { toApiError } from '../../src/lib/server/api/errors';
import { listLabels, listTasks } from '../../src/lib/shared/board/board-model';
import { taskSchema } from '../../src/lib/shared/board/schema';
import { fieldErrorsOf } from '../../src/lib/shared/form-errors';
import { DomainError } from '../../src/lib/shared/model/domain-error';
import { describeUserAgent } from '../../src/routes/(app)/account/user-agent';

// A pass-through spy: proves the secret check goes through crypto.timingSafeEqual.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterz', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password'),
      hashPassword('same password')
    ]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('treats canonically equal Unicode the same (NFKC)', async () => {
    const stored = await hashPassword('ﬁle cabinet key');
    expect(await verifyPassword('file cabinet key', stored)).toBe(true);
  });

  it('refuses malformed stored hashes instead of throwing', async () => {
    for (const stored of [
      '',
      'plain',
      'scrypt$1$2$3',
      'bcrypt$a$b$c$d$e',
      'scrypt$x$8$1$AA==$AA=='
    ]) {
      expect(await verifyPassword('anything at all', stored)).toBe(false);
    }
  });

  it('has a dummy hash that matches no password, made once', async () => {
    const dummy = await dummyPasswordHash();
    expect(await dummyPasswordHash()).toBe(dummy);
    expect(await verifyPassword('', dummy)).toBe(false);
    expect(await verifyPassword('correct horse battery', dummy)).toBe(false);
  });
});

describe('credentials', () => {
  it('parses what newCredential makes, with and without a prefix', () => {
    const plain = newCredential();
    expect(parseCredential(plain.token)).toEqual({ id: plain.id, secret: plain.secret });
    const token = newCredential('rbt_');
    expect(token.token.startsWith('rbt_')).toBe(true);
    expect(parseCredential(token.token, 'rbt_')).toEqual({ id: token.id, secret: token.secret });
  });

  it('refuses wrong shapes', () => {
    const { id, secret, token } = newCredential('rbt_');
    for (const bad of [
      '',
      token.slice(4), // prefix missing
      `rbt_${id}`, // no secret
      `rbt_${id}.`,
      `rbt_.${secret}`,
      `rbt_${id}.${secret}x`, // secret too long
      `rbt_${id.toUpperCase()}.${secret}`, // outside the alphabet
      `rbt_${id}.${secret.slice(0, -1)}0`, // 0 is not in the alphabet
      `rbt_${id}.${secret}`.padEnd(300, 'a')
    ]) {
      expect(parseCredential(bad, 'rbt_'), bad).toBeNull();
    }
  });

  it('reads bearer tokens and cookies from headers', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer   abc')).toBe('abc');
    for (const header of [null, undefined, '', 'Basic abc', 'Bearer', 'Bearer a b']) {
      expect(bearerToken(header)).toBeNull();
    }
    expect(readCookie('a=1; rb_session=x.y; b=2', 'rb_session')).toBe('x.y');
    expect(readCookie('rb_session_other=1', 'rb_session')).toBeNull();
    expect(readCookie(null, 'rb_session')).toBeNull();
  });

  it('checks secrets in constant time: equal-length wrong secrets are refused via timingSafeEqual', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    const { secret } = newCredential();
    const stored = hashSecret(secret);
    spy.mockClear();
    expect(secretMatches(secret, stored)).toBe(true);
    // Same length, one character different: only a full comparison can tell.
    const last = secret.at(-1) === 'a' ? 'b' : 'a';
    const wrong = secret.slice(0, -1) + last;
    expect(wrong).toHaveLength(secret.length);
    expect(secretMatches(wrong, stored)).toBe(false);
    expect(spy).toHaveBeenCalledTimes(2);
    // A stored value of another length is refused before comparing (no throw).
    expect(secretMatches(secret, stored.subarray(1))).toBe(false);
  });

  it('checks passwords with timingSafeEqual too', async () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    const stored = await hashPassword('correct horse battery');
    spy.mockClear();
    expect(await verifyPassword('correct horse batterz', stored)).toBe(false);
    expect(spy).toHaveBeenCalledTimes(1);
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the wait until the next token', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, refillMs: 3_000 }, () => now);
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([0, 0, 0]);
    expect(limiter.take('k')).toBe(1_000);
    now += 500;
    expect(limiter.take('k')).toBe(500);
    now += 500;
    expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBeGreaterThan(0);
  });

  it('counts keys separately and refills to the burst, not beyond', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 2, refillMs: 1_000 }, () => now);
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('a')).toBeGreaterThan(0);
    expect(limiter.take('b')).toBe(0);
    now += 60_000;
    expect([limiter.take('a'), limiter.take('a')]).toEqual([0, 0]);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });

  it('forgets a key on reset (after a successful sign-in)', () => {
    const limiter = new RateLimiter({ burst: 1, refillMs: 60_000 }, () => 0);
    limiter.take('user');
    expect(limiter.take('user')).toBeGreaterThan(0);
    limiter.reset('user');
    expect(limiter.take('user')).toBe(0);
  });

  it('keeps at most maxKeys keys, dropping the least recently used', () => {
    const limiter = new RateLimiter({ burst: 1, refillMs: 60_000 }, () => 0);
    limiter.take('first');
    limiter.take('kept');
    for (let i = 0; i < authLimits.maxKeys - 1; i++) limiter.take(`k${i}`);
    // 'first' was the oldest and is gone (a fresh bucket); 'kept' was pushed out next.
    expect(limiter.take('first')).toBe(0);
    limiter.take('kept2');
    expect(limiter.take(`k${authLimits.maxKeys - 2}`)).toBeGreaterThan(0);
  });

  it('has sign-in limits per address and per account', () => {
    expect(authLimits.loginPerAccount.burst).toBeLessThan(authLimits.loginPerIp.burst);
    expect(authLimits.setupPerIp.burst).toBeGreaterThan(0);
  });
});

describe('account input schemas', () => {
  it('accepts a setup body and refuses a short password with a field error', () => {
    const body = {
      email: 'owner@example.com',
      password: 'x'.repeat(PASSWORD_MIN_LENGTH),
      name: ' Olga ',
      workspaceName: 'Platform Team',
      demo: true
    };
    expect(setupInputSchema.parse(body).name).toBe('Olga');
    const short = setupInputSchema.safeParse({ ...body, password: 'short' });
    expect(short.success).toBe(false);
    if (!short.success) {
      expect(fieldErrorsOf(short.error)).toEqual({
        password: { key: 'auth.error.tooShort', min: PASSWORD_MIN_LENGTH }
      });
      // Issues describe the rule, never the value given.
      expect(JSON.stringify(short.error.issues)).not.toContain('short');
    }
    expect(setupInputSchema.safeParse({ ...body, extra: 1 }).success).toBe(false);
  });

  it('maps email and empty fields to their messages', () => {
    const result = setupInputSchema.safeParse({
      email: 'not-an-email',
      password: 'long enough password',
      name: '   ',
      workspaceName: ''
    });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(fieldErrorsOf(result.error)).toEqual({
        email: { key: 'auth.error.emailInvalid' },
        name: { key: 'auth.error.required' },
        workspaceName: { key: 'auth.error.required' }
      });
    }
  });

  it('accepts any non-empty login password (old short ones still get invalid_credentials)', () => {
    expect(loginInputSchema.safeParse({ email: 'a@b.co', password: 'x' }).success).toBe(true);
    expect(loginInputSchema.safeParse({ email: 'a@b.co', password: '' }).success).toBe(false);
    expect(loginInputSchema.safeParse({ email: 'a@b.co', password: 'x'.repeat(257) }).success).toBe(
      false
    );
  });

  it('takes an optional ISO expiry on tokens', () => {
    const base = { name: 'ci', workspaceId: 'ops' };
    expect(tokenCreateSchema.safeParse(base).success).toBe(true);
    expect(tokenCreateSchema.safeParse({ ...base, expiresAt: null }).success).toBe(true);
    expect(
      tokenCreateSchema.safeParse({ ...base, expiresAt: '2031-01-31T23:59:59.999Z' }).success
    ).toBe(true);
    expect(tokenCreateSchema.safeParse({ ...base, expiresAt: 'tomorrow' }).success).toBe(false);
  });
});

describe('account errors over HTTP', () => {
  it('maps account error codes to their statuses', () => {
    const cases = {
      email_taken: 409,
      not_found: 404,
      forbidden: 403,
      last_owner: 409,
      invite_invalid: 410,
      already_member: 409,
      setup_done: 409,
      invalid_input: 400
    } as const;
    for (const [code, status] of Object.entries(cases)) {
      const mapped = toApiError(new DomainError(code as keyof typeof cases, 'because'));
      expect(mapped?.status, code).toBe(status);
      expect(mapped?.code).toBe(code);
    }
  });

  it('maps sign-in errors, with Retry-After in whole seconds', () => {
    expect(toApiError(new DomainError('invalid_credentials', 'no'))?.status).toBe(401);
    expect(toApiError(new DomainError('wrong_password', 'no'))?.status).toBe(403);
    const limited = toApiError(
      new DomainError('rate_limited', 'slow down', { retryAfterMs: 1_500 })
    );
    expect(limited?.status).toBe(429);
    expect(limited?.headers).toEqual({ 'retry-after': '2' });
  });

  it('recognises them by code, not class (another bundle has another class)', () => {
    const foreign = Object.assign(new Error('already set up'), {
      name: 'DomainError',
      code: 'setup_done'
    });
    expect(toApiError(foreign)?.status).toBe(409);
    const unknown = Object.assign(new Error('x'), { name: 'DomainError', code: 'weird' });
    expect(toApiError(unknown)).toBeNull();
  });
});

describe('demo board', () => {
  it('fills a board with valid tasks of every kind across the columns', () => {
    const doc = new Y.Doc();
    fillDemoBoard(doc, 'owner-1', 'en', Date.UTC(2025, 0, 15, 12));
    const tasks = listTasks(doc);
    expect(tasks).toHaveLength(DEMO_TASK_COUNT);
    expect(DEMO_TASK_COUNT).toBeGreaterThanOrEqual(10);
    for (const task of tasks) expect(taskSchema.safeParse(task).success, task.title).toBe(true);
    expect(new Set(tasks.map((t) => t.kind))).toEqual(new Set(['task', 'incident', 'change']));
    expect(new Set(tasks.map((t) => t.status)).size).toBeGreaterThanOrEqual(4);
    expect(tasks.some((t) => t.assignee === 'owner-1')).toBe(true);
    expect(tasks.some((t) => t.assignee === null)).toBe(true);
    expect(tasks.some((t) => t.dueAt !== null)).toBe(true);
    expect(tasks.filter((t) => t.labels.length > 0).length).toBeGreaterThan(5);
    expect(listLabels(doc).length).toBeGreaterThanOrEqual(4);
    // History is consistent: done tasks were started first, incidents resolved when done.
    for (const task of tasks.filter((t) => t.status === 'done')) {
      expect(task.doneAt).not.toBeNull();
      expect(task.startedAt! < task.doneAt!).toBe(true);
      if (task.kind === 'incident') expect(task.resolvedAt).not.toBeNull();
    }
  });

  it('speaks Chinese when set up in Chinese', () => {
    const doc = new Y.Doc();
    fillDemoBoard(doc, 'owner-1', 'zh-CN');
    expect(listTasks(doc).some((t) => /[\u4e00-\u9fff]/.test(t.title))).toBe(true);
    expect(listLabels(doc).some((l) => l.name === '数据库')).toBe(true);
  });

  it('links tasks to the demo runbooks it is given, and to none otherwise', () => {
    const doc = new Y.Doc();
    fillDemoBoard(doc, 'owner-1', 'en', Date.now(), { tls: 'rb-tls', failover: 'rb-failover' });
    const targets = listTasks(doc).flatMap((t) => t.links.map((l) => `${l.type}:${l.target}`));
    expect(new Set(targets)).toEqual(new Set(['runbook:rb-tls', 'runbook:rb-failover']));
    const bare = new Y.Doc();
    fillDemoBoard(bare, 'owner-1', 'en');
    expect(listTasks(bare).every((t) => t.links.length === 0)).toBe(true);
  });

  it('has runbooks with steps, code blocks and callouts in both languages', () => {
    expect(DEMO_RUNBOOKS.length).toBeGreaterThanOrEqual(2);
    for (const runbook of DEMO_RUNBOOKS) {
      for (const locale of ['en', 'zh-CN'] as const) {
        const types = new Set<string>();
        const walk = (node: { type?: string; content?: unknown[] }) => {
          if (node.type) types.add(node.type);
          for (const child of node.content ?? []) walk(child as typeof node);
        };
        walk(parseMarkdown(runbook.markdown[locale]));
        expect([...types], `${runbook.key} ${locale}`).toEqual(
          expect.arrayContaining(['heading', 'taskList', 'taskItem', 'codeBlock', 'callout'])
        );
      }
      expect(/[\u4e00-\u9fff]/.test(runbook.title['zh-CN'])).toBe(true);
    }
    // Every demo runbook is linked from some demo task.
    const doc = new Y.Doc();
    const ids = Object.fromEntries(DEMO_RUNBOOKS.map((r) => [r.key, `rb-${r.key}`]));
    fillDemoBoard(doc, 'owner-1', 'en', Date.now(), ids);
    const linked = new Set(listTasks(doc).flatMap((t) => t.links.map((l) => l.target)));
    expect(linked).toEqual(new Set(Object.values(ids)));
  });
});

describe('describeUserAgent', () => {
  it('names common browsers and systems', () => {
    expect(
      describeUserAgent(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'
      )
    ).toEqual({ browser: 'Chrome', os: 'Linux' });
    expect(
      describeUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'
      )
    ).toEqual({ browser: 'Safari', os: 'iOS' });
    expect(describeUserAgent('curl/8.5.0')).toEqual({ browser: 'curl', os: null });
    expect(describeUserAgent(null)).toBeNull();
    expect(describeUserAgent('something else')).toBeNull();
  });
});
