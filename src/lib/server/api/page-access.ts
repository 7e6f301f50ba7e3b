/**
 * The checks of authorize.ts for page loads and form actions. Pages run the very same
 * `authorizeWorkspace` as the REST API; only the failure is shown differently: an anonymous
 * visitor is sent to sign in (and back here afterwards), anything else becomes the error page.
 */
import { error, isRedirect, redirect, type RequestEvent } from '@sveltejs/kit';
import { authorizeWorkspace, type WorkspaceAccess, type WorkspaceAccessMode } from './authorize';
import type { WorkspaceAction } from '$lib/shared/permissions';

/** The sign-in page, returning to `url` afterwards. */
export function loginUrl(url: URL): string {
  return `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
}

function statusOf(failure: unknown): { status: number; code: string; message: string } | null {
  if (typeof failure !== 'object' || failure === null) return null;
  const { status, code, message } = failure as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
  };
  if (typeof status !== 'number' || typeof code !== 'string') return null;
  return { status, code, message: typeof message === 'string' ? message : code };
}

/**
 * `authorizeWorkspace` for a page: 401 redirects to sign-in, 400/403/404 render the error page
 * with the same status and code as the API would answer (non-members get 404, as over REST).
 */
export async function authorizeWorkspacePage(
  event: Pick<RequestEvent, 'locals' | 'url'>,
  ws: string,
  need: WorkspaceAccessMode | WorkspaceAction
): Promise<WorkspaceAccess> {
  try {
    return await authorizeWorkspace(event, ws, need);
  } catch (failure) {
    if (isRedirect(failure)) throw failure;
    const known = statusOf(failure);
    if (known?.status === 401) redirect(303, loginUrl(event.url));
    if (known && known.status >= 400 && known.status < 500) {
      error(known.status, { code: known.code, message: known.message });
    }
    throw failure;
  }
}
