/**
 * What an account change over REST needs: the caller's session (401 without one, 403 for API
 * tokens), the runtime and where the request came from, for the audit log.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { requireSession } from '$lib/server/api/authorize';
import { requestOrigin } from '$lib/server/api/request-origin';
import { getRuntime } from '$lib/server/runtime';

export async function sessionContext(
  event: Pick<RequestEvent, 'locals' | 'getClientAddress' | 'request'>
) {
  const caller = requireSession(event);
  return { caller, runtime: await getRuntime(), origin: requestOrigin(event) };
}
