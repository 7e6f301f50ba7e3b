/**
 * The activity log of a task: a nested `Y.Array` of plain entries under the task's `activity`
 * key. Replicas only ever append (concurrent appends merge, each kept once), and every append
 * trims the log to the newest `MAX_ACTIVITY_ENTRIES` in the same transaction, so the board
 * document does not grow without bound. Two replicas trimming concurrently delete the same
 * oldest entries (deleting an item twice is harmless), so the log can briefly hold a few more
 * than the cap until the next append.
 */
import * as Y from 'yjs';
import type { FieldMap } from './board-doc';
import { MAX_ACTIVITY_ENTRIES, activityActionSchema, isoDateTimeSchema } from './schema';
import type { ActivityAction, ActivityEntry } from './schema';

/** Key of the activity array inside a task entry. */
export const ACTIVITY_KEY = 'activity';
/**
 * Description edits by the same person within this time of their previous one are one entry:
 * an editor that saves as the user types would otherwise push everything else out of the log.
 */
export const DESCRIPTION_EDIT_WINDOW_MS = 10 * 60_000;

type ActivityValue = string | number | boolean | null;

/** What a mutation records; `at` and `by` come from the mutation's options. */
export interface ActivityInput {
  action: ActivityAction;
  field?: string;
  from?: ActivityValue;
  to?: ActivityValue;
}

/** The activity array of a task entry, created when missing (tasks older than the log). */
function activityArray(map: FieldMap): Y.Array<unknown> {
  const value = map.get(ACTIVITY_KEY);
  if (value instanceof Y.Array) return value as Y.Array<unknown>;
  const array = new Y.Array<unknown>();
  map.set(ACTIVITY_KEY, array);
  return array;
}

/** A fresh, empty activity array for a new task entry. */
export function newActivityArray(): Y.Array<unknown> {
  return new Y.Array<unknown>();
}

/**
 * Appends entries to a task's log and trims the oldest beyond the cap. Call inside the
 * mutation's transaction. Undefined fields are left out: the entry is stored as JSON.
 */
export function appendActivity(
  map: FieldMap,
  at: string,
  by: string | null,
  inputs: readonly ActivityInput[]
): void {
  if (inputs.length === 0) return;
  const array = activityArray(map);
  const entries = inputs.map((input) => {
    const entry: Record<string, ActivityValue> = { at, by, action: input.action };
    if (input.field !== undefined) entry.field = input.field;
    if (input.from !== undefined) entry.from = input.from;
    if (input.to !== undefined) entry.to = input.to;
    return entry;
  });
  array.push(entries);
  const excess = array.length - MAX_ACTIVITY_ENTRIES;
  if (excess > 0) array.delete(0, excess);
}

function isActivityValue(value: unknown): value is ActivityValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * Whether a description edit by `by` at `at` continues the log's latest entry (a description
 * edit by the same person less than `DESCRIPTION_EDIT_WINDOW_MS` before), so it needs no entry.
 */
export function continuesDescriptionEdit(map: FieldMap, at: string, by: string | null): boolean {
  const value = map.get(ACTIVITY_KEY);
  if (!(value instanceof Y.Array) || value.length === 0) return false;
  const last = readEntry((value as Y.Array<unknown>).get(value.length - 1));
  if (last === null || last.action !== 'updated' || last.field !== 'description') return false;
  if (last.by !== by) return false;
  const elapsed = Date.parse(at) - Date.parse(last.at);
  return elapsed >= 0 && elapsed < DESCRIPTION_EDIT_WINDOW_MS;
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

/**
 * The log of a task entry, oldest first: in the order the entries were appended, which Yjs
 * merges the same way on every replica. Not sorted by `at`: device clocks differ, and a log
 * where "created" follows a later edit because one laptop's clock was behind reads wrong.
 */
export function readActivity(map: FieldMap): ActivityEntry[] {
  const value = map.get(ACTIVITY_KEY);
  if (!(value instanceof Y.Array)) return [];
  const entries: ActivityEntry[] = [];
  for (const item of (value as Y.Array<unknown>).toArray()) {
    const entry = readEntry(item);
    if (entry !== null) entries.push(entry);
  }
  return entries;
}
