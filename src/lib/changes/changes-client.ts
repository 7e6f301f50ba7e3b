/**
 * The change pages' calls to the REST API (docs/changes.md, DESIGN.md §2): change requests,
 * their moves and approvals, freezes, "what changed" before an incident and incident causes,
 * and the CMDB item search the forms use. Every answer is checked against the server's own
 * schema (lib/shared/changes/schema.ts); failures are RestErrors with the API's error code.
 */
import { z } from 'zod';
import { rest } from '$lib/rest-client';
import {
  ciItemSchema,
  ciRelationSchema,
  impactEntrySchema,
  type CiItem
} from '$lib/shared/cmdb/schema';
import {
  changePolicySchema,
  changeSummarySchema,
  changeViewSchema,
  freezeSchema,
  type ChangeCreate,
  type ChangePatch,
  type ChangePolicy,
  type ChangeState,
  type ChangeType,
  type ChangeView,
  type Freeze
} from '$lib/shared/changes/schema';

type Fetch = typeof globalThis.fetch;

const base = (ws: string) => `/workspaces/${encodeURIComponent(ws)}`;

/** The calendar and the list: changes whose window overlaps [from, to), by window start. */
export function listChanges(
  ws: string,
  query: { from?: string; to?: string; state?: ChangeState; type?: ChangeType; limit?: number },
  fetch?: Fetch
) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  return rest('GET', `${base(ws)}/changes?${params}`, {
    schema: z.array(changeSummarySchema),
    ...(fetch ? { fetch } : {})
  });
}

/** One change from the server's facts (key or id). */
export function getChange(ws: string, ref: string, fetch?: Fetch): Promise<ChangeView> {
  return rest('GET', `${base(ws)}/changes/${encodeURIComponent(ref)}`, {
    schema: changeViewSchema,
    ...(fetch ? { fetch } : {})
  });
}

/** Requests a change (a draft). */
export function createChange(ws: string, body: ChangeCreate): Promise<ChangeView> {
  return rest('POST', `${base(ws)}/changes`, { body, schema: changeViewSchema });
}

/** Changes a draft's fields (409 `invalid_transition` once it is submitted). */
export function updateChange(ws: string, id: string, body: ChangePatch): Promise<ChangeView> {
  return rest('PATCH', `${base(ws)}/changes/${encodeURIComponent(id)}`, {
    body,
    schema: changeViewSchema
  });
}

/** Moves a change; 409 `invalid_transition` / `frozen`, 403 when role or policy forbid it. */
export function transitionChange(
  ws: string,
  id: string,
  to: ChangeState,
  comment?: string
): Promise<ChangeView> {
  return rest('POST', `${base(ws)}/changes/${encodeURIComponent(id)}/transitions`, {
    body: { to, ...(comment ? { comment } : {}) },
    schema: changeViewSchema
  });
}

/** Approves or rejects (or reviews an emergency change after it started). */
export function decideChange(
  ws: string,
  id: string,
  decision: 'approve' | 'reject',
  comment?: string
): Promise<ChangeView> {
  return rest('POST', `${base(ws)}/changes/${encodeURIComponent(id)}/approvals`, {
    body: { decision, ...(comment ? { comment } : {}) },
    schema: changeViewSchema
  });
}

/** Freezes, soonest first; past ones with `all`. */
export function listFreezes(ws: string, all = false, fetch?: Fetch): Promise<Freeze[]> {
  return rest('GET', `${base(ws)}/freezes${all ? '?all=true' : ''}`, {
    schema: z.array(freezeSchema),
    ...(fetch ? { fetch } : {})
  });
}

export interface FreezeInput {
  start: string;
  end: string;
  timeZone: string;
  reason: string;
  environments: string[] | null;
}

export function createFreeze(ws: string, body: FreezeInput): Promise<Freeze> {
  return rest('POST', `${base(ws)}/freezes`, { body, schema: freezeSchema });
}

export function deleteFreeze(ws: string, id: string): Promise<void> {
  return rest('DELETE', `${base(ws)}/freezes/${encodeURIComponent(id)}`);
}

export const whatChangedSchema = z.object({
  incidentId: z.string(),
  from: z.string(),
  to: z.string(),
  items: z.array(z.string()),
  changes: z.array(
    changeSummarySchema.extend({
      via: z.enum(['same_item', 'dependency']),
      cause: z.boolean()
    })
  )
});
export type WhatChanged = z.infer<typeof whatChangedSchema>;

/** Changes on an incident's items and their dependencies in the `hours` before it opened. */
export function whatChanged(
  ws: string,
  incident: string,
  hours: number,
  items: readonly string[] = []
): Promise<WhatChanged> {
  const params = new URLSearchParams({ hours: String(hours) });
  if (items.length > 0) params.set('items', items.join(','));
  return rest(
    'GET',
    `${base(ws)}/incidents/${encodeURIComponent(incident)}/what-changed?${params}`,
    {
      schema: whatChangedSchema
    }
  );
}

export function markCause(ws: string, incident: string, changeId: string): Promise<void> {
  return rest('POST', `${base(ws)}/incidents/${encodeURIComponent(incident)}/cause`, {
    body: { changeId }
  });
}

export function unmarkCause(ws: string, incident: string, changeId: string): Promise<void> {
  return rest(
    'DELETE',
    `${base(ws)}/incidents/${encodeURIComponent(incident)}/cause?changeId=${encodeURIComponent(changeId)}`
  );
}

/** CMDB items whose name matches `q` (search as you type). */
export function searchItems(ws: string, q: string, limit = 10): Promise<CiItem[]> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (q.trim() !== '') params.set('q', q.trim());
  return rest('GET', `${base(ws)}/cmdb/items?${params}`, { schema: z.array(ciItemSchema) });
}

/** One CMDB item; null when it is gone. */
export async function getItem(ws: string, id: string, fetch?: Fetch): Promise<CiItem | null> {
  try {
    return await rest('GET', `${base(ws)}/cmdb/items/${encodeURIComponent(id)}`, {
      schema: ciItemSchema,
      ...(fetch ? { fetch } : {})
    });
  } catch {
    return null;
  }
}

/**
 * The items related to `ids` in the CMDB, for the planning preview: everything that depends on
 * them (transitively, the impact query) and what they depend on directly (their relations).
 * The server's conflict check (on the saved change) follows dependencies both ways.
 */
export async function relatedItems(ws: string, ids: readonly string[]): Promise<Set<string>> {
  const related = new Set<string>();
  await Promise.all(
    ids.map(async (id) => {
      const [impact, item] = await Promise.all([
        rest('GET', `${base(ws)}/cmdb/items/${encodeURIComponent(id)}/impact`, {
          schema: z.object({ items: z.array(impactEntrySchema) })
        }).catch(() => ({ items: [] })),
        rest('GET', `${base(ws)}/cmdb/items/${encodeURIComponent(id)}`, {
          schema: z.object({ relations: z.array(ciRelationSchema) })
        }).catch(() => ({ relations: [] }))
      ]);
      for (const entry of impact.items) related.add(entry.id);
      for (const relation of item.relations)
        related.add(relation.from === id ? relation.to : relation.from);
    })
  );
  for (const id of ids) related.delete(id);
  return related;
}

/** The workspace's approval policy (every member reads it). */
export function getChangePolicy(ws: string): Promise<ChangePolicy> {
  return rest('GET', `${base(ws)}/change-policy`, { schema: changePolicySchema });
}

/** Replaces the workspace's approval policy (admins). */
export function putChangePolicy(ws: string, policy: ChangePolicy): Promise<ChangePolicy> {
  return rest('PUT', `${base(ws)}/change-policy`, { body: policy, schema: changePolicySchema });
}
