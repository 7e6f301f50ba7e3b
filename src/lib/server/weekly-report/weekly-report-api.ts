/**
 * REST operations of the weekly report (docs/notifications.md, "Weekly report"): its settings
 * (admins, audited), a preview of the message, and sending the last week's report now.
 */
import { z } from 'zod';
import { outboxMessageSchema } from '$lib/shared/notifications/schema';
import {
  weeklyReportContentSchema,
  weeklyReportPatchSchema,
  weeklyReportSettingsSchema
} from '$lib/shared/weekly-report/schema';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import { workspaceParams } from '../workspaces/workspaces-json';
import { audit } from '../workspaces/workspaces-service';

const TAGS = ['notifications'] as const;

export const weeklyReportPreviewSchema = z
  .object({
    subject: z.string(),
    markdown: z.string().describe('The message as Markdown, as the chats show it.'),
    report: weeklyReportContentSchema
  })
  .meta({ id: 'WeeklyReportPreview' });

export const getWeeklyReportOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/weekly-report',
    operationId: 'getWeeklyReport',
    summary: 'Get the weekly report settings',
    description:
      'Whether the weekly report is on, its channel, its weekday and hour in its time zone, its ' +
      'language, the last week queued and when the next is due.',
    tags: TAGS,
    auth: { member: 'integrations.manage' },
    params: workspaceParams,
    responses: { 200: { description: 'The settings.', schema: weeklyReportSettingsSchema } }
  },
  async ({ event, request }) => ({
    status: 200,
    body: await request.runtime.weeklyReports.settings(request.workspaceId, event.locals.locale)
  })
);

export const updateWeeklyReportOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/weekly-report',
    operationId: 'updateWeeklyReport',
    summary: 'Change the weekly report settings',
    description:
      'Turning it on, or moving its time, makes only later times due: nothing is sent at once. ' +
      'Turning it on needs a channel of the workspace.',
    tags: TAGS,
    auth: { member: 'integrations.manage' },
    params: workspaceParams,
    body: weeklyReportPatchSchema,
    responses: {
      200: { description: 'The settings as changed.', schema: weeklyReportSettingsSchema },
      400: { description: 'Invalid settings (`invalid_input`, with the field).' }
    }
  },
  async ({ event, request, body }) => {
    const { settings, changed } = await request.runtime.weeklyReports.update(
      request.workspaceId,
      body,
      { actorId: request.access.actorId, locale: event.locals.locale }
    );
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'report.weekly_updated',
      `report:${request.workspaceId}`,
      {
        changed,
        enabled: settings.enabled,
        channelId: settings.channelId,
        weekday: settings.weekday,
        hour: settings.hour,
        timeZone: settings.timeZone,
        locale: settings.locale
      }
    );
    return { status: 200, body: settings };
  }
);

export const previewWeeklyReportOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/weekly-report/preview',
    operationId: 'previewWeeklyReport',
    summary: 'Preview the weekly report',
    description:
      'The report of the last whole week as it would be sent, in the settings’ language and ' +
      'time zone; nothing is sent.',
    tags: TAGS,
    auth: { member: 'integrations.manage' },
    params: workspaceParams,
    responses: { 200: { description: 'The message.', schema: weeklyReportPreviewSchema } }
  },
  async ({ event, request }) => ({
    status: 200,
    body: await request.runtime.weeklyReports.preview(request.workspaceId, {
      locale: event.locals.locale,
      origin: request.runtime.config.origin ?? event.url.origin
    })
  })
);

export const sendWeeklyReportOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/weekly-report/send',
    operationId: 'sendWeeklyReport',
    summary: 'Send the weekly report now',
    description:
      'Queues the report of the last whole week on the chosen channel (enabled or not) and ' +
      'answers the message; follow its state in the outbox. The schedule is not affected.',
    tags: TAGS,
    auth: { member: 'integrations.manage' },
    params: workspaceParams,
    responses: {
      202: { description: 'The queued message.', schema: outboxMessageSchema },
      400: { description: 'No channel chosen (`invalid_input`).' },
      404: { description: 'The chosen channel was deleted.' }
    }
  },
  async ({ event, request }) => ({
    status: 202,
    body: await request.runtime.weeklyReports.sendNow(request.workspaceId, event.locals.locale)
  })
);

export const weeklyReportOperations: readonly Operation[] = [
  getWeeklyReportOperation,
  updateWeeklyReportOperation,
  previewWeeklyReportOperation,
  sendWeeklyReportOperation
];
