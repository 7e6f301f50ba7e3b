/**
 * REST operations of notifications (docs/notifications.md): a workspace's channels (admins),
 * a test message, and the outbox with its dead letters.
 */
import { z } from 'zod';
import {
  channelCreateSchema,
  channelPatchSchema,
  channelSchema,
  outboxMessageSchema,
  outboxStateSchema
} from '$lib/shared/notifications/schema';
import { idSchema } from '$lib/shared/model/ids';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import {
  SMALL_LIST_LIMITS,
  pageQuery,
  pageReply,
  pageResponse,
  storePageHeaders
} from '$lib/server/api/list-page';
import { workspaceParam, workspaceParams } from '../workspaces/workspaces-json';
import { audit } from '../workspaces/workspaces-service';

const TAGS = ['notifications'] as const;
const channelParams = z.object({ ws: workspaceParam, id: idSchema });
const messageParams = z.object({ ws: workspaceParam, id: idSchema });

export const createChannelOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/notification-channels',
    operationId: 'createNotificationChannel',
    summary: 'Create a notification channel',
    description:
      'Slack, Mattermost, DingTalk, WeCom or Feishu robot, e-mail over SMTP, or a generic ' +
      'webhook signed with HMAC-SHA256. The URL and secret are stored encrypted and never ' +
      'shown again. Without `events` it gets incidents opened, acknowledged and resolved.',
    tags: TAGS,
    auth: { member: 'integrations.manage' },
    params: workspaceParams,
    body: channelCreateSchema,
    responses: {
      201: { description: 'The channel.', schema: channelSchema },
      400: { description: 'Invalid body (`invalid_input`, with the field).' },
      403: { description: 'Only admins manage channels.' },
      503: { description: 'No key to encrypt credentials with (`secret_key_required`).' }
    }
  },
  async ({ event, request, body }) => {
    const channel = await request.runtime.notifications.createChannel(request.workspaceId, body, {
      actorId: request.access.actorId,
      locale: event.locals.locale,
      requestOrigin: event.url.origin
    });
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'channel.created',
      `channel:${channel.id}`,
      { name: channel.name, type: channel.type }
    );
    return { status: 201, body: channel };
  }
);

export const listChannelsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/notification-channels',
    operationId: 'listNotificationChannels',
    summary: 'List notification channels',
    tags: TAGS,
    auth: { member: 'integrations.manage' },
    params: workspaceParams,
    query: z.object(pageQuery(SMALL_LIST_LIMITS)).strict(),
    responses: { 200: pageResponse('Oldest first.', z.array(channelSchema)) }
  },
  async ({ event, request, query }) =>
    pageReply(
      await request.runtime.notifications.listChannels(request.workspaceId),
      query,
      event.url
    )
);

export const getChannelOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/notification-channels/{id}',
    operationId: 'getNotificationChannel',
    summary: 'Get a notification channel',
    tags: TAGS,
    auth: { member: 'integrations.manage' },
    params: channelParams,
    responses: {
      200: { description: 'The channel.', schema: channelSchema },
      404: { description: 'No such channel.' }
    }
  },
  async ({ request, params }) => ({
    status: 200,
    body: await request.runtime.notifications.getChannel(request.workspaceId, params.id)
  })
);

export const updateChannelOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/notification-channels/{id}',
    operationId: 'updateNotificationChannel',
    summary: 'Change a notification channel',
    description: 'Its name, events or language. To change its URL or secret, create a new one.',
    tags: TAGS,
    auth: { member: 'integrations.manage' },
    params: channelParams,
    body: channelPatchSchema,
    responses: {
      200: { description: 'The channel as changed.', schema: channelSchema },
      404: { description: 'No such channel.' }
    }
  },
  async ({ request, params, body }) => ({
    status: 200,
    body: await request.runtime.notifications.updateChannel(request.workspaceId, params.id, body)
  })
);

export const deleteChannelOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/notification-channels/{id}',
    operationId: 'deleteNotificationChannel',
    summary: 'Delete a notification channel',
    description: 'Its pending messages are dropped; delivered and dead ones stay listed.',
    tags: TAGS,
    auth: { member: 'integrations.manage' },
    params: channelParams,
    responses: { 204: { description: 'Deleted.' }, 404: { description: 'No such channel.' } }
  },
  async ({ request, params }) => {
    const channel = await request.runtime.notifications.getChannel(request.workspaceId, params.id);
    await request.runtime.notifications.deleteChannel(request.workspaceId, params.id);
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'channel.deleted',
      `channel:${params.id}`,
      { name: channel.name, type: channel.type }
    );
    return { status: 204, body: undefined };
  }
);

export const testChannelOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/notification-channels/{id}/test',
    operationId: 'testNotificationChannel',
    summary: 'Send a test message',
    description:
      'Queues a test message on the channel and answers it; follow its state in the outbox.',
    tags: TAGS,
    auth: { member: 'integrations.manage' },
    params: channelParams,
    responses: {
      202: { description: 'The queued message.', schema: outboxMessageSchema },
      404: { description: 'No such channel.' }
    }
  },
  async ({ request, params }) => ({
    status: 202,
    body: await request.runtime.notifications.sendTest(request.workspaceId, params.id)
  })
);

const outboxQuery = z
  .object({
    state: outboxStateSchema.optional(),
    channel: idSchema.optional().describe('Only the messages of this channel.'),
    ...pageQuery({ defaultLimit: 100, maxLimit: 500 })
  })
  .strict();

export const listOutboxOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/outbox',
    operationId: 'listOutbox',
    summary: 'List outgoing messages',
    description:
      'Newest first, with their idempotency keys; `state=dead` lists those that ran out of ' +
      'attempts.',
    tags: TAGS,
    auth: { member: 'integrations.manage' },
    params: workspaceParams,
    query: outboxQuery,
    responses: { 200: pageResponse('The messages.', z.array(outboxMessageSchema)) }
  },
  async ({ event, request, query }) => {
    const page = await request.runtime.notifications.listMessages(request.workspaceId, {
      limit: query.limit,
      offset: query.offset,
      ...(query.state === undefined ? {} : { state: query.state }),
      ...(query.channel === undefined ? {} : { channelId: query.channel })
    });
    return { status: 200, body: page.items, headers: storePageHeaders(event.url, query, page) };
  }
);

export const retryMessageOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/outbox/{id}/retry',
    operationId: 'retryOutboxMessage',
    summary: 'Send a dead message again',
    tags: TAGS,
    auth: { member: 'integrations.manage' },
    params: messageParams,
    responses: {
      200: { description: 'The message, pending again.', schema: outboxMessageSchema },
      404: { description: 'No such message.' },
      409: { description: 'The message is not dead (`invalid_transition`).' }
    }
  },
  async ({ request, params }) => ({
    status: 200,
    body: await request.runtime.notifications.retry(request.workspaceId, params.id)
  })
);

export const notificationOperations: readonly Operation[] = [
  createChannelOperation,
  listChannelsOperation,
  getChannelOperation,
  updateChannelOperation,
  deleteChannelOperation,
  testChannelOperation,
  listOutboxOperation,
  retryMessageOperation
];
