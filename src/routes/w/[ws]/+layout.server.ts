import { error } from '@sveltejs/kit';
import { authorizeWorkspacePage } from '$lib/server/api/page-access';
import { taskFirstView } from '$lib/server/board/task-first-view';
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
 * opens once it runs in the browser (a task page opens it later, so it is not warmed there).
 * A task page opened directly gets its task's first view (`firstTask`, task-first-view.ts),
 * computed when this load runs for the task route (a direct open, a switch of workspace, an
 * invalidation): the route and key are read untracked, so navigating inside the workspace
 * neither re-runs this load nor needs the server.
 */
export const load: LayoutServerLoad = async (event) => {
  const { ws } = event.params;
  // Before the access check, which answers 400 for an invalid id.
  if (!isValidId(ws)) error(404, { code: 'not_found', message: 'Not Found' });
  const access = await authorizeWorkspacePage(event, ws, 'read');
  const runtime = await getRuntime();
  const { accounts, docStore } = runtime;
  // Every workspace page opens the board: the server loads it while the page itself loads.
  // Not for a task page, which shows its task first (the card from the mirrored records, the
  // content from the task's document) and opens the board after: decoding a big board now
  // would only delay the page's scripts. (Untracked: navigating must not re-run this load.)
  const taskKey = event.untrack(() =>
    event.route.id === '/w/[ws]/tasks/[key]' ? (event.params.key ?? null) : null
  );
  if (taskKey === null) docStore.warm(boardDocName(access.workspaceId));
  const [workspace, members, firstTask] = await Promise.all([
    accounts.getWorkspace(access.workspaceId),
    accounts.listMembers(access.workspaceId),
    // A task page opened directly arrives with its task on it (task-first-view.ts).
    taskKey === null ? null : taskFirstView(runtime, access.workspaceId, taskKey)
  ]);
  if (!workspace) error(404, { code: 'not_found', message: 'Not Found' });
  const self = members.find((member) => member.userId === access.actorId);
  return {
    workspaceId: access.workspaceId,
    workspaceName: workspace.name,
    docName: boardDocName(access.workspaceId),
    role: access.role,
    me: { id: access.actorId, name: self?.name ?? '' },
    members: members.map(memberJson),
    firstTask
  };
};
