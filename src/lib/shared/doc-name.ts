/**
 * Document names: `<workspaceId>.<kind>[.<id>]`.
 *
 * This is the only module that builds or parses them. Every name that reaches the sync
 * server or the DocStore goes through `parseDocName` first, so path tricks (`..`, `/`,
 * percent-encoding), empty parts, unknown kinds and over-long names are refused before
 * anything touches storage.
 */

export const DOC_KINDS = ['board', 'runbook', 'task', 'cmdb', 'ledger'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

/** Kinds whose name carries a third part (`<ws>.runbook.<id>`, `<ws>.task.<taskId>`). */
export type DocKindWithId = 'runbook' | 'task';
const KINDS_WITH_ID: ReadonlySet<DocKind> = new Set<DocKind>(['runbook', 'task']);

/** Longest accepted document name, in characters (all ASCII). */
export const MAX_DOC_NAME_LENGTH = 160;

/**
 * Workspace ids and document ids: ASCII letters, digits, `_` and `-`, 1–64 characters,
 * starting with a letter or digit. No dots (the separator), no slashes, no `%`.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export type DocName =
  | { workspaceId: string; kind: Exclude<DocKind, DocKindWithId>; id?: undefined }
  | { workspaceId: string; kind: DocKindWithId; id: string };

export type DocNameError =
  'empty' | 'too-long' | 'bad-shape' | 'bad-workspace' | 'bad-kind' | 'bad-id';

export type DocNameResult = { ok: true; name: DocName } | { ok: false; reason: DocNameError };

/** True for a valid workspace or document id. */
export function isValidId(value: string): boolean {
  return ID_PATTERN.test(value);
}

function isDocKind(value: string): value is DocKind {
  return (DOC_KINDS as readonly string[]).includes(value);
}

/** Parses a document name; never throws. */
export function parseDocName(raw: string): DocNameResult {
  if (raw.length === 0) return { ok: false, reason: 'empty' };
  if (raw.length > MAX_DOC_NAME_LENGTH) return { ok: false, reason: 'too-long' };
  const parts = raw.split('.');
  if (parts.length < 2 || parts.length > 3) return { ok: false, reason: 'bad-shape' };
  const [workspaceId = '', kind = '', id] = parts;
  if (!isValidId(workspaceId)) return { ok: false, reason: 'bad-workspace' };
  if (!isDocKind(kind)) return { ok: false, reason: 'bad-kind' };
  if (KINDS_WITH_ID.has(kind)) {
    if (id === undefined || !isValidId(id)) return { ok: false, reason: 'bad-id' };
    return { ok: true, name: { workspaceId, kind: kind as DocKindWithId, id } };
  }
  if (id !== undefined) return { ok: false, reason: 'bad-shape' };
  return { ok: true, name: { workspaceId, kind: kind as Exclude<DocKind, DocKindWithId> } };
}

/** Builds the canonical string of a document name; throws on invalid parts. */
export function formatDocName(name: DocName): string {
  const raw =
    name.kind === 'runbook' || name.kind === 'task'
      ? `${name.workspaceId}.${name.kind}.${name.id}`
      : `${name.workspaceId}.${name.kind}`;
  const parsed = parseDocName(raw);
  if (!parsed.ok) throw new Error(`invalid document name parts (${parsed.reason})`);
  return raw;
}

/** The board document of a workspace. */
export function boardDocName(workspaceId: string): string {
  return formatDocName({ workspaceId, kind: 'board' });
}

/**
 * The ledger of a workspace (`<ws>.ledger`): server facts mirrored for reading offline, written
 * by the server only (docs/design.md §2).
 */
export function ledgerDocName(workspaceId: string): string {
  return formatDocName({ workspaceId, kind: 'ledger' });
}

/** The CMDB of a workspace (`<ws>.cmdb`): configuration items and their relations. */
export function cmdbDocName(workspaceId: string): string {
  return formatDocName({ workspaceId, kind: 'cmdb' });
}

/** A runbook document. */
export function runbookDocName(workspaceId: string, id: string): string {
  return formatDocName({ workspaceId, kind: 'runbook', id });
}

/**
 * The content document of a task (`<ws>.task.<taskId>`): its description, checklist, comments
 * and runbook run steps, with the board's permissions (ARCHITECTURE "Board scale").
 */
export function taskDocName(workspaceId: string, taskId: string): string {
  return formatDocName({ workspaceId, kind: 'task', id: taskId });
}
