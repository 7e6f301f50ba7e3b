/**
 * The task archive's REST calls from the browser (`/api/v1/workspaces/<ws>/archive/tasks`,
 * `…/tasks/<key>`, `…/tasks/<key>/unarchive`; docs/api.md), each response validated.
 */
import { z } from 'zod';
import { rest } from '$lib/rest-client';
import { taskSchema } from '$lib/shared/board/schema';

export const archivedTaskSchema = taskSchema.extend({
  archived: z.literal(true),
  finishedAt: z.string(),
  movedAt: z.string()
});
/** A task of the archive: its card as it was, with when it finished and moved. */
export type ArchivedTask = z.infer<typeof archivedTaskSchema>;

const pageSchema = z.object({
  items: z.array(archivedTaskSchema),
  nextCursor: z.string().nullable(),
  total: z.number().int()
});
export type ArchivePage = z.infer<typeof pageSchema>;

/** Filters of an archive search; empty strings are left out. */
export interface ArchiveFilter {
  q?: string;
  kind?: string;
  /** A member id, or '' for unassigned (absent: anyone). */
  assignee?: string;
  label?: string;
  /** Dates (`YYYY-MM-DD`, the browser's day) or ISO times. */
  from?: string;
  to?: string;
}

const base = (ws: string) => `/workspaces/${encodeURIComponent(ws)}`;

/** A day (`YYYY-MM-DD`) as the ISO time of its local midnight; an ISO time as it is. */
function isoOf(value: string, nextDay = false): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + (nextDay ? 1 : 0)).toISOString();
}

/** One page of the archive. */
export function searchArchive(
  ws: string,
  filter: ArchiveFilter,
  cursor: string | null,
  limit = 50
): Promise<ArchivePage> {
  const params = new URLSearchParams();
  if (filter.q?.trim()) params.set('q', filter.q.trim());
  if (filter.kind) params.set('kind', filter.kind);
  if (filter.assignee !== undefined) params.set('assignee', filter.assignee);
  if (filter.label) params.set('label', filter.label);
  if (filter.from) params.set('from', isoOf(filter.from));
  // "Until" a day includes that day.
  if (filter.to) params.set('to', isoOf(filter.to, true));
  if (cursor) params.set('cursor', cursor);
  params.set('limit', String(limit));
  return rest('GET', `${base(ws)}/archive/tasks?${params}`, { schema: pageSchema });
}

const lookupSchema = z.union([archivedTaskSchema, taskSchema.extend({ archived: z.undefined() })]);

/** The task `keyOrId` names from the server: live, archived, or null when there is none. */
export async function lookupTask(
  ws: string,
  keyOrId: string
): Promise<z.infer<typeof lookupSchema> | null> {
  try {
    return await rest('GET', `${base(ws)}/tasks/${encodeURIComponent(keyOrId)}`, {
      schema: lookupSchema
    });
  } catch (failure) {
    if ((failure as { code?: unknown }).code === 'not_found') return null;
    throw failure;
  }
}

/** Brings an archived task back to the board. */
export function unarchiveTask(ws: string, keyOrId: string): Promise<z.infer<typeof taskSchema>> {
  return rest('POST', `${base(ws)}/tasks/${encodeURIComponent(keyOrId)}/unarchive`, {
    schema: taskSchema
  });
}
