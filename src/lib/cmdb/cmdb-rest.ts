/**
 * The CMDB's REST calls made by the pages (docs/design.md §2 `cmdb/*`): an item's history, the
 * file imports with their dry run, the NetBox import, and the export and inventory addresses.
 * Everything else the pages do is an edit of `<ws>.cmdb` itself (local-first).
 */
import { z } from 'zod';
import { rest, RestError } from '$lib/rest-client';

/** Import formats the server reads (`?format=`). */
export const IMPORT_FORMATS = ['csv', 'json', 'ansible-ini', 'ansible-yaml'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

const CONTENT_TYPES: Record<ImportFormat, string> = {
  csv: 'text/csv',
  json: 'application/json',
  'ansible-ini': 'text/plain',
  'ansible-yaml': 'application/yaml'
};

const historyValue = z.unknown().optional();

export const historyEntrySchema = z.object({
  id: z.union([z.string(), z.number()]),
  at: z.string(),
  actorId: z.string().nullable().optional(),
  actorName: z.string().nullable().optional(),
  action: z.string(),
  field: z.string().nullable().optional(),
  from: historyValue,
  to: historyValue
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

const historyChangeSchema = z.object({
  id: z.string(),
  key: z.string().nullable().optional(),
  title: z.string(),
  state: z.string(),
  windowStart: z.string().nullable().optional(),
  windowEnd: z.string().nullable().optional()
});
const historyIncidentSchema = z.object({
  id: z.string(),
  key: z.string().nullable().optional(),
  title: z.string(),
  state: z.string(),
  openedAt: z.string().nullable().optional()
});
const historyRunSchema = z.object({
  id: z.string(),
  job: z.string().optional(),
  title: z.string().optional(),
  name: z.string().optional(),
  state: z.string().optional(),
  status: z.string().optional(),
  at: z.string().optional(),
  startedAt: z.string().optional()
});

/** `GET …/cmdb/items/<id>/history`. */
export const itemHistorySchema = z.object({
  entries: z.array(historyEntrySchema),
  changes: z.array(historyChangeSchema).default([]),
  incidents: z.array(historyIncidentSchema).default([]),
  runs: z.array(historyRunSchema).default([])
});
export type ItemHistory = z.infer<typeof itemHistorySchema>;

/** The history of item `id`: field changes and the changes, incidents and runs on it. */
export function fetchItemHistory(workspaceId: string, id: string): Promise<ItemHistory> {
  return rest(
    'GET',
    `/workspaces/${encodeURIComponent(workspaceId)}/cmdb/items/${encodeURIComponent(id)}/history`,
    { schema: itemHistorySchema }
  );
}

/** One refused row of an import (`row`: the 1-based line of the file). */
export interface ImportRowError {
  row: number;
  message: string;
}

const rowErrorsSchema = z.array(
  z.object({ row: z.number().optional(), message: z.string() }).loose()
);

/** What an import (or its dry run) answered. */
export type ImportOutcome =
  | {
      ok: true;
      imported: number;
      preview: { create: number; update: number; relations: number } | null;
    }
  | { ok: false; status: number; code: string; message: string; rows: ImportRowError[] };

const importAnswerSchema = z.object({
  imported: z.number().default(0),
  preview: z
    .object({ create: z.number(), update: z.number(), relations: z.number() })
    .nullable()
    .optional(),
  errors: rowErrorsSchema.default([])
});

function rowsOf(details: unknown): ImportRowError[] {
  const parsed = rowErrorsSchema.safeParse(details);
  if (!parsed.success) return [];
  return parsed.data.map((entry) => ({ row: entry.row ?? 0, message: entry.message }));
}

async function answer(response: Response): Promise<ImportOutcome> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    body = undefined;
  }
  if (response.ok) {
    const parsed = importAnswerSchema.safeParse(body);
    if (!parsed.success) {
      return {
        ok: false,
        status: response.status,
        code: 'invalid_response',
        message: 'unexpected response from the server',
        rows: []
      };
    }
    if (parsed.data.errors.length > 0) {
      return {
        ok: false,
        status: response.status,
        code: 'import_errors',
        message: '',
        rows: parsed.data.errors.map((entry) => ({ row: entry.row ?? 0, message: entry.message }))
      };
    }
    return { ok: true, imported: parsed.data.imported, preview: parsed.data.preview ?? null };
  }
  const error = z
    .object({
      error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
    })
    .safeParse(body);
  if (error.success) {
    const { code, message, details } = error.data.error;
    return { ok: false, status: response.status, code, message, rows: rowsOf(details) };
  }
  return {
    ok: false,
    status: response.status,
    code: 'http_error',
    message: `${response.status} ${response.statusText}`,
    rows: []
  };
}

async function post(url: string, init: RequestInit): Promise<ImportOutcome> {
  try {
    return await answer(await fetch(url, { ...init, method: 'POST', credentials: 'same-origin' }));
  } catch (failure) {
    const message = failure instanceof Error ? failure.message : String(failure);
    throw new RestError(0, 'network_error', message);
  }
}

function cmdbBase(workspaceId: string): string {
  return `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/cmdb`;
}

/** `POST …/cmdb/import?format=<f>[&dryRun=1]` with the file as the body. */
export function importFile(
  workspaceId: string,
  format: ImportFormat,
  content: string,
  dryRun: boolean
): Promise<ImportOutcome> {
  const query = new URLSearchParams({ format });
  if (dryRun) query.set('dryRun', '1');
  return post(`${cmdbBase(workspaceId)}/import?${query}`, {
    headers: { 'content-type': CONTENT_TYPES[format] },
    body: content
  });
}

/** `POST …/cmdb/import/netbox` with `{ url, token, dryRun? }`. */
export function importNetbox(
  workspaceId: string,
  input: { url: string; token: string },
  dryRun: boolean
): Promise<ImportOutcome> {
  return post(`${cmdbBase(workspaceId)}/import/netbox`, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(dryRun ? { ...input, dryRun: true } : input)
  });
}

/** `GET …/cmdb/export?format=csv|json`. */
export function exportUrl(workspaceId: string, format: 'csv' | 'json'): string {
  return `${cmdbBase(workspaceId)}/export?format=${format}`;
}

/** `GET …/cmdb/inventory`: the CMDB as Ansible dynamic-inventory JSON. */
export function inventoryUrl(workspaceId: string): string {
  return `${cmdbBase(workspaceId)}/inventory`;
}
