import { authorizeWorkspacePage } from '$lib/server/api/page-access';
import { getRuntime } from '$lib/server/runtime';
import { can } from '$lib/shared/permissions';
import type { PageServerLoad } from './$types';

/** How many held alerts the page lists. */
const HELD_LIMIT = 100;

/**
 * Maintenance: the same `authorizeWorkspace` check as the REST API (members read, operators
 * create and end windows), then the current and coming windows, the alerts they hold back, and
 * the integrations' names (a window may be limited to one). Changes go through the REST API.
 */
export const load: PageServerLoad = async (event) => {
  const access = await authorizeWorkspacePage(event, event.params.ws, 'read');
  const { alerts } = await getRuntime();
  const [windows, held, integrations] = await Promise.all([
    alerts.listWindows(access.workspaceId),
    alerts.heldAlerts(access.workspaceId, { limit: HELD_LIMIT, offset: 0 }),
    alerts.listIntegrations(access.workspaceId)
  ]);
  return {
    canManage: can(access.role, 'oncall.manage'),
    now: new Date().toISOString(),
    windows,
    held: held.items,
    heldTotal: held.total,
    integrations: integrations.map(({ id, name, type }) => ({ id, name, type }))
  };
};
