import { authorizeWorkspacePage } from '$lib/server/api/page-access';
import { getRuntime } from '$lib/server/runtime';
import { can } from '$lib/shared/permissions';
import type { PageServerLoad } from './$types';
import { upcomingShifts } from './shifts';

/** How many days of shifts the page lists. */
const SHIFT_DAYS = 14;

/**
 * On call: the same `authorizeWorkspace` check as the REST API (members read, operators
 * manage), then the schedules with their next two weeks of shifts, the escalation policies and
 * the names of the notification channels they page through (names only: a channel's address is
 * for admins). Changes go through the REST API and then reload this data.
 */
export const load: PageServerLoad = async (event) => {
  const access = await authorizeWorkspacePage(event, event.params.ws, 'read');
  const { oncall, notifications } = await getRuntime();
  const [schedules, policies, channels] = await Promise.all([
    oncall.listSchedules(access.workspaceId),
    oncall.listPolicies(access.workspaceId),
    notifications.listChannels(access.workspaceId)
  ]);
  const now = Date.now();
  return {
    canManage: can(access.role, 'oncall.manage'),
    now: new Date(now).toISOString(),
    schedules: schedules.map((schedule) => ({
      ...schedule,
      // The feed token is shown once, after a create or a rotation, never in a listing.
      feedPath: null,
      shifts: upcomingShifts(schedule, now, SHIFT_DAYS)
    })),
    policies,
    channels: channels.map(({ id, name, type }) => ({ id, name, type }))
  };
};
