/**
 * Errors of the REST API. Every failure leaves the server as
 * `{ "error": { "code": "…", "message": "…", "details"?: … } }` with a fitting status, built
 * here and nowhere else. Services and models throw a `DomainError` (shared/model/domain-error.ts),
 * never an HTTP error; its `code` picks the status in the one table below. Errors are recognised
 * by that `code`, not by `instanceof`: the SvelteKit bundle and the process entry (which builds
 * the DocStore) each load their own copy of the shared modules, so a class check would fail
 * across the two. Anything unknown becomes a 500 with a generic message, and its stack is
 * logged, never returned.
 */
import { isHttpError, json, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import {
  domainErrorCode,
  type DomainErrorCode,
  type ErrorCode
} from '../../shared/model/domain-error';
import { inputIssues, summariseIssues, type InputIssue } from '../../shared/model/parse';
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
export type IssueDetail = InputIssue;

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
 * The one table of domain codes and their HTTP statuses. Typed by the code list in
 * shared/model/domain-error.ts, so a new code without a status fails the type check.
 */
export const domainErrorStatus: Readonly<Record<DomainErrorCode, number>> = {
  invalid_input: 400,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  email_taken: 409,
  last_owner: 409,
  // Gone: the link was used up, revoked or expired, and will not come back.
  invite_invalid: 410,
  already_member: 409,
  setup_done: 409,
  // The same answer for unknown email and wrong password: nothing tells which accounts exist.
  invalid_credentials: 401,
  // 403, not 401: the caller is signed in; only the password they re-entered is wrong.
  wrong_password: 403,
  rate_limited: 429,
  task_archived: 409,
  invalid_transition: 409,
  // A role or the approval policy forbids it (docs/design.md §2: 403).
  approval_required: 403,
  self_approval: 403,
  not_an_approver: 403,
  frozen: 409,
  change_required: 409,
  change_not_approved: 409,
  outside_window: 409,
  cycle: 422,
  import_rejected: 422,
  too_little_history: 422,
  invalid_secret: 401,
  secret_key_required: 503,
  unsupported_media_type: 415,
  payload_too_large: 413,
  bad_document_name: 400,
  // The change is kept in memory and retried by the DocStore; the client may retry too.
  storage_unavailable: 503,
  // Nothing was changed; the request may be repeated once the bus is back.
  nodes_unreachable: 503
};

/** Codes for statuses raised by SvelteKit itself (`error(…)`, body limits). */
const statusCodes: Readonly<Record<number, ErrorCode>> = {
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
  return inputIssues(error);
}

/** A 400 `invalid_input` for a zod error; `what` names the input ('request body', …). */
export function fromZodError(error: z.core.$ZodError, what = 'input'): ApiError {
  const issues = inputIssues(error);
  return new ApiError(400, 'invalid_input', `invalid ${what}: ${summariseIssues(issues)}`, issues);
}

function messageOf(error: unknown, fallback: string): string {
  return error instanceof Error && error.message ? error.message : fallback;
}

/** Domain errors keep their details, with zod issues flattened to the same list as ours. */
function domainDetails(details: unknown): unknown {
  if (typeof details === 'object' && details !== null && 'issues' in details) {
    const { issues } = details as { issues: unknown };
    if (Array.isArray(issues)) return issues;
  }
  return details;
}

/** `Retry-After` in whole seconds (at least 1) when the error says when to retry. */
function retryHeaders(error: unknown): Record<string, string> {
  const waitMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof waitMs === 'number' && waitMs > 0
    ? { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) }
    : {};
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
  // By code, never by class: see the module comment.
  const code = domainErrorCode(error);
  if (code !== undefined) {
    const details = domainDetails((error as { details?: unknown }).details);
    return new ApiError(
      domainErrorStatus[code],
      code,
      messageOf(error, code),
      details,
      retryHeaders(error)
    );
  }
  return null;
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
