/**
 * REST operations of change management (docs/changes.md): change requests and their moves,
 * approvals, the workspace's approval policy (admins), freezes, incident causes, "what
 * changed" and the figures; and the chat hook that approves from a Slack or Mattermost button.
 * Every move and decision is written to the audit log here, with who, when and the comment.
 */
import { z } from 'zod';
import {
  approvalCreateSchema,
  changeCreateSchema,
  changeFiguresSchema,
  changePatchSchema,
  changePolicySchema,
  changeStateSchema,
  changeSummarySchema,
  changeTransitionSchema,
  changeTypeSchema,
  changeViewSchema,
  freezeCreateSchema,
  freezeSchema,
  type ChangeView
} from '$lib/shared/changes/schema';
import { idSchema } from '$lib/shared/model/ids';
import { ApiError } from '$lib/server/api/errors';
import {
  defineOperation,
  queryBoolean,
  queryInteger,
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
import { translate } from '$lib/server/i18n/translate';
import { workspaceParam, workspaceParams } from '../workspaces/workspaces-json';
import { audit, type AuditActor } from '../workspaces/workspaces-service';
import type { ChangeActor } from './changes-service';

const TAGS = ['changes'] as const;

const changeParams = z.object({
  ws: workspaceParam,
  id: z.string().min(1).max(100).meta({ description: 'Change id, or its task key (OPS-12).' })
});
const freezeParams = z.object({ ws: workspaceParam, id: idSchema });
const incidentParams = z.object({
  ws: workspaceParam,
  id: z.string().min(1).max(100).meta({ description: 'Incident id, or its task key.' })
});

function actorOf(request: MemberContext): ChangeActor {
  return { userId: request.access.actorId, role: request.access.role };
}

/** What the audit log names a change by. */
function refOf(change: Pick<ChangeView, 'key' | 'id'>): string {
  return change.key ?? change.id;
}

export const createChangeOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/changes',
    operationId: 'createChange',
    summary: 'Request a change',
    description:
      'A draft change request and its board card (a task of kind `change`). The window is ISO ' +
      'with an offset, or local date-times read in `timeZone` (the requester’s IANA zone); it ' +
      'is stored in UTC. The plans are Markdown, kept as rich text in the card’s document.',
    tags: TAGS,
    auth: { member: 'changes.write' },
    params: workspaceParams,
    body: changeCreateSchema,
    responses: {
      201: { description: 'The change, a draft.', schema: changeViewSchema },
      400: { description: 'Invalid body (`invalid_input`).' },
      403: { description: 'Viewers request no changes.' }
    }
  },
  async ({ request, body }) => {
    const change = await request.runtime.changes.createChange(
      request.workspaceId,
      body,
      request.access.actorId
    );
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'change.created',
      `change:${change.id}`,
      { ref: refOf(change), title: change.title, type: change.type }
    );
    return { status: 201, body: change };
  }
);

const changeListQuery = z
  .object({
    from: z.string().max(40).optional().describe('Windows ending after this (ISO).'),
    to: z.string().max(40).optional().describe('Windows starting before this (ISO).'),
    state: changeStateSchema.optional(),
    type: changeTypeSchema.optional(),
    ...pageQuery({ defaultLimit: 200, maxLimit: 1000 })
  })
  .strict();

export const listChangesOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/changes',
    operationId: 'listChanges',
    summary: 'List changes (the change calendar)',
    description:
      'Changes whose window overlaps [`from`, `to`), by window start; filter by `state` and `type`.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: changeListQuery,
    responses: { 200: pageResponse('The changes.', z.array(changeSummarySchema)) }
  },
  async ({ event, request, query }) => {
    const page = await request.runtime.changes.listChanges(request.workspaceId, query);
    return { status: 200, body: page.items, headers: storePageHeaders(event.url, query, page) };
  }
);

export const getChangeOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/changes/{id}',
    operationId: 'getChange',
    summary: 'Get a change',
    description:
      'The change read from the server’s facts, never from a client’s copy: state, approvals, ' +
      'what its policy still asks (`requirements`), conflicting changes and its transition log.',
    tags: TAGS,
    auth: { member: 'read' },
    params: changeParams,
    responses: {
      200: { description: 'The change.', schema: changeViewSchema },
      404: { description: 'No such change.' }
    }
  },
  async ({ request, params }) => ({
    status: 200,
    body: await request.runtime.changes.getChange(request.workspaceId, params.id)
  })
);

export const updateChangeOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/changes/{id}',
    operationId: 'updateChange',
    summary: 'Change a draft change',
    description: 'Only a draft, by its requester or an operator.',
    tags: TAGS,
    auth: { member: 'changes.write' },
    params: changeParams,
    body: changePatchSchema,
    responses: {
      200: { description: 'The change.', schema: changeViewSchema },
      403: { description: 'Not the requester nor an operator.' },
      409: { description: 'Not a draft (`invalid_transition`).' }
    }
  },
  async ({ request, params, body }) => ({
    status: 200,
    body: await request.runtime.changes.updateChange(
      request.workspaceId,
      params.id,
      body,
      actorOf(request)
    )
  })
);

export const transitionChangeOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/changes/{id}/transitions',
    operationId: 'transitionChange',
    summary: 'Move a change to another state',
    description:
      'draft → submitted → approved | rejected → scheduled → in_progress → completed | failed | ' +
      'rolled_back, and cancelled from any state that is not final. A move the lifecycle does ' +
      'not have → 409 `invalid_transition`; approved and rejected come from approvals, and only ' +
      'an emergency change starts from submitted (403 `approval_required`); scheduling and ' +
      'implementation need an operator (403 `forbidden`); scheduling or starting in a freeze → ' +
      '409 `frozen` unless the change is an emergency. A standard change is approved when ' +
      'submitted.',
    tags: TAGS,
    auth: { member: 'changes.write' },
    params: changeParams,
    body: changeTransitionSchema,
    responses: {
      200: {
        description: 'The change after the move, with its conflicts.',
        schema: changeViewSchema
      },
      403: { description: 'Your role or the policy forbids the move.' },
      409: { description: '`invalid_transition` or `frozen`.' }
    }
  },
  async ({ request, params, body }) => {
    const { changes } = request.runtime;
    const before = await changes.getChange(request.workspaceId, params.id);
    const change = await changes.transition(
      request.workspaceId,
      params.id,
      body.to,
      actorOf(request),
      body.comment
    );
    // Every state the change passed through (a standard change's submit also approves it).
    for (const event of change.events.filter((e) => !before.events.some((b) => b.seq === e.seq))) {
      await audit(
        request.runtime,
        event.actor === null ? { ...request.actor, userId: null, label: 'policy' } : request.actor,
        request.workspaceId,
        'change.transitioned',
        `change:${change.id}`,
        {
          ref: refOf(change),
          from: event.from,
          to: event.to,
          at: event.at,
          ...(event.comment ? { comment: event.comment } : {})
        }
      );
    }
    return { status: 200, body: change };
  }
);

/** Audits a decision and the moves it caused. */
async function auditDecision(
  request: Pick<MemberContext, 'runtime' | 'workspaceId'>,
  actor: AuditActor,
  before: ChangeView,
  after: ChangeView,
  decision: string,
  comment: string | undefined
): Promise<void> {
  const details = { ref: refOf(after), decision, ...(comment ? { comment } : {}) };
  await audit(
    request.runtime,
    actor,
    request.workspaceId,
    'change.decided',
    `change:${after.id}`,
    details
  );
  for (const event of after.events.filter((e) => !before.events.some((b) => b.seq === e.seq))) {
    await audit(
      request.runtime,
      actor,
      request.workspaceId,
      'change.transitioned',
      `change:${after.id}`,
      { ref: refOf(after), from: event.from, to: event.to, at: event.at }
    );
  }
}

export const decideChangeOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/changes/{id}/approvals',
    operationId: 'decideChange',
    summary: 'Approve or reject a change',
    description:
      'Your decision on a submitted change (or the review of an emergency change after it ' +
      'started). The change becomes approved when its policy is met, rejected at a reject. The ' +
      'requester cannot decide (403 `self_approval`); an approval the policy does not count ' +
      '(a member, someone outside the named approvers) → 403 `not_an_approver`.',
    tags: TAGS,
    auth: { member: 'changes.approve' },
    params: changeParams,
    body: approvalCreateSchema,
    responses: {
      201: { description: 'The change with the decision.', schema: changeViewSchema },
      403: { description: '`self_approval`, `not_an_approver`, or not an operator.' },
      409: { description: 'Not waiting for approval (`invalid_transition`), or decided otherwise.' }
    }
  },
  async ({ request, params, body }) => {
    const { changes } = request.runtime;
    const before = await changes.getChange(request.workspaceId, params.id);
    const change = await changes.decide(
      request.workspaceId,
      params.id,
      body.decision,
      actorOf(request),
      body.comment
    );
    await auditDecision(request, request.actor, before, change, body.decision, body.comment);
    return { status: 201, body: change };
  }
);

export const chatDecideChangeOperation = defineRawOperation(
  {
    method: 'POST',
    path: '/hooks/chat-approve',
    operationId: 'chatDecideChange',
    summary: 'Approve or reject a change from a chat button',
    description:
      'Where the Approve and Reject buttons of a Slack or Mattermost approval request call ' +
      'back. Authorised by the signed token the button carries, which names the change, the ' +
      'approver and the decision and expires after 72 hours: the decision is recorded as that ' +
      'approver’s, under the same rules as the API (the requester is still refused).',
    tags: TAGS,
    auth: 'public',
    responses: {
      200: { description: 'Decided, or refused with the reason: a message for the chat.' },
      400: { description: 'Not a Slack or Mattermost button call.' },
      401: { description: 'An invalid or expired token (`invalid_secret`).' }
    }
  },
  async ({ event, request }) => {
    const action = await readChatAction(event.request);
    const claims = request.runtime.notifications.chatDecisionClaims(action.token);
    if (claims === null) {
      throw new ApiError(401, 'invalid_secret', translate('en', 'notify.decide.invalid'));
    }
    const { changes, accounts } = request.runtime;
    const via = chatName(claims.via);
    const before = await changes.getChange(claims.workspaceId, claims.changeId);
    const ref = refOf(before);
    const membership = await accounts.getMembership(claims.workspaceId, claims.approverId);
    const user = await accounts.getUser(claims.approverId);
    const approver = user ? user.name || user.email : claims.approverId;
    if (!membership) {
      return chatActionReply(
        action,
        translate(claims.locale, 'notify.decide.refused', {
          ref,
          reason: translate(claims.locale, 'error.not_an_approver')
        })
      );
    }
    try {
      const after = await changes.decide(
        claims.workspaceId,
        claims.changeId,
        claims.decision,
        { userId: claims.approverId, role: membership.role },
        undefined,
        { channel: via, user: action.user }
      );
      await auditDecision(
        { runtime: request.runtime, workspaceId: claims.workspaceId },
        {
          userId: claims.approverId,
          label: `${user?.email ?? claims.approverId} (${via}: ${action.user})`,
          origin: request.origin
        },
        before,
        after,
        claims.decision,
        undefined
      );
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || code === 'not_found') throw error;
      const key = `error.${code}` as 'error.forbidden';
      return chatActionReply(
        action,
        translate(claims.locale, 'notify.decide.refused', {
          ref,
          reason: translate(claims.locale, key)
        })
      );
    }
    return chatActionReply(
      action,
      translate(
        claims.locale,
        claims.decision === 'approve' ? 'notify.decide.approved' : 'notify.decide.rejected',
        { user: action.user, ref, approver, via }
      )
    );
  }
);

export const getChangePolicyOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/change-policy',
    operationId: 'getChangePolicy',
    summary: 'Get the change approval policy',
    description: 'The workspace’s policy, or the defaults when none was set.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    responses: { 200: { description: 'The policy.', schema: changePolicySchema } }
  },
  async ({ request }) => ({
    status: 200,
    body: await request.runtime.changes.getPolicy(request.workspaceId)
  })
);

export const updateChangePolicyOperation = defineOperation(
  {
    method: 'PUT',
    path: '/workspaces/{ws}/change-policy',
    operationId: 'updateChangePolicy',
    summary: 'Replace the change approval policy',
    description: 'Fields left out take their defaults. Admins only.',
    tags: TAGS,
    auth: { member: 'changes.policy' },
    params: workspaceParams,
    body: changePolicySchema,
    responses: {
      200: { description: 'The policy as stored.', schema: changePolicySchema },
      403: { description: 'Only admins set the policy.' }
    }
  },
  async ({ request, body }) => {
    const policy = await request.runtime.changes.setPolicy(
      request.workspaceId,
      body,
      request.access.actorId
    );
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'change.policy_updated',
      `policy:${request.workspaceId}`,
      { policy }
    );
    return { status: 200, body: policy };
  }
);

export const createFreezeOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/freezes',
    operationId: 'createFreeze',
    summary: 'Create a change freeze',
    description:
      'A blackout window, for every environment or the ones named. Scheduling or starting a ' +
      'change whose window overlaps it (on items in those environments) is refused with 409 ' +
      '`frozen` unless the change is an emergency.',
    tags: TAGS,
    auth: { member: 'freezes.manage' },
    params: workspaceParams,
    body: freezeCreateSchema,
    responses: {
      201: { description: 'The freeze.', schema: freezeSchema },
      403: { description: 'Only admins create freezes.' }
    }
  },
  async ({ request, body }) => {
    const freeze = await request.runtime.changes.createFreeze(
      request.workspaceId,
      body,
      request.access.actorId
    );
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'freeze.created',
      `freeze:${freeze.id}`,
      { reason: freeze.reason, start: freeze.start, end: freeze.end }
    );
    return { status: 201, body: freeze };
  }
);

export const listFreezesOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/freezes',
    operationId: 'listFreezes',
    summary: 'List change freezes',
    description: 'Current and coming freezes, soonest first; `all=true` includes past ones.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: z.object({ all: queryBoolean().optional(), ...pageQuery(SMALL_LIST_LIMITS) }).strict(),
    responses: { 200: pageResponse('The freezes.', z.array(freezeSchema)) }
  },
  async ({ event, request, query }) =>
    pageReply(
      await request.runtime.changes.listFreezes(request.workspaceId, query.all === true),
      query,
      event.url
    )
);

export const deleteFreezeOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/freezes/{id}',
    operationId: 'deleteFreeze',
    summary: 'Delete a change freeze',
    description: 'Admins only.',
    tags: TAGS,
    auth: { member: 'freezes.manage' },
    params: freezeParams,
    responses: {
      204: { description: 'Deleted.' },
      404: { description: 'No such freeze.' }
    }
  },
  async ({ request, params }) => {
    const freeze = await request.runtime.changes.deleteFreeze(request.workspaceId, params.id);
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'freeze.deleted',
      `freeze:${freeze.id}`,
      { reason: freeze.reason, start: freeze.start, end: freeze.end }
    );
    return { status: 204, body: undefined };
  }
);

const causeBody = z
  .object({ changeId: z.string().min(1).max(100) })
  .strict()
  .meta({ id: 'IncidentCause' });
const causeSchema = z.object({ incidentId: z.string(), changeId: z.string() });

export const markIncidentCauseOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/incidents/{id}/cause',
    operationId: 'markIncidentCause',
    summary: 'Mark a change as the cause of an incident',
    description: 'Operators and above. Feeds the change failure rate.',
    tags: TAGS,
    auth: { member: 'changes.approve' },
    params: incidentParams,
    body: causeBody,
    responses: {
      201: { description: 'Marked (200 when it already was).', schema: causeSchema },
      200: { description: 'It already was.', schema: causeSchema },
      404: { description: 'No such incident or change.' }
    }
  },
  async ({ request, params, body }) => {
    const { changes } = request.runtime;
    const marked = await changes.markCause(
      request.workspaceId,
      params.id,
      body.changeId,
      request.access.actorId
    );
    const change = await changes.getChange(request.workspaceId, marked.changeId);
    if (marked.created) {
      await audit(
        request.runtime,
        request.actor,
        request.workspaceId,
        'change.cause_marked',
        `change:${change.id}`,
        { ref: refOf(change), incident: params.id }
      );
    }
    const out = { incidentId: marked.incidentId, changeId: marked.changeId };
    return marked.created ? { status: 201, body: out } : { status: 200, body: out };
  }
);

export const unmarkIncidentCauseOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/incidents/{id}/cause',
    operationId: 'unmarkIncidentCause',
    summary: 'Unmark a change as the cause of an incident',
    description: 'Operators and above; `changeId` in the query.',
    tags: TAGS,
    auth: { member: 'changes.approve' },
    params: incidentParams,
    query: z.object({ changeId: z.string().min(1).max(100) }).strict(),
    responses: {
      204: { description: 'Unmarked.' },
      404: { description: 'Not marked.' }
    }
  },
  async ({ request, params, query }) => {
    const { changes } = request.runtime;
    const unmarked = await changes.unmarkCause(request.workspaceId, params.id, query.changeId);
    const change = await changes.getChange(request.workspaceId, unmarked.changeId);
    await audit(
      request.runtime,
      request.actor,
      request.workspaceId,
      'change.cause_unmarked',
      `change:${change.id}`,
      { ref: refOf(change), incident: params.id }
    );
    return { status: 204, body: undefined };
  }
);

const whatChangedSchema = z
  .object({
    incidentId: z.string(),
    from: z.string(),
    to: z.string().describe('When the incident opened.'),
    items: z.array(z.string()).describe('The incident’s items and everything related to them.'),
    changes: z.array(
      changeSummarySchema.extend({
        via: z.enum(['same_item', 'dependency']),
        cause: z.boolean().describe('Marked as a cause of this incident.')
      })
    )
  })
  .meta({ id: 'WhatChanged' });

export const incidentWhatChangedOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/incidents/{id}/what-changed',
    operationId: 'incidentWhatChanged',
    summary: 'What changed before an incident',
    description:
      'Changes on the incident’s configuration items (recorded for it, plus `items`, comma ' +
      'separated) and on everything depending on them or that they depend on, whose window ' +
      'overlaps, or that moved in, the `hours` (default 24) before the incident opened.',
    tags: TAGS,
    auth: { member: 'read' },
    params: incidentParams,
    query: z
      .object({
        hours: queryInteger(1, 24 * 30).default(24),
        items: z.string().max(10_000).optional()
      })
      .strict(),
    responses: {
      200: { description: 'The changes, newest window first.', schema: whatChangedSchema },
      404: { description: 'No such incident.' }
    }
  },
  async ({ request, params, query }) => ({
    status: 200,
    body: await request.runtime.changes.whatChanged(
      request.workspaceId,
      params.id,
      query.hours,
      (query.items ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== '')
    )
  })
);

export const changeFiguresOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/changes-figures',
    operationId: 'changeFigures',
    summary: 'Change success rate, failure rate and lead time',
    description:
      'Over the changes that finished in [`from`, `to`): success rate (completed / finished), ' +
      'failure rate (failed, rolled back, or marked as an incident’s cause / finished) and lead ' +
      'time (created → completed).',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: z.object({ from: z.string().max(40), to: z.string().max(40) }).strict(),
    responses: { 200: { description: 'The figures.', schema: changeFiguresSchema } }
  },
  async ({ request, query }) => ({
    status: 200,
    body: await request.runtime.changes.figures(request.workspaceId, query.from, query.to)
  })
);

export const changeOperations: readonly Operation[] = [
  createChangeOperation,
  listChangesOperation,
  getChangeOperation,
  updateChangeOperation,
  transitionChangeOperation,
  decideChangeOperation,
  chatDecideChangeOperation,
  getChangePolicyOperation,
  updateChangePolicyOperation,
  createFreezeOperation,
  listFreezesOperation,
  deleteFreezeOperation,
  markIncidentCauseOperation,
  unmarkIncidentCauseOperation,
  incidentWhatChangedOperation,
  changeFiguresOperation
];
