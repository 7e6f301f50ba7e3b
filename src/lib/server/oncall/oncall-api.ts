/**
 * REST operations of on-call (docs/oncall.md): schedules and overrides, who is on call now, each
 * schedule's calendar feed, and escalation policies. Members read; operators and above manage.
 */
import { z } from 'zod';
import {
  onCallSchema,
  overrideCreateSchema,
  policyCreateSchema,
  policyPatchSchema,
  policySchema,
  scheduleCreateSchema,
  schedulePatchSchema,
  scheduleSchema
} from '$lib/shared/oncall/schema';
import { idSchema } from '$lib/shared/model/ids';
import { isoDateTimeSchema } from '$lib/shared/board/schema';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import { defineRawOperation } from '$lib/server/api/raw-operation';
import { SMALL_LIST_LIMITS, pageQuery, pageReply, pageResponse } from '$lib/server/api/list-page';
import { workspaceParam, workspaceParams } from '../workspaces/workspaces-json';

const TAGS = ['oncall'] as const;
const smallListQuery = z.object(pageQuery(SMALL_LIST_LIMITS)).strict();
const scheduleParams = z.object({ ws: workspaceParam, id: idSchema });
const overrideParams = z.object({ ws: workspaceParam, id: idSchema, override: idSchema });
const policyParams = z.object({ ws: workspaceParam, id: idSchema });

const createdScheduleSchema = scheduleSchema
  .extend({
    feedPath: z
      .string()
      .describe('The calendar feed with its token: shown now and after a rotation only.')
  })
  .meta({ id: 'CreatedSchedule', description: 'A new schedule, with its calendar feed address.' });

export const listSchedulesOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/oncall/schedules',
    operationId: 'listSchedules',
    summary: 'List on-call schedules',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: smallListQuery,
    responses: { 200: pageResponse('Oldest first.', z.array(scheduleSchema)) }
  },
  async ({ event, request, query }) =>
    pageReply(await request.runtime.oncall.listSchedules(request.workspaceId), query, event.url)
);

export const createScheduleOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/oncall/schedules',
    operationId: 'createSchedule',
    summary: 'Create an on-call schedule',
    description:
      'A rotation of members handing off daily or weekly at a time in the team’s time zone.',
    tags: TAGS,
    auth: { member: 'oncall.manage' },
    params: workspaceParams,
    body: scheduleCreateSchema,
    responses: {
      201: { description: 'The schedule.', schema: createdScheduleSchema },
      400: { description: 'Unknown time zone, or a participant who is not a member.' }
    }
  },
  async ({ request, body }) => {
    const { schedule, feedToken } = await request.runtime.oncall.createSchedule(
      request.workspaceId,
      body,
      request.access.actorId
    );
    return {
      status: 201,
      body: { ...schedule, feedPath: schedule.feedPath.replace('<token>', feedToken) }
    };
  }
);

export const getScheduleOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/oncall/schedules/{id}',
    operationId: 'getSchedule',
    summary: 'Get an on-call schedule',
    tags: TAGS,
    auth: { member: 'read' },
    params: scheduleParams,
    responses: {
      200: { description: 'The schedule.', schema: scheduleSchema },
      404: { description: 'No such schedule.' }
    }
  },
  async ({ request, params }) => ({
    status: 200,
    body: await request.runtime.oncall.getSchedule(request.workspaceId, params.id)
  })
);

export const updateScheduleOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/oncall/schedules/{id}',
    operationId: 'updateSchedule',
    summary: 'Change an on-call schedule',
    tags: TAGS,
    auth: { member: 'oncall.manage' },
    params: scheduleParams,
    body: schedulePatchSchema,
    responses: {
      200: { description: 'The schedule as changed.', schema: scheduleSchema },
      404: { description: 'No such schedule.' }
    }
  },
  async ({ request, params, body }) => ({
    status: 200,
    body: await request.runtime.oncall.updateSchedule(request.workspaceId, params.id, body)
  })
);

export const deleteScheduleOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/oncall/schedules/{id}',
    operationId: 'deleteSchedule',
    summary: 'Delete an on-call schedule',
    tags: TAGS,
    auth: { member: 'oncall.manage' },
    params: scheduleParams,
    responses: {
      204: { description: 'Deleted.' },
      404: { description: 'No such schedule.' },
      409: { description: 'An escalation policy pages it (`conflict`).' }
    }
  },
  async ({ request, params }) => {
    await request.runtime.oncall.deleteSchedule(request.workspaceId, params.id);
    return { status: 204, body: undefined };
  }
);

export const addOverrideOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/oncall/schedules/{id}/overrides',
    operationId: 'addOverride',
    summary: 'Put someone on call in place of the rotation',
    tags: TAGS,
    auth: { member: 'oncall.manage' },
    params: scheduleParams,
    body: overrideCreateSchema,
    responses: {
      201: { description: 'The schedule with the override.', schema: scheduleSchema },
      400: { description: 'Not a member, or the end is not after the start.' }
    }
  },
  async ({ request, params, body }) => ({
    status: 201,
    body: await request.runtime.oncall.addOverride(
      request.workspaceId,
      params.id,
      body,
      request.access.actorId
    )
  })
);

export const deleteOverrideOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/oncall/schedules/{id}/overrides/{override}',
    operationId: 'deleteOverride',
    summary: 'Remove an override',
    tags: TAGS,
    auth: { member: 'oncall.manage' },
    params: overrideParams,
    responses: { 204: { description: 'Removed.' }, 404: { description: 'No such override.' } }
  },
  async ({ request, params }) => {
    await request.runtime.oncall.deleteOverride(request.workspaceId, params.id, params.override);
    return { status: 204, body: undefined };
  }
);

export const rotateFeedOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/oncall/schedules/{id}/feed-token',
    operationId: 'rotateScheduleFeed',
    summary: 'Replace the calendar feed address of a schedule',
    tags: TAGS,
    auth: { member: 'oncall.manage' },
    params: scheduleParams,
    responses: {
      201: {
        description: 'The new feed address; the old one stops working.',
        schema: z.object({ feedPath: z.string() }).meta({ id: 'ScheduleFeed' })
      }
    }
  },
  async ({ request, params }) => ({
    status: 201,
    body: { feedPath: await request.runtime.oncall.rotateFeedToken(request.workspaceId, params.id) }
  })
);

export const scheduleFeedOperation = defineRawOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/oncall/schedules/{id}/feed.ics',
    operationId: 'scheduleFeed',
    summary: 'A schedule as an iCalendar feed',
    description:
      'For calendar apps, which cannot sign in: authorised by the feed token in the address ' +
      '(`?token=`), not by an account. Shifts from a week ago to 90 days ahead, and overrides.',
    tags: TAGS,
    auth: 'feed',
    params: scheduleParams,
    query: z.object({ token: z.string().min(1).max(200) }).strict(),
    responses: {
      200: { description: 'text/calendar' },
      404: { description: 'No such schedule, or a wrong token.' }
    }
  },
  async ({ request, params, query }) => {
    const { ws, id } = params as z.output<typeof scheduleParams>;
    const { token } = query as { token: string };
    const ics = await request.runtime.oncall.feed(ws, id, token);
    return new Response(ics, {
      headers: {
        'content-type': 'text/calendar; charset=utf-8',
        'cache-control': 'private, max-age=300'
      }
    });
  }
);

export const onCallNowOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/oncall/now',
    operationId: 'onCallNow',
    summary: 'Who is on call now',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    responses: {
      200: {
        description: 'Per schedule, who is on call now (null: nobody).',
        schema: z.array(
          z.object({
            scheduleId: idSchema,
            scheduleName: z.string(),
            onCall: onCallSchema.nullable()
          })
        )
      }
    }
  },
  async ({ request }) => ({
    status: 200,
    body: await request.runtime.oncall.onCallNow(request.workspaceId)
  })
);

export const onCallAtOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/oncall/schedules/{id}/oncall',
    operationId: 'onCallAt',
    summary: 'Who a schedule has on call at a time',
    tags: TAGS,
    auth: { member: 'read' },
    params: scheduleParams,
    query: z.object({ at: isoDateTimeSchema.optional().describe('Default: now.') }).strict(),
    responses: {
      200: {
        description: 'Who, from when until when; null when nobody.',
        schema: onCallSchema.nullable()
      },
      404: { description: 'No such schedule.' }
    }
  },
  async ({ request, params, query }) => ({
    status: 200,
    body: await request.runtime.oncall.onCall(
      request.workspaceId,
      params.id,
      query.at === undefined ? undefined : Date.parse(query.at)
    )
  })
);

export const listPoliciesOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/escalation-policies',
    operationId: 'listEscalationPolicies',
    summary: 'List escalation policies',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: smallListQuery,
    responses: { 200: pageResponse('Oldest first.', z.array(policySchema)) }
  },
  async ({ event, request, query }) =>
    pageReply(await request.runtime.oncall.listPolicies(request.workspaceId), query, event.url)
);

export const createPolicyOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/escalation-policies',
    operationId: 'createEscalationPolicy',
    summary: 'Create an escalation policy',
    description:
      'Steps, each `afterMinutes` after the incident opened without an acknowledgement, paging ' +
      'whoever a schedule has on call, a member, or a channel. Name it in an integration’s ' +
      '`settings.escalationPolicyId`.',
    tags: TAGS,
    auth: { member: 'oncall.manage' },
    params: workspaceParams,
    body: policyCreateSchema,
    responses: {
      201: { description: 'The policy.', schema: policySchema },
      400: { description: 'A step names a schedule, member or channel that does not exist.' }
    }
  },
  async ({ request, body }) => ({
    status: 201,
    body: await request.runtime.oncall.createPolicy(request.workspaceId, body)
  })
);

export const getPolicyOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/escalation-policies/{id}',
    operationId: 'getEscalationPolicy',
    summary: 'Get an escalation policy',
    tags: TAGS,
    auth: { member: 'read' },
    params: policyParams,
    responses: {
      200: { description: 'The policy.', schema: policySchema },
      404: { description: 'No such policy.' }
    }
  },
  async ({ request, params }) => ({
    status: 200,
    body: await request.runtime.oncall.getPolicy(request.workspaceId, params.id)
  })
);

export const updatePolicyOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/escalation-policies/{id}',
    operationId: 'updateEscalationPolicy',
    summary: 'Change an escalation policy',
    tags: TAGS,
    auth: { member: 'oncall.manage' },
    params: policyParams,
    body: policyPatchSchema,
    responses: {
      200: { description: 'The policy as changed.', schema: policySchema },
      404: { description: 'No such policy.' }
    }
  },
  async ({ request, params, body }) => ({
    status: 200,
    body: await request.runtime.oncall.updatePolicy(request.workspaceId, params.id, body)
  })
);

export const deletePolicyOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/escalation-policies/{id}',
    operationId: 'deleteEscalationPolicy',
    summary: 'Delete an escalation policy',
    description: 'Escalations under way stop at their next step.',
    tags: TAGS,
    auth: { member: 'oncall.manage' },
    params: policyParams,
    responses: { 204: { description: 'Deleted.' }, 404: { description: 'No such policy.' } }
  },
  async ({ request, params }) => {
    await request.runtime.oncall.deletePolicy(request.workspaceId, params.id);
    return { status: 204, body: undefined };
  }
);

export const oncallOperations: readonly Operation[] = [
  listSchedulesOperation,
  createScheduleOperation,
  getScheduleOperation,
  updateScheduleOperation,
  deleteScheduleOperation,
  addOverrideOperation,
  deleteOverrideOperation,
  rotateFeedOperation,
  scheduleFeedOperation,
  onCallNowOperation,
  onCallAtOperation,
  listPoliciesOperation,
  createPolicyOperation,
  getPolicyOperation,
  updatePolicyOperation,
  deletePolicyOperation
];
