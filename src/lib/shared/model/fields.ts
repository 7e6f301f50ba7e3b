/**
 * Tolerant readers of Y.Map fields, shared by the document models: a peer may have written
 * anything, so a field of the wrong type reads as missing instead of throwing.
 */
import type * as Y from 'yjs';

/** A document entry (task, column, label, runbook meta): a Y.Map of its fields. */
export type FieldMap = Y.Map<unknown>;

/** A string field, or null when unset or of another type. */
export function readString(map: FieldMap, key: string): string | null {
  const value = map.get(key);
  return typeof value === 'string' ? value : null;
}
