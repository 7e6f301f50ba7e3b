import type { RequestEvent } from '@sveltejs/kit';
import type { RequestOrigin } from '$lib/server/accounts/types';

/** Where a request came from, for sessions, rate limits and the audit log. */
export function requestOrigin(
  event: Pick<RequestEvent, 'getClientAddress' | 'request'>
): RequestOrigin {
  let ip: string | null = null;
  try {
    ip = event.getClientAddress();
  } catch {
    ip = null;
  }
  return { ip, userAgent: event.request.headers.get('user-agent') };
}
