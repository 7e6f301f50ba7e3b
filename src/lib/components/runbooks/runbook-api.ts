/**
 * The runbook REST calls the UI makes (`/api/v1/workspaces/<ws>/runbooks…`, see
 * docs/runbooks-api.md), each validated with a schema on the way in like every REST response.
 */
import { z } from 'zod';
import { rest } from '$lib/rest-client';
import {
  runbookSummarySchema,
  runbookTemplateSchema,
  runbookVersionSchema,
  type RunbookSummary,
  type RunbookTemplate,
  type RunbookVersion
} from '$lib/shared/runbooks/schema';

/** A runbook as lists show it. */
export type RunbookListItem = RunbookSummary;

const linkedTaskSchema = z.object({
  id: z.string(),
  key: z.string().nullable(),
  title: z.string(),
  kind: z.string(),
  status: z.string()
});
/** An open task that links to the runbook. */
export type LinkedTask = z.infer<typeof linkedTaskSchema>;

const detailSchema = runbookSummarySchema.extend({ linkedTasks: z.array(linkedTaskSchema) });
/** One runbook with the tasks that link to it. */
export type RunbookDetail = z.infer<typeof detailSchema>;

const versionSchema = runbookVersionSchema;
/** A saved version (named or automatic snapshot). */
export type RunbookVersionItem = RunbookVersion;

/** ProseMirror JSON as the server sends it; the editor schema validates it further. */
const jsonContentSchema = z.record(z.string(), z.unknown());

const createdSchema = z.object({ id: z.string() });

const importResultSchema = z.object({
  imported: z.array(z.object({ id: z.string(), title: z.string() })),
  errors: z.array(z.object({ name: z.string(), message: z.string() }))
});
/** What an import did: runbooks made and files refused. */
export type ImportResult = z.infer<typeof importResultSchema>;

/** Templates a new runbook can start from (server names). */
export const TEMPLATES = runbookTemplateSchema.options;
export type TemplateName = RunbookTemplate;

/** Filters of the library list. */
export interface ListQuery {
  q?: string;
  tag?: string;
  archived?: 'exclude' | 'include' | 'only';
}

function base(ws: string): string {
  return `/workspaces/${encodeURIComponent(ws)}/runbooks`;
}

/** The library list (ranked by relevance when `q` is given). */
export async function listRunbooks(ws: string, query: ListQuery): Promise<RunbookListItem[]> {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.tag) params.set('tag', query.tag);
  if (query.archived) params.set('archived', query.archived);
  params.set('limit', '200');
  const body = await rest('GET', `${base(ws)}?${params}`, {
    schema: z.object({ runbooks: z.array(runbookSummarySchema) })
  });
  return body.runbooks;
}

/** One runbook with its linked open tasks. */
export function getRunbook(ws: string, id: string): Promise<RunbookDetail> {
  return rest('GET', `${base(ws)}/${encodeURIComponent(id)}`, { schema: detailSchema });
}

/** Creates a runbook (blank or from a template); resolves with its id. */
export async function createRunbook(
  ws: string,
  input: { title: string; template?: TemplateName }
): Promise<string> {
  return (await rest('POST', base(ws), { body: input, schema: createdSchema })).id;
}

/** Archives or restores a runbook, or marks it reviewed. */
export async function patchRunbook(
  ws: string,
  id: string,
  patch: { archived?: boolean; reviewed?: true }
): Promise<void> {
  await rest('PATCH', `${base(ws)}/${encodeURIComponent(id)}`, { body: patch });
}

/** Copies a runbook; resolves with the copy's id. */
export async function duplicateRunbook(ws: string, id: string): Promise<string> {
  const path = `${base(ws)}/${encodeURIComponent(id)}/duplicate`;
  return (await rest('POST', path, { schema: createdSchema })).id;
}

/** Imports Markdown files as new runbooks. */
export function importRunbooks(
  ws: string,
  files: { name: string; markdown: string }[]
): Promise<ImportResult> {
  return rest('POST', `${base(ws)}/import`, { body: { files }, schema: importResultSchema });
}

/** Where the Markdown or printable HTML export of a runbook downloads from. */
export function exportUrl(ws: string, id: string, format: 'md' | 'html'): string {
  return `/api/v1${base(ws)}/${encodeURIComponent(id)}/export?format=${format}`;
}

/** The versions of a runbook, newest first. */
export async function listVersions(ws: string, id: string): Promise<RunbookVersionItem[]> {
  const body = await rest('GET', `${base(ws)}/${encodeURIComponent(id)}/versions`, {
    schema: z.object({ versions: z.array(versionSchema) })
  });
  return body.versions;
}

/** Saves the current state as a named version. */
export function saveVersion(ws: string, id: string, name: string): Promise<RunbookVersionItem> {
  return rest('POST', `${base(ws)}/${encodeURIComponent(id)}/versions`, {
    body: { name },
    schema: versionSchema
  });
}

/** One version's content. */
export function getVersion(
  ws: string,
  id: string,
  versionId: string
): Promise<{ version: RunbookVersionItem; content: Record<string, unknown>; markdown: string }> {
  const path = `${base(ws)}/${encodeURIComponent(id)}/versions/${encodeURIComponent(versionId)}`;
  return rest('GET', path, {
    schema: z.object({ version: versionSchema, content: jsonContentSchema, markdown: z.string() })
  });
}

/** Restores a version as a new change (the server snapshots the current state first). */
export async function restoreVersion(ws: string, id: string, versionId: string): Promise<void> {
  const path = `${base(ws)}/${encodeURIComponent(id)}/versions/${encodeURIComponent(versionId)}/restore`;
  await rest('POST', path);
}
