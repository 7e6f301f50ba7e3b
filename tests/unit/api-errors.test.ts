import { error as kitError } from '@sveltejs/kit';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { z } from 'zod';
import { startRuntime, stopRuntime } from '../../entries/composition-root';
import {
  ApiError,
  apiErrorSchema,
  errorBody,
  handleApiError,
  toApiError
} from '../../src/lib/server/api/errors';
import type { Logger } from '../../src/lib/server/log';
import { createTask, initBoard, updateTask } from '../../src/lib/shared/board/board-model';
import { taskCreateSchema } from '../../src/lib/shared/board/schema';
import { DomainError } from '../../src/lib/shared/model/domain-error';
import { DocNameError, DocStore, StorageUnavailableError } from '../../sync-server/doc-store';
import { MemoryStorage } from '../../sync-server/storage/memory-storage';

interface LogLine {
  level: string;
  message: string;
  context?: Record<string, unknown>;
}

/** A real logger that keeps its lines, to see what reaches the server log. */
function recordingLogger(lines: LogLine[]): Logger {
  const write = (level: string) => (message: string, context?: Record<string, unknown>) =>
    void lines.push({ level, message, context });
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** Status, headers and parsed body of the response `handleApiError` builds for `error`. */
async function respond(error: unknown) {
  const response = await handleApiError(error);
  const body = (await response.json()) as unknown;
  // Every error body has exactly this shape.
  expect(apiErrorSchema.parse(body)).toEqual(body);
  return { status: response.status, headers: response.headers, body: body as ErrorBody };
}

type ErrorBody = { error: { code: string; message: string; details?: unknown } };

function boardDoc(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc);
  return doc;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

afterEach(async () => {
  await stopRuntime();
});

describe('API error mapping', () => {
  it('writes ApiError as the exact error body with its status and headers', async () => {
    const { status, headers, body } = await respond(
      new ApiError(405, 'method_not_allowed', 'no', undefined, { allow: 'GET' })
    );
    expect(status).toBe(405);
    expect(headers.get('allow')).toBe('GET');
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body).toEqual({ error: { code: 'method_not_allowed', message: 'no' } });
    expect(errorBody('x', 'y', [1])).toEqual({ error: { code: 'x', message: 'y', details: [1] } });
  });

  it('maps a zod error to 400 invalid_input with { path, message } details', async () => {
    const result = taskCreateSchema.safeParse({ title: '', labels: ['ok', 'not valid!'] });
    expect(result.success).toBe(false);
    const { status, body } = await respond(result.error);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.details).toEqual([
      { path: 'title', message: expect.any(String) },
      { path: 'labels.1', message: expect.any(String) }
    ]);
  });

  it('maps a DomainError by its code, keeping message and details', async () => {
    for (const [code, status] of [
      ['invalid_input', 400],
      ['not_found', 404],
      ['conflict', 409]
    ] as const) {
      const reply = await respond(new DomainError(code, `runbook ${code}`));
      expect(reply.status).toBe(status);
      expect(reply.body.error).toEqual({ code, message: `runbook ${code}` });
    }
    const detailed = await respond(
      new DomainError('conflict', 'column still holds 2 task(s)', { details: { tasks: 2 } })
    );
    expect(detailed.body.error).toEqual({
      code: 'conflict',
      message: 'column still holds 2 task(s)',
      details: { tasks: 2 }
    });
    // A wait becomes Retry-After in whole seconds; the params stay on the server.
    const limited = await respond(
      new DomainError('rate_limited', 'slow down', { retryAfterMs: 60_500, params: { n: 1 } })
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('61');
    expect(limited.body.error).toEqual({ code: 'rate_limited', message: 'slow down' });
  });

  it('maps board model errors: invalid_input 400, not_found 404, conflict 409', async () => {
    const doc = boardDoc();
    createTask(doc, { title: 'one' }, { id: 't1' });

    const invalid = await respond(thrown(() => createTask(doc, { title: 'x', status: 'nope' })));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid_input');

    const zodInvalid = await respond(thrown(() => createTask(doc, { title: '' })));
    expect(zodInvalid.status).toBe(400);
    // The board model's zod issues come out as the same list as the API's own.
    expect(zodInvalid.body.error.details).toEqual([{ path: 'title', message: expect.any(String) }]);

    const missing = await respond(thrown(() => updateTask(doc, 'nope', { title: 'x' })));
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');

    const conflict = await respond(thrown(() => createTask(doc, { title: 'x' }, { id: 't1' })));
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('conflict');
  });

  it('recognises DocStore errors by code: bad_document_name 400, storage_unavailable 503', async () => {
    const store = new DocStore({ storage: new MemoryStorage(), logger: recordingLogger([]) });
    const badName = await respond(await store.acquire('../etc.board').catch((e: unknown) => e));
    expect(badName.status).toBe(400);
    expect(badName.body.error.code).toBe('bad_document_name');
    await store.close();

    const unavailable = await respond(new StorageUnavailableError('w.board'));
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.error.code).toBe('storage_unavailable');
    expect(Number(unavailable.headers.get('retry-after'))).toBeGreaterThan(0);

    // By code, not class: an error from another copy of the module maps the same way.
    const lookalike = Object.assign(new Error('invalid document name'), {
      code: 'bad_document_name'
    });
    expect(toApiError(lookalike)?.status).toBe(400);
    expect(toApiError(new DocNameError('x', 'bad-shape'))?.code).toBe('bad_document_name');
  });

  it('maps SvelteKit HTTP errors to their status', async () => {
    const { status, body } = await respond(
      thrown(() => kitError(404, { code: 'gone', message: 'gone' }))
    );
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'not_found', message: 'gone' } });
  });

  it('answers anything else with a generic 500 and logs the stack server-side', async () => {
    const lines: LogLine[] = [];
    await startRuntime(
      { port: 0, host: '127.0.0.1', dataDir: '/nonexistent', logLevel: 'error', origin: undefined },
      { storage: 'memory', logger: recordingLogger(lines) }
    );
    const secret = new TypeError('secret detail at /srv/app/db.ts');
    const { status, body } = await respond(secret);
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: 'internal_error', message: 'internal server error' } });
    expect(JSON.stringify(body)).not.toContain('secret');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('error');
    expect(String(lines[0]?.context?.error)).toContain('secret detail');
    expect(String(lines[0]?.context?.error)).toContain('TypeError');

    // A non-Error throw and a 5xx HttpError are internal errors too.
    expect((await respond('boom')).status).toBe(500);
    expect(
      (await respond(thrown(() => kitError(502, { code: 'upstream', message: 'upstream' })))).body
        .error.code
    ).toBe('internal_error');
  });

  it('keeps zod errors from z.parse recognisable (ZodError instance)', () => {
    const error = thrown(() => z.object({ a: z.number() }).parse({ a: 'x' }));
    expect(toApiError(error)?.code).toBe('invalid_input');
    expect(toApiError(new Error('plain'))).toBeNull();
  });
});
