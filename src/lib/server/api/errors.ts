/**
 * Errors of the REST API. Every failure leaves the server as
 * `{ "error": { "code": "…", "message": "…", "details"?: … } }` with a fitting status, built
 * here and nowhere else. Errors of the DocStore and the board model are recognised by their
 * stable `code` (the SvelteKit bundle only has type imports of the DocStore, so `instanceof`
 * would fail there); anything unknown becomes a 500 with a generic message, and its stack is
 * logged, never returned.
 */
import { isHttpError, json, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { getRuntime } from '../runtime';

export const apiErrorSchema = z
  .object({
    error: z
      .object({
        code: z
          .string()
          .describe('Stable machine-readable code, e.g. invalid_input, not_found, conflict.'),
        message: z.string().describe('Human-readable explanation; not meant to be parsed.'),
        details: z
          .unknown()
          .optional()
          .describe('More about the error; for invalid_input a list of { path, message }.')
      })
      .strict()
  })
  .strict()
  .meta({ id: 'Error', description: 'The body of every error response.' });
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

/** One problem with the input: dot-separated path of the field ('' for the whole input). */
export interface IssueDetail {
  path: string;
  message: string;
}

/** An error with an HTTP status and a stable `code`, turned into the JSON error body. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Extra response headers, e.g. `Allow` on 405 or `Retry-After` on 503. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    details?: unknown,
    headers: Record<string, string> = {}
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

/**
 * Shared-model errors (`BoardError.code`, `RunbookError.code`; recognised by name so the shared
 * code needs no server import) and their statuses.
 */
const boardStatuses: Readonly<Record<string, number>> = {
  invalid_input: 400,
  not_found: 404,
  forbidden: 403,
  conflict: 409
};

/**
 * Account errors (`AccountError.code`, accounts/types.ts) and sign-in errors (`AuthError.code`,
 * accounts/auth-service.ts) and their statuses.
 */
const accountStatuses: Readonly<Record<string, number>> = {
  email_taken: 409,
  not_found: 404,
  forbidden: 403,
  last_owner: 409,
  invite_invalid: 410,
  already_member: 409,
  setup_done: 409,
  invalid_input: 400
};
const authStatuses: Readonly<Record<string, number>> = {
  // The same answer for unknown email and wrong password: nothing tells which accounts exist.
  invalid_credentials: 401,
  // 403, not 401: the caller is signed in; only the password they re-entered is wrong.
  wrong_password: 403,
  rate_limited: 429
};

/** Codes for statuses raised by SvelteKit itself (`error(…)`, body limits). */
const statusCodes: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable'
};

/** Seconds a client should wait before retrying after `storage_unavailable`. */
const STORAGE_RETRY_AFTER_SECONDS = 5;

/** The JSON error body. */
export function errorBody(code: string, message: string, details?: unknown): ApiErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** The HTTP response of an ApiError. */
export function errorResponse(error: ApiError): Response {
  return json(errorBody(error.code, error.message, error.details), {
    status: error.status,
    headers: { 'cache-control': 'no-store', ...error.headers }
  });
}

function isZodError(error: unknown): error is z.core.$ZodError {
  if (error instanceof z.core.$ZodError) return true;
  // A second copy of zod (another bundle) still has the same shape.
  return (
    error instanceof Error &&
    (error.name === 'ZodError' || error.name === '$ZodError') &&
    Array.isArray((error as { issues?: unknown }).issues)
  );
}

/** The issues of a zod error as `{ path, message }`, paths joined with dots. */
export function issuesOf(error: z.core.$ZodError): IssueDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message
  }));
}

/** A 400 `invalid_input` for a zod error; `what` names the input ('request body', …). */
export function fromZodError(error: z.core.$ZodError, what = 'input'): ApiError {
  const issues = issuesOf(error);
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return new ApiError(400, 'invalid_input', `invalid ${what}: ${summary}`, issues);
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error as { code: unknown };
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown, fallback: string): string {
  return error instanceof Error && error.message ? error.message : fallback;
}

/** Board errors keep their details, with zod issues flattened to the same list as ours. */
function boardDetails(details: unknown): unknown {
  if (typeof details === 'object' && details !== null && 'issues' in details) {
    const { issues } = details as { issues: unknown };
    if (Array.isArray(issues)) return issues;
  }
  return details;
}

/**
 * Maps a known error to an ApiError; null for anything unexpected (a bug), which the caller
 * reports as a 500.
 */
export function toApiError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (isZodError(error)) return fromZodError(error);
  if (isHttpError(error)) {
    const status = error.status;
    if (status >= 500) return null;
    return new ApiError(status, statusCodes[status] ?? 'bad_request', error.body.message);
  }
  const code = codeOf(error);
  if (
    error instanceof Error &&
    (error.name === 'BoardError' || error.name === 'RunbookError') &&
    code !== undefined
  ) {
    const status = boardStatuses[code];
    if (status !== undefined) {
      return new ApiError(status, code, error.message, boardDetails(errorDetails(error)));
    }
  }
  if (error instanceof Error && error.name === 'AccountError' && code !== undefined) {
    const status = accountStatuses[code];
    if (status !== undefined) return new ApiError(status, code, error.message);
  }
  if (error instanceof Error && error.name === 'AuthError' && code !== undefined) {
    const status = authStatuses[code];
    if (status !== undefined) {
      const waitMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
      const headers: Record<string, string> =
        code === 'rate_limited' && typeof waitMs === 'number'
          ? { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) }
          : {};
      return new ApiError(status, code, error.message, undefined, headers);
    }
  }
  if (code === 'bad_document_name') {
    return new ApiError(400, 'bad_document_name', messageOf(error, 'invalid document name'));
  }
  if (code === 'storage_unavailable') {
    // The change is kept in memory and retried by the DocStore; the client may retry too.
    return new ApiError(
      503,
      'storage_unavailable',
      'storage did not confirm the change in time; it is kept and retried',
      undefined,
      { 'retry-after': String(STORAGE_RETRY_AFTER_SECONDS) }
    );
  }
  return null;
}

function errorDetails(error: Error): unknown {
  return 'details' in error ? (error as { details: unknown }).details : undefined;
}

/** Logs through the runtime's logger, or stderr when the runtime is not started (tests). */
async function logUnexpected(error: unknown, context: Record<string, unknown>): Promise<void> {
  const fields = {
    ...context,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error)
  };
  try {
    (await getRuntime()).logger.error('api: unexpected error', fields);
  } catch {
    process.stderr.write(`api: unexpected error ${JSON.stringify(fields)}\n`);
  }
}

/**
 * The response for any error thrown while handling an API request: known errors keep their
 * status and code; anything else is logged with its stack and answered with a generic 500.
 */
export async function handleApiError(
  error: unknown,
  event?: Pick<RequestEvent, 'request' | 'url'>
): Promise<Response> {
  const known = toApiError(error);
  if (known) return errorResponse(known);
  await logUnexpected(error, {
    method: event?.request.method,
    path: event?.url.pathname
  });
  return errorResponse(new ApiError(500, 'internal_error', 'internal server error'));
}
