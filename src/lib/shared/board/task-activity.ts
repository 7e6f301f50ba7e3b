/**
 * The old in-document activity log of a task: a nested `Y.Array` of plain entries under the
 * task's `activity` key, written by clients before activity became a server record. Nothing
 * writes it any more and nothing shows it: the server imports a board's old logs into
 * `task_activity` rows once (server/board/activity-recorder.ts, with their original `at` and
 * `by`) and removes the arrays, and from then on removes any array a client still writes.
 */
import * as Y from 'yjs';
import type { FieldMap } from './board-doc';
import { activityActionSchema, isoDateTimeSchema } from './schema';
import type { ActivityEntry } from './schema';

/** Key of the old activity array inside a task entry. */
export const ACTIVITY_KEY = 'activity';

type ActivityValue = string | number | boolean | null;

function isActivityValue(value: unknown): value is ActivityValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** Reads one stored entry; null for anything malformed (skipped, never fatal). */
function readEntry(value: unknown): ActivityEntry | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const raw = value as Record<string, unknown>;
  const action = activityActionSchema.safeParse(raw.action);
  if (!action.success) return null;
  if (typeof raw.at !== 'string' || !isoDateTimeSchema.safeParse(raw.at).success) return null;
  const entry: ActivityEntry = {
    at: raw.at,
    by: typeof raw.by === 'string' ? raw.by : null,
    action: action.data
  };
  if (typeof raw.field === 'string') entry.field = raw.field;
  if (isActivityValue(raw.from)) entry.from = raw.from;
  if (isActivityValue(raw.to)) entry.to = raw.to;
  return entry;
}

/** The old log of a task entry, oldest first (in the order it was appended); for the import. */
export function readLegacyActivity(map: FieldMap): ActivityEntry[] {
  const value = map.get(ACTIVITY_KEY);
  if (!(value instanceof Y.Array)) return [];
  const entries: ActivityEntry[] = [];
  for (const item of (value as Y.Array<unknown>).toArray()) {
    const entry = readEntry(item);
    if (entry !== null) entries.push(entry);
  }
  return entries;
}
