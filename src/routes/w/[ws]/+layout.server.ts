import { error } from '@sveltejs/kit';
import { authorizeWorkspacePage } from '$lib/server/api/page-access';
import { getRuntime } from '$lib/server/runtime';
import { memberJson } from '$lib/server/workspaces/workspaces-json';
import { boardDocName, isValidId } from '$lib/shared/doc-name';
import type { LayoutServerLoad } from './$types';

/**
 * Every page of a workspace: anything that cannot name a document is a 404, then the same
 * `authorizeWorkspace` check as the REST API and the websocket (non-members get 404 too). The
 * layout hands its pages the board document's name, the caller's role and the member
 * directory (names for assignees, avatars, presence), so each page need not load them again.
 * It also starts loading the board document on the server (`DocStore.warm`), which the page
 * opens once it runs in the browser.
 */
export const load: LayoutServerLoad = async (event) => {
  const { ws } = event.params;
  // Before the access check, which answers 400 for an invalid id.
  if (!isValidId(ws)) error(404, { code: 'not_found', message: 'Not Found' });
  const access = await authorizeWorkspacePage(event, ws, 'read');
  const { accounts, docStore } = await getRuntime();
  // Every workspace page opens the board: the server loads it while the page itself loads.
  docStore.warm(boardDocName(access.workspaceId));
  const [workspace, members] = await Promise.all([
    accounts.getWorkspace(access.workspaceId),
    accounts.listMembers(access.workspaceId)
  ]);
  if (!workspace) error(404, { code: 'not_found', message: 'Not Found' });
  const self = members.find((member) => member.userId === access.actorId);
  return {
    workspaceId: access.workspaceId,
    workspaceName: workspace.name,
    docName: boardDocName(access.workspaceId),
    role: access.role,
    me: { id: access.actorId, name: self?.name ?? '' },
    members: members.map(memberJson)
  };
};
