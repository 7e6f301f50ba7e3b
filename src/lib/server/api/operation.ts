/**
 * REST operations, declared once: method, path, zod schemas for params, query and body, and the
 * responses. The same declaration validates requests (`handle`) and describes the API
 * (openapi.ts), so the OpenAPI document cannot drift from what the server accepts. Handlers get
 * the parsed, typed input and return `{ status, body }`; everything they throw goes through
 * errors.ts.
 */
import { json, type RequestEvent, type RequestHandler } from '@sveltejs/kit';
import { z } from 'zod';
import { ApiError, errorResponse, fromZodError, handleApiError } from './errors';
import {
  requestContext,
  requireAuth,
  type OperationAuth,
  type RequestContextOf
} from './request-context';

export type { OperationAuth } from './request-context';

/** Limits of the REST layer, with units in the names. */
export const apiDefaults = {
  /**
   * Largest JSON request body. adapter-node refuses bodies above its own BODY_SIZE_LIMIT
   * (default 512 KiB) first; the process entry raises that so this limit is the one that holds.
   */
  maxRequestBodyBytes: 1024 * 1024
};

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Schema of path params or a query string: an object whose properties are the parameters. */
export type ParamsSchema = z.ZodObject<z.core.$ZodShape, z.core.$ZodObjectConfig>;

export interface HeaderSpec {
  description: string;
  schema: z.ZodType;
}

export interface ResponseSpec {
  description: string;
  /** Schema of the JSON body; absent for responses without a body (204). */
  schema?: z.ZodType;
  headers?: Readonly<Record<string, HeaderSpec>>;
}

export type ResponseMap = Readonly<Record<number, ResponseSpec>>;

/** A REST operation as declared; `path` is relative to `/api/v1`, OpenAPI style (`{ws}`). */
export interface OperationDefinition {
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  /**
   * Who may call it (default `caller`; request-context.ts): checked before the input is read,
   * stated as the OpenAPI `security`, and turned into the handler's `request` context.
   */
  auth?: OperationAuth;
  params?: ParamsSchema;
  query?: ParamsSchema;
  body?: z.ZodType;
  responses: ResponseMap;
}

type Parsed<D, K extends 'params' | 'query' | 'body'> = D extends {
  [P in K]: infer S extends z.ZodType;
}
  ? z.output<S>
  : undefined;

/** What a handler receives: the request event, its checked context and the parsed input. */
export interface OperationContext<D extends OperationDefinition> {
  event: RequestEvent;
  /** Caller, runtime, workspace access and actor, as the declared `auth` establishes them. */
  request: RequestContextOf<D['auth']>;
  params: Parsed<D, 'params'>;
  query: Parsed<D, 'query'>;
  body: Parsed<D, 'body'>;
}

type BodyOf<S extends ResponseSpec> = S extends { schema: infer T extends z.ZodType }
  ? z.output<T>
  : undefined;

/** What a handler returns: one of the declared statuses with its body type. */
export type OperationResult<R extends ResponseMap> = {
  [S in keyof R & number]: {
    status: S;
    body: BodyOf<R[S]>;
    headers?: Record<string, string>;
  };
}[keyof R & number];

/** An operation's implementation (always async, so literal statuses keep their types). */
export type OperationHandler<D extends OperationDefinition> = (
  context: OperationContext<D>
) => Promise<OperationResult<D['responses']>>;

/** A declared operation with its SvelteKit handler; what the registry lists. */
export interface Operation {
  readonly definition: OperationDefinition;
  /** The SvelteKit `RequestHandler`; export it from the route's `+server.ts`. */
  readonly handle: RequestHandler;
}

/** Declares an operation; the handler's input and result types follow from the schemas. */
export function defineOperation<
  const D extends OperationDefinition,
  // A separate parameter, so the handler is checked against D after D is inferred: literal
  // statuses (`status: 201`) then keep their types instead of widening to number.
  H extends OperationHandler<D> = OperationHandler<D>
>(definition: D, handler: H): Operation {
  const handle = operationHandler(definition, async (input) => {
    const body = definition.body
      ? parsePart(definition.body, await readJsonBody(input.event.request), 'request body')
      : undefined;
    const result = await handler({ ...input, body } as OperationContext<D>);
    return toResponse(result.status, result.body, result.headers);
  });
  return { definition, handle };
}

/** What every operation's handler starts from, before any body is read. */
export interface OperationInput {
  event: RequestEvent;
  request: Awaited<ReturnType<typeof requestContext>>;
  params: unknown;
  query: unknown;
}

/**
 * The request handling every operation shares, JSON or raw: the declared auth is checked (before
 * the input is read), the path and query parsed, the request context built; `run` answers, and
 * whatever it throws becomes the JSON error response of its code (errors.ts).
 */
export function operationHandler(
  definition: Pick<OperationDefinition, 'auth' | 'params' | 'query'>,
  run: (input: OperationInput) => Promise<Response>
): RequestHandler {
  return async (event) => {
    try {
      requireAuth(definition.auth, event);
      const params = parsePart(definition.params, event.params, 'path parameters');
      const request = await requestContext(definition.auth, event);
      const query = parsePart(definition.query, queryObject(event.url), 'query parameters');
      return await run({ event, request, params, query });
    } catch (error) {
      return handleApiError(error, event);
    }
  };
}

/** Validates one part of a request (params, query, body) with its schema, if it has one. */
export function parsePart(schema: z.ZodType | undefined, input: unknown, what: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodError(result.error, what);
  return result.data;
}

/** Query parameters as an object: one value as a string, a repeated one as an array. */
export function queryObject(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

function isJsonMediaType(contentType: string | null): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

function tooLarge(): ApiError {
  return new ApiError(
    413,
    'payload_too_large',
    `request body exceeds ${apiDefaults.maxRequestBodyBytes} bytes`
  );
}

/**
 * Reads and drops the rest of a refused request body. Cancelling the stream instead would
 * destroy the socket before the error response is written, and leaving it unread stalls the
 * connection for the next request (Node only discards bodies nobody has started reading).
 * adapter-node ends the stream with an error at BODY_SIZE_LIMIT, which also ends this.
 */
export async function discardBody(
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined
): Promise<void> {
  if (!reader) return;
  try {
    for (;;) {
      const { done } = await reader.read();
      if (done) return;
    }
  } catch {
    // The stream failed (over BODY_SIZE_LIMIT, or the client went away): nothing left to drop.
  }
}

/**
 * Reads a request body of at most `limit` bytes, counting bytes as they arrive so an oversized
 * or lying Content-Length cannot make the server buffer more. Over the limit, the rest is read
 * and dropped (so the connection stays usable) and `tooLargeError()` is thrown.
 */
export async function readBodyBytes(
  request: Request,
  limit: number,
  tooLargeError: () => ApiError = tooLarge
): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await discardBody(request.body?.getReader());
    throw tooLargeError();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > limit) {
          await discardBody(reader);
          throw tooLargeError();
        }
        chunks.push(value);
      }
    } catch (error) {
      // adapter-node signals its own body limit with a 413 error on the stream.
      if ((error as { status?: unknown } | null)?.status === 413) throw tooLargeError();
      throw error;
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Reads and parses a JSON body of at most `maxRequestBodyBytes`. */
async function readJsonBody(request: Request): Promise<unknown> {
  if (!isJsonMediaType(request.headers.get('content-type'))) {
    throw new ApiError(415, 'unsupported_media_type', 'the request body must be application/json');
  }
  const bytes = await readBodyBytes(request, apiDefaults.maxRequestBodyBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, 'invalid_json', 'the request body is not valid UTF-8');
  }
  if (text.trim() === '') throw new ApiError(400, 'invalid_json', 'the request body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'syntax error';
    throw new ApiError(400, 'invalid_json', `the request body is not valid JSON: ${reason}`);
  }
}

function toResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  // API responses depend on who asks (once accounts exist): never cache them in between.
  const allHeaders = { 'cache-control': 'no-store', ...headers };
  if (body === undefined) return new Response(null, { status, headers: allHeaders });
  return json(body, { status, headers: allHeaders });
}

/**
 * A `fallback` handler for a route file: other methods get a JSON 405 with `Allow` listing the
 * methods of `operations` (SvelteKit's own 405 is plain text).
 */
export function methodNotAllowed(...operations: Operation[]): RequestHandler {
  const methods = new Set<string>(operations.map((op) => op.definition.method));
  if (methods.has('GET')) methods.add('HEAD');
  const allow = [...methods].join(', ');
  return ({ request }) =>
    errorResponse(
      new ApiError(
        405,
        'method_not_allowed',
        `${request.method} is not allowed here; allowed: ${allow}`,
        undefined,
        { allow }
      )
    );
}

/** The handler of unknown `/api/…` paths: a JSON 404 for every method. */
export const apiNotFound: RequestHandler = ({ request, url }) =>
  errorResponse(
    new ApiError(404, 'not_found', `no API endpoint ${request.method} ${url.pathname}`)
  );

/** Query-string boolean: exactly `true` or `false`. */
export function queryBoolean(): z.ZodPipe<
  z.ZodEnum<{ true: 'true'; false: 'false' }>,
  z.ZodTransform<boolean, 'true' | 'false'>
> {
  return z.enum(['true', 'false']).transform((value) => value === 'true');
}

/** Query-string integer in [min, max]. */
export function queryInteger(min: number, max: number): z.ZodCoercedNumber<unknown> {
  return z.coerce.number().int().min(min).max(max);
}
