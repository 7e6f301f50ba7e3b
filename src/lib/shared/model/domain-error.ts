/**
 * The one error every domain throws when it refuses an operation: a stable `code` from the
 * single list below, an English `message` for logs and API clients, and optional `details`
 * (e.g. the zod issues of invalid input) and `params` (values for the translated message).
 * Framework-free: the board and runbook models, the server services and `sync-server/` share
 * it. The REST layer maps the code to a status (src/lib/server/api/errors.ts), the UI maps it
 * to a translated message (`error.<code>` in the i18n catalogs).
 */

/**
 * Every code a domain may throw. Adding one means adding its HTTP status (errors.ts) and its
 * message in every locale (messages/<locale>/errors.ts); tests/unit/domain-errors.test.ts fails
 * until both exist.
 */
export const DOMAIN_ERROR_CODES = [
  // Any domain.
  'invalid_input',
  'not_found',
  'forbidden',
  'conflict',
  // Accounts, invites and sign-in.
  'email_taken',
  'last_owner',
  'invite_invalid',
  'already_member',
  'setup_done',
  'invalid_credentials',
  'wrong_password',
  'rate_limited',
  // Tasks: a change to a task that moved to the archive (un-archive it first).
  'task_archived',
  // Incidents (and changes): a state the lifecycle does not allow from the current one.
  'invalid_transition',
  // Changes: approved or rejected only by approvals; a requester approving their own change;
  // an approval the policy does not count; scheduling into a freeze.
  'approval_required',
  'self_approval',
  'not_an_approver',
  'frozen',
  // Automation: a gated job run without a change, under a change not approved, or outside
  // its window (a freeze is `frozen`).
  'change_required',
  'change_not_approved',
  'outside_window',
  // CMDB: a relation that would close a dependency cycle; an import with bad rows (nothing
  // imported; `details` lists `{ row, message }`).
  'cycle',
  'import_rejected',
  // AI: too little finished work to evaluate the models on (`details`: needed and found).
  'too_little_history',
  // Alert intake: a missing or wrong integration secret.
  'invalid_secret',
  // Credentials at rest: no key to seal them under (RUNBOARD_SECRET_KEY).
  'secret_key_required',
  // Files.
  'unsupported_media_type',
  'payload_too_large',
  // Documents (sync-server's DocStore).
  'bad_document_name',
  'storage_unavailable',
  // Several nodes: a rebase needs the fan-out bus (REDIS_URL) to reach the other nodes.
  'nodes_unreachable'
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/**
 * Codes no domain throws but a caller still sees: the REST layer's own (unknown route, body
 * limits, internal errors) and the browser client's (no network, unreadable answer). They have
 * translated messages too.
 */
export const TRANSPORT_ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'method_not_allowed',
  'internal_error',
  'unavailable',
  'network_error',
  'http_error',
  'invalid_response'
] as const;

export type TransportErrorCode = (typeof TRANSPORT_ERROR_CODES)[number];

/** Any code an error body or a thrown error may carry. */
export type ErrorCode = DomainErrorCode | TransportErrorCode;

/** Values filled into the translated message's `{param}` placeholders. */
export type ErrorParams = Readonly<Record<string, string | number>>;

export interface DomainErrorOptions {
  /** More about the error, returned to API clients (e.g. a list of `{ path, message }`). */
  details?: unknown;
  /** Values for the translated message (server-side `translate`, notifications). */
  params?: ErrorParams;
  /** For `rate_limited` and `storage_unavailable`: when a retry may succeed (Retry-After). */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A refused domain operation with a stable `code`; see the module comment. */
export class DomainError extends Error {
  override name = 'DomainError';
  readonly code: DomainErrorCode;
  readonly details: unknown;
  readonly params: ErrorParams | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: DomainErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.params = options.params;
    this.retryAfterMs = options.retryAfterMs;
  }
}

const domainCodes: ReadonlySet<string> = new Set(DOMAIN_ERROR_CODES);

/** True when `code` is one of `DOMAIN_ERROR_CODES`. */
export function isDomainErrorCode(code: unknown): code is DomainErrorCode {
  return typeof code === 'string' && domainCodes.has(code);
}

/**
 * The domain code of `error`, recognised by its `code` property rather than `instanceof`: the
 * SvelteKit bundle and the process entry each load their own copy of this module, so an error
 * thrown by one copy is not an instance of the other's class. Undefined for anything else.
 */
export function domainErrorCode(error: unknown): DomainErrorCode | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  const { code } = error as { code: unknown };
  return isDomainErrorCode(code) ? code : undefined;
}
