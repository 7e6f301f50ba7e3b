/**
 * The description of a task: a nested `Y.Text` under the task's `description` key, so two
 * people editing different places of it at the same time both keep their edits. A change is
 * written as the minimal diff against the current text (common prefix and suffix kept, one
 * delete and one insert in between): rewriting the whole text would make a concurrent edit
 * elsewhere in it collide. Tasks written before this layout hold a plain string; it reads as
 * is and is replaced by a `Y.Text` on its first change (two replicas converting the same old
 * string concurrently keep one of the two versions, as for any plain field).
 */
import * as Y from 'yjs';
import type { FieldMap } from './board-doc';

/** Key of the description inside a task entry. */
export const DESCRIPTION_KEY = 'description';

/** One splice turning a text into another: delete `deleteCount` at `index`, insert `insert`. */
export interface TextSplice {
  index: number;
  deleteCount: number;
  insert: string;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * The smallest single splice from `before` to `after` (common prefix and suffix), or null when
 * they are equal. Never cuts a surrogate pair, so a concurrent edit next to an emoji cannot
 * leave half a character behind.
 */
export function textSplice(before: string, after: string): TextSplice | null {
  if (before === after) return null;
  const limit = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < limit && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  const maxSuffix = limit - prefix;
  while (
    suffix < maxSuffix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return {
    index: prefix,
    deleteCount: before.length - prefix - suffix,
    insert: after.slice(prefix, after.length - suffix)
  };
}

/** The description of a task entry: its Y.Text, an old plain string, or '' when neither. */
export function readDescription(map: FieldMap): string {
  const value = map.get(DESCRIPTION_KEY);
  if (value instanceof Y.Text) return value.toString();
  return typeof value === 'string' ? value : '';
}

/** A Y.Text holding `text`, for a new task entry. */
export function newDescriptionText(text: string): Y.Text {
  return new Y.Text(text);
}

/**
 * Changes the description to `text` by the minimal splice; returns whether anything changed.
 * Call inside the mutation's transaction.
 */
export function writeDescription(map: FieldMap, text: string): boolean {
  const value = map.get(DESCRIPTION_KEY);
  if (!(value instanceof Y.Text)) {
    // An old plain string (or a damaged value): it becomes a Y.Text when the text changes.
    const current = typeof value === 'string' ? value : '';
    if (current === text) return false;
    map.set(DESCRIPTION_KEY, newDescriptionText(text));
    return true;
  }
  const splice = textSplice(value.toString(), text);
  if (splice === null) return false;
  if (splice.deleteCount > 0) value.delete(splice.index, splice.deleteCount);
  if (splice.insert !== '') value.insert(splice.index, splice.insert);
  return true;
}
