import { authorizeWorkspacePage } from '$lib/server/api/page-access';
import { getRuntime } from '$lib/server/runtime';
import type { PageServerLoad } from './$types';

/** What the page's actions invalidate to load the incident again. */
const INCIDENT_DEPENDENCY = 'app:incident';

/**
 * The incident page, `/w/<ws>/incidents/<key or id>` (DESIGN.md §2): the same
 * `authorizeWorkspace` check as the REST API (non-members get 404), then the incident with its
 * occurrences and timeline, read from the server's records (never from a client's copy). An
 * unknown key is not an error page: the page says so and links to the task of that key, which
 * may be an incident task made by hand. Moves go through the REST API, then invalidate this.
 */
export const load: PageServerLoad = async (event) => {
  const access = await authorizeWorkspacePage(event, event.params.ws, 'read');
  event.depends(INCIDENT_DEPENDENCY);
  const { alerts } = await getRuntime();
  try {
    return { incident: await alerts.getIncident(access.workspaceId, event.params.key) };
  } catch (failure) {
    if ((failure as { code?: unknown }).code === 'not_found') return { incident: null };
    throw failure;
  }
};
