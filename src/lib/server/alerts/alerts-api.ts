/**
 * REST operations of alert intake (docs/alerts.md): a workspace's integrations (admins), the
 * hooks sources post to (`POST /api/v1/hooks/{type}/{id}`, authorised by the integration's
 * secret, not by an account), and incidents with their lifecycle moves.
 */
import { json } from '@sveltejs/kit';
import { z } from 'zod';
import {
  incidentActionSchema,
  incidentEventSchema,
  incidentSchema,
  incidentStateSchema,
  integrationCreateSchema,
  integrationPatchSchema,
  integrationSchema,
  integrationTypeSchema,
  maintenanceWindowCreateSchema,
  incidentNoteSchema,
  sentMessageSchema,
  incidentItemSchema,
  runbookStepSchema,
  maintenanceWindowSchema,
  occurrenceSchema
} from '$lib/shared/alerts/schema';
import { idSchema } from '$lib/shared/model/ids';
import { bearerToken } from '$lib/server/auth/authenticate';
import { ApiError } from '$lib/server/api/errors';
import {
  defineOperation,
  parsePart,
  readBodyBytes,
  type Operation
} from '$lib/server/api/operation';
import { defineRawOperation } from '$lib/server/api/raw-operation';
import { chatActionReply, chatName, readChatAction } from '$lib/server/api/chat-action';
import {
  SMALL_LIST_LIMITS,
  pageQuery,
  pageReply,
  pageResponse,
  storePageHeaders
} from '$lib/server/api/list-page';
import type { MemberContext } from '$lib/server/api/request-context';
import { workspaceParam, workspaceParams } from '../workspaces/workspaces-json';
import { audit } from '../workspaces/workspaces-service';
import { alertDefaults } from './alerts-service';
import { reviewMarkdown } from './review-template';
import { describeIncidentEvent } from '$lib/alerts/incident-timeline';
import { translate, translatePlural } from '$lib/server/i18n/translate';
import { createRunbookDoc, parseMarkdown } from '../runbooks/runbooks-service';

const INTEGRATION_TAGS = ['integrations'] as const;
const smallListQuery = z.object(pageQuery(SMALL_LIST_LIMITS)).strict();
const INCIDENT_TAGS = ['incidents'] as const;

const integrationParams = z.object({ ws: workspaceParam, id: idSchema });
const incidentParams = z.object({
  ws: workspaceParam,
  id: z.string().min(1).max(100).meta({ description: 'Incident id, or its task key (OPS-12).' })
});

const createdIntegrationSchema = integrationSchema
  .extend({
    secret: z
      .string()
      .describe(
        'The secret the source sends as `Authorization: Bearer <secret>`. Shown this once: ' +
          'only its hash is stored.'
      )
  })
  .meta({ id: 'CreatedIntegration', description: 'A new integration with its secret.' });

const incidentViewSchema = incidentSchema
  .extend({
    events: z.array(incidentEventSchema).describe('The timeline, oldest first.'),
    notifications: z
      .array(sentMessageSchema)
      .describe('Notifications sent about it, oldest first, with their delivery state.'),
    runbookSteps: z
      .array(runbookStepSchema)
      .describe('Runbook steps checked on its card while it was handled, oldest first.'),
    items: z
      .array(incidentItemSchema)
      .describe('Configuration items its alerts name (by the integration’s CI labels).')
  })
  .meta({ id: 'IncidentView', description: 'An incident with its timeline.' });

const intakeResultSchema = z
  .object({
    alerts: z.int().describe('Alerts in the delivery.'),
    newOccurrences: z.int().describe('Occurrences it created; re-sends create none.'),
    opened: z.array(idSchema).describe('Incidents it opened.'),
    reopened: z.array(idSchema).describe('Incidents it reopened.'),
    resolved: z.array(idSchema).describe('Incidents it resolved.'),
    truncatedAlerts: z.int().describe('Alerts the source left out of the delivery.')
  })
  .meta({ id: 'IntakeResult', description: 'What a delivery changed.' });

/** JSON from a body; 400 `invalid_json` with the parser's reason. */
function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'syntax error';
    throw new ApiError(400, 'invalid_json', `the request body is not valid JSON: ${reason}`);
  }
}

/** The optional `{ comment }` of a lifecycle move: scripts may post without a body. */
async function optionalComment(request: Request): Promise<string | undefined> {
  if (request.body === null || request.headers.get('content-length') === '0') return undefined;
  const bytes = await readBodyBytes(request, 64 * 1024);
  if (new TextDecoder().decode(bytes).trim() === '') return undefined;
  const body = parsePart(incidentActionSchema, parseJson(bytes), 'request body') as {
    comment?: string;
  };
  return body.comment;
}

function actorOf(request: MemberContext): string {
  return request.access.actorId;
}

export const createIntegrationOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/integrations',
    operationId: 'createIntegration',
    summary: 'Create an alert integration',
    description:
      'A source of alerts (Alertmanager, Grafana or generic JSON) and the secret it posts ' +
      'with. The secret is in this answer only.',
    tags: INTEGRATION_TAGS,
    auth: { member: 'integrations.manage' },
    params: workspaceParams,
    body: integrationCreateSchema,
    responses: {
      201: { description: 'The integration and its secret.', schema: createdIntegrationSchema },
      400: { description: 'Invalid body (`invalid_input`).' },
      403: { description: 'Only admins manage integrations.' }
    }
  },
  async ({ request, body }) => {
    const { integration, secret } = await request.runtime.alerts.createIntegration(
      request.workspaceId,
      body,
      actorOf(request)
    );
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'integration.created',
      `integration:${integration.id}`,
      {
        name: integration.name,
        type: integration.type
      }
    );
    return { status: 201, body: { ...integration, secret } };
  }
);

export const listIntegrationsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/integrations',
    operationId: 'listIntegrations',
    summary: 'List alert integrations',
    tags: INTEGRATION_TAGS,
    auth: { member: 'integrations.manage' },
    params: workspaceParams,
    query: smallListQuery,
    responses: {
      200: pageResponse('Oldest first; never a secret.', z.array(integrationSchema))
    }
  },
  async ({ event, request, query }) =>
    pageReply(await request.runtime.alerts.listIntegrations(request.workspaceId), query, event.url)
);

export const getIntegrationOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/integrations/{id}',
    operationId: 'getIntegration',
    summary: 'Get an alert integration',
    tags: INTEGRATION_TAGS,
    auth: { member: 'integrations.manage' },
    params: integrationParams,
    responses: {
      200: { description: 'The integration.', schema: integrationSchema },
      404: { description: 'No such integration.' }
    }
  },
  async ({ request, params }) => ({
    status: 200,
    body: await request.runtime.alerts.getIntegration(request.workspaceId, params.id)
  })
);

export const updateIntegrationOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/integrations/{id}',
    operationId: 'updateIntegration',
    summary: 'Change an alert integration',
    description: 'Its name or settings (grouping, auto-resolve, reopen window, field mapping).',
    tags: INTEGRATION_TAGS,
    auth: { member: 'integrations.manage' },
    params: integrationParams,
    body: integrationPatchSchema,
    responses: {
      200: { description: 'The integration as changed.', schema: integrationSchema },
      404: { description: 'No such integration.' }
    }
  },
  async ({ request, params, body }) => ({
    status: 200,
    body: await request.runtime.alerts.updateIntegration(request.workspaceId, params.id, body)
  })
);

export const deleteIntegrationOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/integrations/{id}',
    operationId: 'deleteIntegration',
    summary: 'Delete an alert integration',
    description: 'Its hook stops answering at once; its incidents stay.',
    tags: INTEGRATION_TAGS,
    auth: { member: 'integrations.manage' },
    params: integrationParams,
    responses: {
      204: { description: 'Deleted.' },
      404: { description: 'No such integration.' }
    }
  },
  async ({ request, params }) => {
    const integration = await request.runtime.alerts.getIntegration(request.workspaceId, params.id);
    await request.runtime.alerts.deleteIntegration(request.workspaceId, params.id);
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'integration.deleted',
      `integration:${params.id}`,
      {
        name: integration.name,
        type: integration.type
      }
    );
    return { status: 204, body: undefined };
  }
);

export const rotateIntegrationSecretOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/integrations/{id}/secret',
    operationId: 'rotateIntegrationSecret',
    summary: 'Replace the secret of an alert integration',
    description: 'The old secret stops working at once. The new one is in this answer only.',
    tags: INTEGRATION_TAGS,
    auth: { member: 'integrations.manage' },
    params: integrationParams,
    responses: {
      201: {
        description: 'The new secret.',
        schema: z.object({ secret: z.string() }).meta({ id: 'IntegrationSecret' })
      },
      404: { description: 'No such integration.' }
    }
  },
  async ({ request, params }) => {
    const secret = await request.runtime.alerts.rotateSecret(request.workspaceId, params.id);
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'integration.secret_rotated',
      `integration:${params.id}`,
      {}
    );
    return { status: 201, body: { secret } };
  }
);

const hookParams = z.object({
  type: integrationTypeSchema,
  id: idSchema.meta({ description: 'The integration id.' })
});

export const receiveAlertsOperation = defineRawOperation(
  {
    method: 'POST',
    path: '/hooks/{type}/{id}',
    operationId: 'receiveAlerts',
    summary: 'Deliver alerts',
    description:
      'Where Alertmanager (webhook payload version 4), Grafana (webhook contact point) or any ' +
      'JSON source posts alerts, with the integration secret as `Authorization: Bearer …`. ' +
      'Idempotent: re-sent groups change nothing, one incident per group key (or fingerprint). ' +
      `Bodies up to ${alertDefaults.maxDeliveryBytes} bytes; ` +
      `${alertDefaults.deliveriesPerIntegration.burst} deliveries a minute per integration.`,
    tags: INCIDENT_TAGS,
    auth: 'integration',
    params: hookParams,
    responses: {
      200: { description: 'What the delivery changed.', schema: intakeResultSchema },
      400: { description: 'Not JSON, or not the format (`invalid_input`, with the reason).' },
      401: { description: 'Missing or wrong secret (`invalid_secret`); nothing stored.' },
      404: { description: 'No integration of this type and id; nothing stored.' },
      413: { description: 'Body too large (`payload_too_large`).' },
      429: { description: 'Too many deliveries (`rate_limited`, with Retry-After).' }
    }
  },
  async ({ event, request, params }) => {
    const { type, id } = params as z.output<typeof hookParams>;
    const secret = bearerToken(event.request.headers.get('authorization'));
    const integration = await request.runtime.alerts.authenticateHook(type, id, secret);
    const bytes = await readBodyBytes(
      event.request,
      alertDefaults.maxDeliveryBytes,
      () =>
        new ApiError(
          413,
          'payload_too_large',
          `a delivery may be at most ${alertDefaults.maxDeliveryBytes} bytes`
        )
    );
    const body = parseJson(bytes);
    const result = await request.runtime.alerts.receive(integration, body);
    return json(result, { headers: { 'cache-control': 'no-store' } });
  }
);

const incidentListQuery = z
  .object({
    state: z.union([incidentStateSchema, z.literal('open')]).optional(),
    ...pageQuery({ defaultLimit: 100, maxLimit: 500 })
  })
  .strict();

export const listIncidentsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/incidents',
    operationId: 'listIncidents',
    summary: 'List incidents',
    description: 'Newest first; `state=open` lists triggered and acknowledged ones.',
    tags: INCIDENT_TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: incidentListQuery,
    responses: { 200: pageResponse('The incidents.', z.array(incidentSchema)) }
  },
  async ({ event, request, query }) => {
    const page = await request.runtime.alerts.listIncidents(request.workspaceId, query);
    return { status: 200, body: page.items, headers: storePageHeaders(event.url, query, page) };
  }
);

export const getIncidentOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/incidents/{id}',
    operationId: 'getIncident',
    summary: 'Get an incident',
    description: 'The incident and its server facts: state, occurrences, timeline.',
    tags: INCIDENT_TAGS,
    auth: { member: 'read' },
    params: incidentParams,
    responses: {
      200: { description: 'The incident.', schema: incidentViewSchema },
      404: { description: 'No such incident.' }
    }
  },
  async ({ request, params }) => ({
    status: 200,
    body: await request.runtime.alerts.getIncident(request.workspaceId, params.id)
  })
);

function moveOperation(
  to: 'acknowledged' | 'resolved' | 'closed',
  verb: 'acknowledge' | 'resolve' | 'close',
  summary: string
): Operation {
  return defineOperation(
    {
      method: 'POST',
      path: `/workspaces/{ws}/incidents/{id}/${verb}`,
      operationId: `${verb}Incident`,
      summary,
      description:
        'The body `{ comment }` is optional (its comment goes on the timeline). Doing it again answers the incident as it is. A move the lifecycle forbids ' +
        '(triggered → acknowledged → resolved → closed) is refused with 409 `invalid_transition`.',
      tags: INCIDENT_TAGS,
      auth: { member: 'write' },
      params: incidentParams,
      responses: {
        200: { description: 'The incident after the move.', schema: incidentViewSchema },
        404: { description: 'No such incident.' },
        409: { description: 'Not allowed from the current state (`invalid_transition`).' }
      }
    },
    async ({ event, request, params }) => ({
      status: 200,
      body: await request.runtime.alerts.transition(
        request.workspaceId,
        params.id,
        to,
        actorOf(request),
        await optionalComment(event.request)
      )
    })
  );
}

export const acknowledgeIncidentOperation = moveOperation(
  'acknowledged',
  'acknowledge',
  'Acknowledge an incident'
);
export const resolveIncidentOperation = moveOperation('resolved', 'resolve', 'Resolve an incident');
export const closeIncidentOperation = moveOperation(
  'closed',
  'close',
  'Close a resolved incident after review'
);

const windowParams = z.object({ ws: workspaceParam, id: idSchema });

export const createWindowOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/maintenance-windows',
    operationId: 'createMaintenanceWindow',
    summary: 'Create a maintenance window',
    description:
      'While it lasts, alerts whose labels match (all matchers) open no incident; they are ' +
      'listed as held (`GET …/alerts/held`). When it ends, a held alert that still fires opens ' +
      'its incident at its next delivery.',
    tags: INCIDENT_TAGS,
    auth: { member: 'oncall.manage' },
    params: workspaceParams,
    body: maintenanceWindowCreateSchema,
    responses: {
      201: { description: 'The window.', schema: maintenanceWindowSchema },
      400: { description: 'Invalid matchers or times (`invalid_input`).' }
    }
  },
  async ({ request, body }) => ({
    status: 201,
    body: await request.runtime.alerts.createWindow(request.workspaceId, body, actorOf(request))
  })
);

export const listWindowsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/maintenance-windows',
    operationId: 'listMaintenanceWindows',
    summary: 'List current and coming maintenance windows',
    tags: INCIDENT_TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: smallListQuery,
    responses: {
      200: pageResponse('Soonest first.', z.array(maintenanceWindowSchema))
    }
  },
  async ({ event, request, query }) =>
    pageReply(await request.runtime.alerts.listWindows(request.workspaceId), query, event.url)
);

export const endWindowOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/maintenance-windows/{id}',
    operationId: 'endMaintenanceWindow',
    summary: 'End a maintenance window now',
    tags: INCIDENT_TAGS,
    auth: { member: 'oncall.manage' },
    params: windowParams,
    responses: {
      204: { description: 'Ended.' },
      404: { description: 'No such window, or it has ended.' }
    }
  },
  async ({ request, params }) => {
    await request.runtime.alerts.endWindow(request.workspaceId, params.id);
    return { status: 204, body: undefined };
  }
);

export const heldAlertsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/alerts/held',
    operationId: 'listHeldAlerts',
    summary: 'List alerts held back by maintenance',
    tags: INCIDENT_TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: z.object(pageQuery({ defaultLimit: 100, maxLimit: 500 })).strict(),
    responses: {
      200: pageResponse(
        'Firing alerts a window holds, newest first (`heldBy`: the window).',
        z.array(occurrenceSchema)
      )
    }
  },
  async ({ event, request, query }) => {
    const page = await request.runtime.alerts.heldAlerts(request.workspaceId, query);
    return { status: 200, body: page.items, headers: storePageHeaders(event.url, query, page) };
  }
);

export const startReviewOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/incidents/{id}/review',
    operationId: 'startIncidentReview',
    summary: 'Start the post-incident review',
    description:
      'Creates a runbook from the post-incident review template, in your language, filled with ' +
      'the incident’s facts and timeline, and links it from the incident’s card. Once started, ' +
      'the same review is answered again.',
    tags: INCIDENT_TAGS,
    auth: { member: 'write' },
    params: incidentParams,
    responses: {
      200: {
        description: 'The review that was started before.',
        schema: z.object({ runbookId: idSchema, created: z.boolean() })
      },
      201: {
        description: 'The new review runbook.',
        schema: z
          .object({ runbookId: idSchema, created: z.boolean() })
          .meta({ id: 'IncidentReview' })
      },
      404: { description: 'No such incident.' }
    }
  },
  async ({ event, request, params }) => {
    const { alerts } = request.runtime;
    const existing = await alerts.reviewOf(request.workspaceId, params.id);
    if (existing !== null) {
      return { status: 200, body: { runbookId: existing, created: false } };
    }
    const view = await alerts.getIncident(request.workspaceId, params.id);
    const members = new Map(
      (await request.runtime.accounts.listMembers(request.workspaceId)).map((m) => [
        m.userId,
        m.name || m.email
      ])
    );
    const locale = event.locals.locale;
    const { title, markdown } = reviewMarkdown(view, locale, (entry) =>
      describeIncidentEvent(entry, {
        text: (key, values) => translate(locale, key, values as never),
        opened: (count) => translatePlural(locale, 'incidentPage.event.opened', { count }),
        list: (items) => new Intl.ListFormat(locale, { type: 'conjunction' }).format(items),
        memberName: (id) => members.get(id) ?? id
      })
    );
    const runbookId = await createRunbookDoc(
      {
        runtime: request.runtime,
        workspaceId: request.workspaceId,
        actorId: actorOf(request),
        locale
      },
      { title, content: parseMarkdown(markdown), tags: ['post-incident-review'] }
    );
    await alerts.noteReview(request.workspaceId, view.id, runbookId, actorOf(request));
    return { status: 201, body: { runbookId, created: true } };
  }
);

export const chatAcknowledgeOperation = defineRawOperation(
  {
    method: 'POST',
    path: '/hooks/chat-ack',
    operationId: 'chatAcknowledge',
    summary: 'Acknowledge an incident from a chat button',
    description:
      'Where the Acknowledge button of a Slack (interactivity request URL) or Mattermost ' +
      '(message action) message calls back. Authorised by the signed token the button carries, ' +
      'valid 24 hours, not by an account: the incident is acknowledged under the chat user’s ' +
      'name. Answers in the chat’s shape (`text` for Slack; `update` and `ephemeral_text` for ' +
      'Mattermost).',
    tags: INCIDENT_TAGS,
    auth: 'public',
    responses: {
      200: { description: 'Acknowledged, or already past that: a message for the chat.' },
      400: { description: 'Not a Slack or Mattermost button call.' },
      401: { description: 'An invalid or expired token (`invalid_secret`).' }
    }
  },
  async ({ event, request }) => {
    const action = await readChatAction(event.request);
    const user = action.user;
    const claims = request.runtime.notifications.chatAckClaims(action.token);
    if (claims === null) {
      throw new ApiError(401, 'invalid_secret', translate('en', 'notify.ack.invalid'));
    }
    const via = chatName(claims.via);
    const { alerts } = request.runtime;
    const before = await alerts.getIncident(claims.workspaceId, claims.incidentId);
    const ref = before.key ?? before.id;
    let message: string;
    if (before.state === 'triggered') {
      await alerts.transition(
        claims.workspaceId,
        claims.incidentId,
        'acknowledged',
        null,
        undefined,
        {
          channel: via,
          user
        }
      );
      message = translate(claims.locale, 'notify.ack.done', { user, ref, via });
    } else {
      message = translate(claims.locale, 'notify.ack.already', {
        ref,
        state: translate(claims.locale, `notify.state.${before.state}`)
      });
    }
    return chatActionReply(action, message);
  }
);

export const addIncidentNoteOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/incidents/{id}/notes',
    operationId: 'addIncidentNote',
    summary: 'Add a note to an incident',
    description: 'A note on the timeline (what was tried, what was found), under your name.',
    tags: INCIDENT_TAGS,
    auth: { member: 'write' },
    params: incidentParams,
    body: incidentNoteSchema,
    responses: {
      201: { description: 'The incident with the note.', schema: incidentViewSchema },
      404: { description: 'No such incident.' }
    }
  },
  async ({ request, params, body }) => ({
    status: 201,
    body: await request.runtime.alerts.addNote(
      request.workspaceId,
      params.id,
      body.text,
      actorOf(request)
    )
  })
);

export const alertOperations: readonly Operation[] = [
  addIncidentNoteOperation,
  chatAcknowledgeOperation,
  startReviewOperation,
  createWindowOperation,
  listWindowsOperation,
  endWindowOperation,
  heldAlertsOperation,
  createIntegrationOperation,
  listIntegrationsOperation,
  getIntegrationOperation,
  updateIntegrationOperation,
  deleteIntegrationOperation,
  rotateIntegrationSecretOperation,
  receiveAlertsOperation,
  listIncidentsOperation,
  getIncidentOperation,
  acknowledgeIncidentOperation,
  resolveIncidentOperation,
  closeIncidentOperation
];
