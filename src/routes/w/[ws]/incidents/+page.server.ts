import { authorizeWorkspacePage } from '$lib/server/api/page-access';
import { getRuntime } from '$lib/server/runtime';
import { incidentStateSchema } from '$lib/shared/alerts/schema';
import { z } from 'zod';
import type { PageServerLoad } from './$types';

/** Most incidents the list shows. */
const LIST_LIMIT = 200;

const stateFilterSchema = z.union([incidentStateSchema, z.literal('open')]);

/**
 * The incident list, `/w/<ws>/incidents[?state=open|triggered|acknowledged|resolved|closed]`:
 * the same `authorizeWorkspace` check as the REST API, then the server's incidents (newest
 * first; the page puts the open ones first). An unknown state filter shows all.
 */
export const load: PageServerLoad = async (event) => {
  const access = await authorizeWorkspacePage(event, event.params.ws, 'read');
  event.depends('app:incidents');
  const parsed = stateFilterSchema.safeParse(event.url.searchParams.get('state'));
  const state = parsed.success ? parsed.data : null;
  const { alerts } = await getRuntime();
  const { items: incidents } = await alerts.listIncidents(access.workspaceId, {
    ...(state === null ? {} : { state }),
    limit: LIST_LIMIT
  });
  return { state, incidents, limit: LIST_LIMIT };
};
