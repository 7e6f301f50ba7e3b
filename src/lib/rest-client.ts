/**
 * Calls the REST API from the browser with the session cookie. Responses are validated with the
 * operation's schema (the server is trusted, but a proxy or an older server version is not);
 * failures become a `RestError` carrying the API's stable error code.
 */
import { z } from 'zod';

const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
});

/** One problem with the input, as the API lists them under `invalid_input`. */
export interface InputIssue {
  path: string;
  message: string;
}

const inputIssuesSchema = z.array(z.object({ path: z.string(), message: z.string() }));

/** A failed API call: HTTP status and the API's error code (`network_error` when offline). */
export class RestError extends Error {
  override name = 'RestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The API's `details`, when it sent any (for `invalid_input`, a list of issues). */
    readonly details: unknown = undefined
  ) {
    super(message);
  }

  /** The `{ path, message }` issues of an `invalid_input` answer; empty for anything else. */
  get issues(): InputIssue[] {
    const parsed = inputIssuesSchema.safeParse(this.details);
    return parsed.success ? parsed.data : [];
  }
}

export interface RestOptions<S extends z.ZodType> {
  body?: unknown;
  /** Schema of the success body; omit for responses without one (204). */
  schema?: S;
  fetch?: typeof globalThis.fetch;
}

/**
 * What the UI shows for a failure, in the UI language: the translated message of its error code
 * (`error.<code>`) when it has one we know — a RestError from the API, or a DomainError thrown
 * by a model in the browser — else the server's (English) message, else the error as text.
 * `tryT` is the I18n store's `tryT`, so the text follows the current locale.
 */
export function errorMessage(tryT: (key: string) => string | null, failure: unknown): string {
  const code =
    typeof failure === 'object' && failure !== null && 'code' in failure
      ? (failure as { code: unknown }).code
      : undefined;
  if (typeof code === 'string') {
    const translated = tryT(`error.${code}`);
    if (translated !== null) return translated;
  }
  return failure instanceof Error ? failure.message : String(failure);
}

/** `method path` under `/api/v1`; resolves with the parsed body, rejects with a RestError. */
export async function rest<S extends z.ZodType = z.ZodUndefined>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: RestOptions<S> = {}
): Promise<z.output<S>> {
  const doFetch = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await doFetch(`/api/v1${path}`, {
      method,
      headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin'
    });
  } catch (failure) {
    const message = failure instanceof Error ? failure.message : String(failure);
    throw new RestError(0, 'network_error', message);
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const body = errorBodySchema.safeParse(parsed);
    if (body.success) {
      const { code, message, details } = body.data.error;
      throw new RestError(response.status, code, message, details);
    }
    throw new RestError(response.status, 'http_error', `${response.status} ${response.statusText}`);
  }
  if (!options.schema) return undefined as z.output<S>;
  const result = options.schema.safeParse(parsed);
  if (!result.success) {
    throw new RestError(response.status, 'invalid_response', 'unexpected response from the server');
  }
  return result.data as z.output<S>;
}
