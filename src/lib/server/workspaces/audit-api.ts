/**
 * The audit log of a workspace over REST (`/api/v1/workspaces/{ws}/audit`), for admins:
 * newest first, filtered by action, actor and time, paged backwards with `before`.
 */
import { z } from 'zod';
import type { AuditEntry } from '$lib/server/accounts/types';
import { nextLinkHeader, pageHeaders } from '$lib/server/api/list-page';
import { defineOperation, queryInteger, type Operation } from '$lib/server/api/operation';
import { getRuntime } from '$lib/server/runtime';
import { idSchema } from '$lib/shared/board/schema';
import {
  AUDIT_DEFAULT_LIMIT,
  AUDIT_MAX_LIMIT,
  auditActionSchema,
  auditEntrySchema,
  queryTimeSchema,
  type AuditEntryInfo
} from '$lib/shared/workspaces/schema';
import { workspaceParams } from './workspace-json';

const auditQuery = z
  .object({
    action: auditActionSchema
      .optional()
      .describe(
        'An action (`member.removed`, `token.created`) or a group of them (`setup`, ' +
          '`workspace`, `member`, `invite`, `token`).'
      ),
    actor: idSchema.optional().describe('User id of the actor.'),
    since: queryTimeSchema
      .optional()
      .describe('Entries at or after this time (ISO date-time, or a date meaning 00:00 UTC).'),
    until: queryTimeSchema
      .optional()
      .describe('Entries before this time (ISO date-time, or a date meaning 00:00 UTC).'),
    before: queryInteger(1, Number.MAX_SAFE_INTEGER)
      .optional()
      .describe('Entries older than this `seq`: pass the last `seq` of a page for the next one.'),
    limit: queryInteger(1, AUDIT_MAX_LIMIT)
      .default(AUDIT_DEFAULT_LIMIT)
      .describe(`Most entries to return (default ${AUDIT_DEFAULT_LIMIT}).`)
  })
  .strict();

/** An audit entry as the API returns it. */
export function auditJson(entry: AuditEntry): AuditEntryInfo {
  return {
    seq: entry.seq,
    action: entry.action,
    actorId: entry.actorId,
    actorLabel: entry.actorLabel,
    target: entry.target,
    details: entry.details,
    ip: entry.ip,
    userAgent: entry.userAgent,
    createdAt: new Date(entry.createdAt).toISOString()
  };
}

export const listAuditOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/audit',
    operationId: 'listAudit',
    summary: 'Read the audit log',
    description:
      'Admins and owners. Who set the workspace up, changed its name, members, roles and ' +
      'invites, and made or revoked API tokens for it (and more as features add actions), ' +
      'newest first. All given filters must match. The log grows at the top, so it is paged ' +
      'with the `before` cursor rather than `offset`: the `Link` header (`rel="next"`) names ' +
      'the next page while entries remain; no `X-Total-Count`.',
    tags: ['audit'],
    auth: { member: 'audit.read' },
    params: workspaceParams,
    query: auditQuery,
    responses: {
      200: {
        description: 'A page of entries.',
        schema: z.array(auditEntrySchema),
        headers: { Link: nextLinkHeader }
      },
      400: { description: 'Invalid workspace id or query (`invalid_workspace`, `invalid_input`).' },
      403: { description: 'Your role may not read the audit log (`forbidden`).' },
      404: { description: 'Not a member of this workspace (`not_found`).' }
    }
  },
  async ({ request, event, query }) => {
    const { access } = request;
    const entries = await (
      await getRuntime()
    ).accounts.listAudit(access.workspaceId, {
      action: query.action,
      actorId: query.actor,
      since: query.since,
      until: query.until,
      before: query.before,
      // One more than asked tells whether a next page exists.
      limit: query.limit + 1
    });
    const page = entries.slice(0, query.limit);
    const last = page.at(-1);
    const next = entries.length > query.limit && last ? { before: String(last.seq) } : null;
    return { status: 200, body: page.map(auditJson), headers: pageHeaders(event.url, { next }) };
  }
);

/** The audit operations, for the registry. */
export const auditOperations: readonly Operation[] = [listAuditOperation];
