/**
 * The one rule for lists in the REST API. A list's body is always the same shape whatever the
 * query (a JSON array; the runbook lists keep their `{ runbooks }` wrapper from 0.1); paging is
 * `limit` and `offset`, and the page says where it sits in headers:
 *
 * - `X-Total-Count`: the number of matching items before `limit`/`offset` apply;
 * - `Link: <…>; rel="next"` (RFC 8288) while items remain: the same request with the next
 *   `offset` (or, for the audit log, the next `before` cursor).
 *
 * Every list operation declares its query with `pageQuery`, its 200 response with
 * `pageResponse`, and answers with `offsetPage` (or `pageHeaders` when the store pages), so
 * the rule, its OpenAPI description and the headers cannot drift apart.
 */
import { z } from 'zod';
import { queryInteger, type HeaderSpec, type ResponseSpec } from './operation';

/** Page sizes of one list: without `limit`, `defaultLimit` items; never more than `maxLimit`. */
export interface PageLimits {
  defaultLimit: number;
  maxLimit: number;
}

/** Page sizes of lists that are small by nature (members, columns, labels, …): all at once. */
export const SMALL_LIST_LIMITS: PageLimits = { defaultLimit: 1000, maxLimit: 1000 };

/** The parsed paging parameters. */
export interface PageParams {
  limit: number;
  offset: number;
}

/** The `limit` and `offset` query parameters of a list, to spread into its query schema. */
export function pageQuery(limits: PageLimits) {
  return {
    limit: queryInteger(1, limits.maxLimit)
      .default(limits.defaultLimit)
      .describe(
        `Most items to return, 1–${limits.maxLimit} (default ${limits.defaultLimit}). ` +
          'The `Link` header names the next page while items remain.'
      ),
    offset: queryInteger(0, Number.MAX_SAFE_INTEGER)
      .default(0)
      .describe('Items to skip, for paging (default 0).')
  };
}

/** The `Link` header of a list page, as OpenAPI declares it. */
export const nextLinkHeader: HeaderSpec = {
  description:
    'While more items remain: `<URL of the next page>; rel="next"` (RFC 8288). Absent on the ' +
    'last page.',
  schema: z.string()
};

/** The response headers of every list page, as OpenAPI declares them. */
export const pageResponseHeaders: Readonly<Record<string, HeaderSpec>> = {
  'X-Total-Count': {
    description: 'Number of matching items before `limit` and `offset` apply.',
    schema: z.int().min(0)
  },
  Link: nextLinkHeader
};

/** The 200 response of a list operation: `schema` (an array, usually) with the paging headers. */
export function pageResponse<S extends z.ZodType>(
  description: string,
  schema: S
): ResponseSpec & { schema: S } {
  return { description, schema, headers: pageResponseHeaders };
}

/**
 * The paging headers of a page: `X-Total-Count` when the total is known, and `Link` to the
 * same URL with `next` merged into its query when there is a next page.
 */
export function pageHeaders(
  url: URL,
  page: { total?: number; next?: Record<string, string> | null }
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (page.total !== undefined) headers['x-total-count'] = String(page.total);
  if (page.next) {
    const next = new URL(url);
    for (const [name, value] of Object.entries(page.next)) next.searchParams.set(name, value);
    // Relative to the host, so it is right behind any proxy that keeps the path.
    headers['link'] = `<${next.pathname}${next.search}>; rel="next"`;
  }
  return headers;
}

/** One page of `items` (all matching items, in order) with its paging headers. */
export function offsetPage<T>(
  items: readonly T[],
  params: PageParams,
  url: URL
): { body: T[]; headers: Record<string, string> } {
  const { limit, offset } = params;
  const body = items.slice(offset, offset + limit);
  const end = offset + body.length;
  const next = end < items.length && body.length > 0 ? { offset: String(end) } : null;
  return { body, headers: pageHeaders(url, { total: items.length, next }) };
}

/** The paging headers of a page a store cut (`total`: all matching items). */
export function storePageHeaders(
  url: URL,
  params: PageParams,
  page: { items: readonly unknown[]; total: number }
): Record<string, string> {
  const end = params.offset + page.items.length;
  const next = end < page.total && page.items.length > 0 ? { offset: String(end) } : null;
  return pageHeaders(url, { total: page.total, next });
}

/** The 200 reply of a list operation: one page of `items` with its paging headers. */
export function pageReply<T>(items: readonly T[], params: PageParams, url: URL) {
  const page = offsetPage(items, params, url);
  return { status: 200 as const, body: page.body, headers: page.headers };
}
