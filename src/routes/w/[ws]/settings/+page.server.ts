import { auditJson } from '$lib/server/workspaces/workspaces-api';
import { inviteJson, memberJson } from '$lib/server/workspaces/workspaces-json';
import { authorizeWorkspacePage } from '$lib/server/api/page-access';
import { getRuntime } from '$lib/server/runtime';
import { can } from '$lib/shared/permissions';
import { AUDIT_DEFAULT_LIMIT } from '$lib/shared/workspaces/schema';
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/**
 * Workspace settings: the same `authorizeWorkspace` check as the REST API (non-members get
 * 404), then what the caller's role may see: members for everyone, invites and the first page
 * of the audit log for admins and owners, and the alert integrations (never their secrets) with
 * the escalation policies and channels their settings name, and the weekly report's settings.
 * Changes go through the REST API.
 */
export const load: PageServerLoad = async (event) => {
  const access = await authorizeWorkspacePage(event, event.params.ws, 'read');
  const { accounts, alerts, notifications, oncall, weeklyReports } = await getRuntime();
  const workspace = await accounts.getWorkspace(access.workspaceId);
  if (!workspace) error(404, { code: 'not_found', message: 'no such workspace' });
  const now = Date.now();
  const [members, invites, audit, integrations, channels, policies, weeklyReport] =
    await Promise.all([
      accounts.listMembers(access.workspaceId),
      can(access.role, 'invites.manage') ? accounts.listInvites(access.workspaceId) : null,
      can(access.role, 'audit.read')
        ? accounts.listAudit(access.workspaceId, { limit: AUDIT_DEFAULT_LIMIT })
        : null,
      can(access.role, 'integrations.manage') ? alerts.listIntegrations(access.workspaceId) : null,
      // Notification channels (admins): never their addresses or secrets.
      can(access.role, 'integrations.manage')
        ? notifications.listChannels(access.workspaceId)
        : null,
      // Escalation policies by name, for the integrations' settings (admins).
      can(access.role, 'integrations.manage') ? oncall.listPolicies(access.workspaceId) : null,
      // The weekly report's settings (admins, like the channels it is sent to).
      can(access.role, 'integrations.manage')
        ? weeklyReports.settings(access.workspaceId, event.locals.locale)
        : null
    ]);
  return {
    workspace: { id: workspace.id, name: workspace.name },
    role: access.role,
    userId: access.actorId,
    members: members.map(memberJson),
    invites: invites?.map((invite) => inviteJson(invite, now)) ?? null,
    audit: audit?.map(auditJson) ?? null,
    integrations,
    channels,
    policies: policies?.map(({ id, name }) => ({ id, name })) ?? null,
    weeklyReport
  };
};
