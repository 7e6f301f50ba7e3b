/**
 * The edits the CMDB pages make to `<ws>.cmdb`, each checked before it is written: the item with
 * the shared zod schemas and its custom type's fields, a relation against the graph so that no
 * edit of this device closes a cycle (the server repairs cycles made by two devices offline at
 * once). A refusal comes back as a `CmdbWriteError` with a stable code for the UI to translate;
 * nothing is written then.
 */
import type * as Y from 'yjs';
import {
  checkCustomFields,
  deleteItem,
  isKnownType,
  relationId,
  relationsMap,
  typesMap,
  writeItem,
  writeRelation,
  type FieldProblem
} from '$lib/shared/cmdb/cmdb-doc';
import {
  BUILTIN_CI_TYPES,
  ciCreateSchema,
  ciTypeNameSchema,
  ciTypeSchema,
  ciValueSchema,
  type CiCreate,
  type CiType,
  type CiValue,
  type RelationType
} from '$lib/shared/cmdb/schema';
import { generateId } from '$lib/shared/model/ids';
import type { CmdbIndex } from './cmdb-index';

/** Why an edit was refused (`cmdb.error.<code>` in the messages). */
export type CmdbWriteErrorCode =
  | 'invalid'
  | 'unknown_type'
  | 'custom_fields'
  | 'duplicate_name'
  | 'not_found'
  | 'cycle'
  | 'self_relation'
  | 'duplicate_relation'
  | 'type_exists'
  | 'type_in_use';

/** A refused edit: its code, the schema's first message (for `invalid`), the bad fields. */
export class CmdbWriteError extends Error {
  override name = 'CmdbWriteError';
  constructor(
    readonly code: CmdbWriteErrorCode,
    message: string = code,
    readonly fields: FieldProblem[] = [],
    /** For `cycle`: the item names of the path that would close, start to start. */
    readonly path: string[] = []
  ) {
    super(message);
  }
}

function firstIssue(error: {
  issues: readonly { path: PropertyKey[]; message: string }[];
}): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/** Parses the input of the create/edit form into an item value; throws `CmdbWriteError`. */
function checkedValue(
  index: CmdbIndex,
  input: CiCreate,
  existing: (CiValue & { id: string }) | null
): CiValue {
  const parsed = ciCreateSchema.safeParse(input);
  if (!parsed.success) throw new CmdbWriteError('invalid', firstIssue(parsed.error));
  const data = parsed.data;
  const custom = index.customTypes;
  if (!isKnownType(data.type, custom)) throw new CmdbWriteError('unknown_type', data.type);
  const attributes = data.attributes ?? {};
  const fields = custom[data.type]?.fields ?? [];
  const problems = checkCustomFields(fields, attributes);
  if (problems.length > 0) throw new CmdbWriteError('custom_fields', 'custom fields', problems);
  const now = new Date().toISOString();
  const value = ciValueSchema.safeParse({
    type: data.type,
    name: data.name,
    environment: data.environment ?? null,
    criticality: data.criticality ?? 'medium',
    owner: data.owner ?? null,
    attributes,
    tags: [...new Set(data.tags ?? [])],
    createdAt: existing?.createdAt ?? now,
    updatedAt: now
  });
  if (!value.success) throw new CmdbWriteError('invalid', firstIssue(value.error));
  // Names are unique in a workspace, ignoring case (the REST API refuses the same).
  const taken = index.findByName(value.data.name);
  if (taken !== null && taken.id !== existing?.id) {
    throw new CmdbWriteError('duplicate_name', value.data.name);
  }
  return value.data;
}

/** Creates an item; returns its id. */
export function createItem(doc: Y.Doc, index: CmdbIndex, input: CiCreate): string {
  const value = checkedValue(index, input, null);
  const id = generateId();
  writeItem(doc, id, value);
  return id;
}

/** Replaces the fields of item `id` with `input` (a full form, not a patch). */
export function updateItem(doc: Y.Doc, index: CmdbIndex, id: string, input: CiCreate): void {
  const existing = index.get(id);
  if (existing === null) throw new CmdbWriteError('not_found');
  writeItem(doc, id, checkedValue(index, input, existing));
}

/** Deletes item `id` and its relations. */
export function removeItem(doc: Y.Doc, index: CmdbIndex, id: string): void {
  if (!index.has(id)) throw new CmdbWriteError('not_found');
  deleteItem(doc, id);
}

/** Adds `from` → `to` of `type`, unless it exists or would close a cycle; returns its id. */
export function addRelation(
  doc: Y.Doc,
  index: CmdbIndex,
  from: string,
  to: string,
  type: RelationType
): string {
  if (from === to) throw new CmdbWriteError('self_relation');
  if (!index.has(from) || !index.has(to)) throw new CmdbWriteError('not_found');
  if (index.hasRelation(relationId(from, to, type))) throw new CmdbWriteError('duplicate_relation');
  if (index.graph.wouldCycle(from, to)) {
    throw new CmdbWriteError('cycle', 'cycle', [], cyclePath(index, from, to));
  }
  return writeRelation(doc, { from, to, type });
}

/**
 * The names along the path the new relation `from` → `to` would close: `from`, `to`, then what
 * `to` needs down to `from` again (a shortest path, found breadth-first).
 */
export function cyclePath(index: CmdbIndex, from: string, to: string): string[] {
  const previous = new Map<string, string>([[to, to]]);
  let frontier = [to];
  while (frontier.length > 0 && !previous.has(from)) {
    const next: string[] = [];
    for (const node of frontier) {
      for (const need of index.graph.dependencies(node)) {
        if (previous.has(need)) continue;
        previous.set(need, node);
        next.push(need);
      }
    }
    frontier = next;
  }
  const back: string[] = [];
  for (let node = from; previous.has(node) && node !== to; node = previous.get(node) ?? to) {
    back.push(node);
  }
  const ids = [from, to, ...back.reverse()];
  return ids.map((id) => index.get(id)?.name ?? id);
}

/** Removes the relation `key`. */
export function removeRelation(doc: Y.Doc, key: string): void {
  relationsMap(doc).delete(key);
}

/** Creates or replaces custom type `name`. */
export function saveCustomType(
  doc: Y.Doc,
  index: CmdbIndex,
  name: string,
  type: CiType,
  options: { creating: boolean }
): void {
  const parsedName = ciTypeNameSchema.safeParse(name);
  if (!parsedName.success) throw new CmdbWriteError('invalid', firstIssue(parsedName.error));
  const builtIn = (BUILTIN_CI_TYPES as readonly string[]).includes(name);
  if (builtIn || (options.creating && Object.hasOwn(index.customTypes, name))) {
    throw new CmdbWriteError('type_exists', name);
  }
  const parsed = ciTypeSchema.safeParse(type);
  if (!parsed.success) throw new CmdbWriteError('invalid', firstIssue(parsed.error));
  const keys = parsed.data.fields.map((field) => field.key);
  if (new Set(keys).size !== keys.length)
    throw new CmdbWriteError('invalid', 'duplicate field key');
  typesMap(doc).set(name, parsed.data);
}

/** Deletes custom type `name`, unless an item still has it. */
export function deleteCustomType(doc: Y.Doc, index: CmdbIndex, name: string): void {
  if (index.filter({ type: name }).length > 0) throw new CmdbWriteError('type_in_use', name);
  typesMap(doc).delete(name);
}
