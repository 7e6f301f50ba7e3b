import { error } from '@sveltejs/kit';
import { authorizeWorkspacePage } from '$lib/server/api/page-access';
import { boardDocName, isValidId } from '$lib/shared/doc-name';
import type { PageServerLoad } from './$types';

/**
 * The board of a workspace: anything that cannot name a document is a 404, then the same
 * `authorizeWorkspace` check as the REST API and the websocket (non-members get 404 too). The
 * role lets the page hide what the server would refuse anyway (viewers are read-only).
 */
export const load: PageServerLoad = async (event) => {
  const { ws } = event.params;
  // Before the access check, which answers 400 for an invalid id.
  if (!isValidId(ws)) error(404, { code: 'not_found', message: 'Not Found' });
  const access = await authorizeWorkspacePage(event, ws, 'read');
  return { workspaceId: access.workspaceId, docName: boardDocName(ws), role: access.role };
};
