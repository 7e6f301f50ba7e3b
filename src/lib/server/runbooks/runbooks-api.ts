/**
 * REST operations on runbooks (`/api/v1/workspaces/{ws}/runbooks…`) and uploaded files
 * (`…/files`). Reads need membership; writes need `runbooks.write`. Documents change through
 * the runtime DocStore (runbooks-service.ts), so REST edits reach open editors at once.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { ApiError } from '$lib/server/api/errors';
import { API_BASE_PATH } from '$lib/server/api/openapi';
import { offsetPage, pageHeaders, pageQuery, pageResponse } from '$lib/server/api/list-page';
import { defineOperation, readBodyBytes, type Operation } from '$lib/server/api/operation';
import type { MemberContext } from '$lib/server/api/request-context';
import { ID_PATTERN } from '$lib/shared/doc-name';
import { fileUrl } from '$lib/shared/runbooks/url-policy';
import {
  MAX_RUNBOOK_MARKDOWN_LENGTH,
  alertMatcherSchema,
  runbookCreateSchema,
  runbookPatchSchema,
  runbookSummarySchema,
  runbookVersionCreateSchema,
  runbookVersionSchema
} from '$lib/shared/runbooks/schema';
import { MAX_FILE_BYTES, isAllowedFileType } from './files-store';
import { defineRawOperation } from '$lib/server/api/raw-operation';
import { RUNBOOK_LIST_MAX_LIMIT } from './runbooks-store';
import {
  createRunbook,
  duplicateRunbook,
  exportRunbook,
  getRunbook,
  getVersion,
  importRunbooks,
  linkedTasks,
  listVersions,
  patchRunbook,
  reconcileIndex,
  restoreVersion,
  saveNamedVersion,
  type RunbookScope
} from './runbooks-service';

const TAGS = ['runbooks'] as const;
const FILE_TAGS = ['files'] as const;

/** Most files in one import request. */
export const MAX_IMPORT_FILES = 200;

const workspaceParam = z
  .string()
  .meta({ description: 'Workspace id.', pattern: ID_PATTERN.source, examples: ['acme'] });
const runbookIdParam = z.string().meta({ description: 'Runbook id.', pattern: ID_PATTERN.source });
const versionIdParam = z.string().meta({ description: 'Version id.', pattern: ID_PATTERN.source });

const workspaceParams = z.object({ ws: workspaceParam });
const runbookParams = z.object({ ws: workspaceParam, id: runbookIdParam });
const versionParams = z.object({ ws: workspaceParam, id: runbookIdParam, vid: versionIdParam });

const idResult = z
  .object({ id: z.string().describe('Id of the new runbook.') })
  .meta({ id: 'RunbookCreated', description: 'The id of a new runbook.' });

const linkedTaskSchema = z
  .object({
    id: z.string(),
    key: z.string().nullable().describe('Human key such as OPS-142, or null.'),
    title: z.string(),
    kind: z.string().describe('task, incident or change.'),
    status: z.string().describe('Column id.')
  })
  .meta({ id: 'RunbookLinkedTask', description: 'An open task that links to the runbook.' });

const runbookDetailSchema = runbookSummarySchema
  .extend({ linkedTasks: z.array(linkedTaskSchema) })
  .meta({
    id: 'RunbookDetail',
    description: 'A runbook with the open tasks of the board that link to it.'
  });

const runbookListSchema = z
  .object({ runbooks: z.array(runbookSummarySchema) })
  .meta({ id: 'RunbookList', description: 'Runbooks of the library.' });

const versionListSchema = z
  .object({ versions: z.array(runbookVersionSchema) })
  .meta({ id: 'RunbookVersionList', description: 'Versions of a runbook, newest first.' });

const versionContentSchema = z
  .object({
    version: runbookVersionSchema,
    content: z
      .record(z.string(), z.unknown())
      .describe('The content as tiptap/ProseMirror JSON ({ type: "doc", content: [...] }).'),
    markdown: z.string().describe('The content as Markdown.')
  })
  .meta({ id: 'RunbookVersionContent', description: 'A past version of a runbook.' });

const restoreResultSchema = z
  .object({
    snapshot: runbookVersionSchema
      .nullable()
      .describe('The automatic snapshot of the state before the restore (null: unchanged).')
  })
  .meta({ id: 'RunbookRestoreResult', description: 'The outcome of a restore.' });

const importSchema = z
  .object({
    files: z
      .array(
        z
          .object({
            name: z.string().min(1).max(255).describe('File name (with its folder, if any).'),
            markdown: z.string().max(MAX_RUNBOOK_MARKDOWN_LENGTH).describe('The file content.')
          })
          .strict()
      )
      .min(1)
      .max(MAX_IMPORT_FILES)
  })
  .strict()
  .meta({ id: 'RunbookImport', description: 'Markdown files to import as runbooks.' });

const importResultSchema = z
  .object({
    imported: z.array(z.object({ id: z.string(), title: z.string() })),
    errors: z.array(z.object({ name: z.string(), message: z.string() }))
  })
  .meta({ id: 'RunbookImportResult', description: 'Imported runbooks and files that failed.' });

const listQuery = z
  .object({
    q: z.string().max(200).optional().describe('Full-text search (Chinese and English).'),
    tag: z.string().max(60).optional().describe('Only runbooks with this tag.'),
    archived: z
      .enum(['exclude', 'include', 'only'])
      .default('exclude')
      .describe('Archived runbooks: left out (default), included, or only those.'),
    ...pageQuery({ defaultLimit: 100, maxLimit: RUNBOOK_LIST_MAX_LIMIT })
  })
  .strict();

const matchQuery = z
  .object({
    service: alertMatcherSchema.shape.value.optional().describe("The alert's service label."),
    alertname: alertMatcherSchema.shape.value.optional().describe("The alert's alertname label."),
    ...pageQuery({ defaultLimit: 100, maxLimit: RUNBOOK_LIST_MAX_LIMIT })
  })
  .strict();

const versionListQuery = z.object(pageQuery({ defaultLimit: 100, maxLimit: 1000 }));

const errors = {
  invalid: { description: 'Invalid workspace id or input (`invalid_input`).' },
  notFound: { description: 'No such runbook or version (`not_found`).' }
} as const;

/** The scope of the runbook service, for a caller whose access the operation's `auth` checked. */
function scopeOf(request: MemberContext, event: Pick<RequestEvent, 'locals'>): RunbookScope {
  return {
    runtime: request.runtime,
    workspaceId: request.workspaceId,
    actorId: request.access.actorId,
    locale: event.locals.locale
  };
}

/** Path of a runbook in the REST API (for `Location`). */
export function runbookUrl(ws: string, id: string): string {
  return `${API_BASE_PATH}/workspaces/${encodeURIComponent(ws)}/runbooks/${encodeURIComponent(id)}`;
}

const locationHeader = {
  Location: { description: 'URL of the new runbook.', schema: z.string() }
};

export const listRunbooksOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/runbooks',
    operationId: 'listRunbooks',
    summary: 'List and search runbooks',
    description:
      'The runbook library, most recently updated first. With `q`, a full-text search over ' +
      'title, tags, services and content (Chinese and English), best match first, each with a ' +
      '`snippet`. Paged like every list; the page is wrapped as `{ runbooks: [...] }`.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: listQuery,
    responses: {
      200: pageResponse('Matching runbooks.', runbookListSchema),
      400: errors.invalid
    }
  },
  async ({ event, request, query }) => {
    const scope = scopeOf(request, event);
    await reconcileIndex(scope);
    const index = scope.runtime.runbookIndex;
    const [runbooks, total] = await Promise.all([
      index.search(scope.workspaceId, query),
      index.count(scope.workspaceId, query)
    ]);
    const end = query.offset + runbooks.length;
    const next = end < total && runbooks.length > 0 ? { offset: String(end) } : null;
    return { status: 200, body: { runbooks }, headers: pageHeaders(event.url, { total, next }) };
  }
);

export const createRunbookOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/runbooks',
    operationId: 'createRunbook',
    summary: 'Create a runbook',
    description:
      "Creates a runbook, empty, from Markdown, or from a template written in the request's " +
      'language (the `locale` cookie, else Accept-Language; English or Chinese).',
    tags: TAGS,
    auth: { member: 'runbooks.write' },
    params: workspaceParams,
    body: runbookCreateSchema,
    responses: {
      201: { description: 'Created.', schema: idResult, headers: locationHeader },
      400: errors.invalid
    }
  },
  async ({ event, request, params, body }) => {
    const scope = scopeOf(request, event);
    const id = await createRunbook(scope, body);
    return { status: 201, body: { id }, headers: { location: runbookUrl(params.ws, id) } };
  }
);

export const importRunbooksOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/runbooks/import',
    operationId: 'importRunbooks',
    summary: 'Import Markdown files',
    description:
      `Imports up to ${MAX_IMPORT_FILES} Markdown files (e.g. a folder) as runbooks. The title ` +
      'is the first heading, else the file name. A file that fails is listed in `errors`; the ' +
      'others are still imported.',
    tags: TAGS,
    auth: { member: 'runbooks.write' },
    params: workspaceParams,
    body: importSchema,
    responses: {
      201: { description: 'The import ran.', schema: importResultSchema },
      400: errors.invalid
    }
  },
  async ({ event, request, body }) => {
    const scope = scopeOf(request, event);
    return { status: 201, body: await importRunbooks(scope, body.files) };
  }
);

export const matchRunbooksOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/runbooks/match',
    operationId: 'matchRunbooks',
    summary: 'Runbooks for an alert',
    description:
      "Runbooks (not archived) whose alert matchers equal the alert's `service` or " +
      '`alertname` label (case-insensitive); runbooks matching both come first. Paged like ' +
      'every list; the page is wrapped as `{ runbooks: [...] }`.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: matchQuery,
    responses: {
      200: pageResponse('Matching runbooks.', runbookListSchema),
      400: errors.invalid
    }
  },
  async ({ event, request, query }) => {
    const scope = scopeOf(request, event);
    await reconcileIndex(scope);
    const { limit, offset, ...labels } = query;
    const all = await scope.runtime.runbookIndex.match(scope.workspaceId, labels);
    const page = offsetPage(all, { limit, offset }, event.url);
    return { status: 200, body: { runbooks: page.body }, headers: page.headers };
  }
);

export const getRunbookOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/runbooks/{id}',
    operationId: 'getRunbook',
    summary: 'Get a runbook',
    description: 'Metadata of a runbook and the open tasks of the board that link to it.',
    tags: TAGS,
    auth: { member: 'read' },
    params: runbookParams,
    responses: {
      200: { description: 'The runbook.', schema: runbookDetailSchema },
      404: errors.notFound
    }
  },
  async ({ event, request, params }) => {
    const scope = scopeOf(request, event);
    const runbook = await getRunbook(scope, params.id);
    return { status: 200, body: { ...runbook, linkedTasks: await linkedTasks(scope, params.id) } };
  }
);

export const updateRunbookOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/runbooks/{id}',
    operationId: 'updateRunbook',
    summary: 'Change a runbook',
    description:
      'Changes metadata (title, tags, owner, services, CIs, alert matchers, review interval), ' +
      'archives or restores it (`archived`), or records a review (`reviewed: true`).',
    tags: TAGS,
    auth: { member: 'runbooks.write' },
    params: runbookParams,
    body: runbookPatchSchema,
    responses: {
      200: { description: 'The runbook after the change.', schema: runbookSummarySchema },
      400: errors.invalid,
      404: errors.notFound
    }
  },
  async ({ event, request, params, body }) => {
    const scope = scopeOf(request, event);
    return { status: 200, body: await patchRunbook(scope, params.id, body) };
  }
);

export const duplicateRunbookOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/runbooks/{id}/duplicate',
    operationId: 'duplicateRunbook',
    summary: 'Duplicate a runbook',
    description: 'Copies content and metadata into a new runbook owned by the caller.',
    tags: TAGS,
    auth: { member: 'runbooks.write' },
    params: runbookParams,
    responses: {
      201: { description: 'The copy.', schema: idResult, headers: locationHeader },
      404: errors.notFound
    }
  },
  async ({ event, request, params }) => {
    const scope = scopeOf(request, event);
    const id = await duplicateRunbook(scope, params.id);
    return { status: 201, body: { id }, headers: { location: runbookUrl(params.ws, id) } };
  }
);

/** `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987). */
function attachment(title: string, extension: string): string {
  const ascii = title.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'runbook';
  const utf8 = encodeURIComponent(`${title.replace(/[\\/:*?"<>|\n\r]+/g, ' ')}.${extension}`);
  return `attachment; filename="${ascii.slice(0, 100)}.${extension}"; filename*=UTF-8''${utf8}`;
}

export const exportRunbookOperation = defineRawOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/runbooks/{id}/export',
    operationId: 'exportRunbook',
    summary: 'Export a runbook',
    description:
      'Downloads the runbook as Markdown (`format=md`, `text/markdown`) or as a printable ' +
      'HTML page (`format=html`, `text/html`, no scripts).',
    tags: TAGS,
    auth: { member: 'read' },
    params: runbookParams,
    query: z
      .object({ format: z.enum(['md', 'html']).default('md').describe('md (default) or html.') })
      .strict(),
    responses: {
      200: { description: 'The file (text/markdown or text/html attachment).' },
      404: errors.notFound
    }
  },
  async ({ event, request, params, query }) => {
    const scope = scopeOf(request, event);
    const { title, text } = await exportRunbook(scope, params.id, query.format);
    const html = query.format === 'html';
    return new Response(text, {
      status: 200,
      headers: {
        'content-type': html ? 'text/html; charset=utf-8' : 'text/markdown; charset=utf-8',
        'content-disposition': attachment(title, query.format),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        // The page is ours, but never let it run anything should it be opened in place.
        'content-security-policy':
          "default-src 'none'; img-src 'self' https:; style-src 'unsafe-inline'"
      }
    });
  }
);

export const listRunbookVersionsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/runbooks/{id}/versions',
    operationId: 'listRunbookVersions',
    summary: 'List versions',
    description:
      'Named versions and automatic snapshots, newest first. Paged like every list; the page ' +
      'is wrapped as `{ versions: [...] }`.',
    tags: TAGS,
    auth: { member: 'read' },
    params: runbookParams,
    query: versionListQuery,
    responses: {
      200: pageResponse('The versions.', versionListSchema),
      404: errors.notFound
    }
  },
  async ({ event, request, params, query }) => {
    const scope = scopeOf(request, event);
    const page = offsetPage(await listVersions(scope, params.id), query, event.url);
    return { status: 200, body: { versions: page.body }, headers: page.headers };
  }
);

export const createRunbookVersionOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/runbooks/{id}/versions',
    operationId: 'createRunbookVersion',
    summary: 'Save a named version',
    tags: TAGS,
    auth: { member: 'runbooks.write' },
    params: runbookParams,
    body: runbookVersionCreateSchema,
    responses: {
      201: { description: 'The saved version.', schema: runbookVersionSchema },
      400: errors.invalid,
      404: errors.notFound
    }
  },
  async ({ event, request, params, body }) => {
    const scope = scopeOf(request, event);
    return { status: 201, body: await saveNamedVersion(scope, params.id, body.name) };
  }
);

export const getRunbookVersionOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/runbooks/{id}/versions/{vid}',
    operationId: 'getRunbookVersion',
    summary: 'Get a version',
    description: "A past version's content as tiptap JSON and as Markdown (to view or compare).",
    tags: TAGS,
    auth: { member: 'read' },
    params: versionParams,
    responses: {
      200: { description: 'The version.', schema: versionContentSchema },
      404: errors.notFound
    }
  },
  async ({ event, request, params }) => {
    const scope = scopeOf(request, event);
    return { status: 200, body: await getVersion(scope, params.id, params.vid) };
  }
);

export const restoreRunbookVersionOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/runbooks/{id}/versions/{vid}/restore',
    operationId: 'restoreRunbookVersion',
    summary: 'Restore a version',
    description:
      "Sets the content to the version's as a new change: open editors see it at once and " +
      'nothing is lost, because the current state is saved as an automatic snapshot first.',
    tags: TAGS,
    auth: { member: 'runbooks.write' },
    params: versionParams,
    responses: {
      200: { description: 'Restored.', schema: restoreResultSchema },
      404: errors.notFound
    }
  },
  async ({ event, request, params }) => {
    const scope = scopeOf(request, event);
    return { status: 200, body: { snapshot: await restoreVersion(scope, params.id, params.vid) } };
  }
);

/** Reads a raw request body (a file) of at most `limit` bytes. */
function readRawBody(request: Request, limit: number): Promise<Uint8Array> {
  return readBodyBytes(
    request,
    limit,
    () => new ApiError(413, 'payload_too_large', `the file exceeds ${limit} bytes`)
  );
}

const fileResult = z
  .object({
    id: z.string().describe('sha256 of the content.'),
    url: z.string().describe('Where the file is served; use it as an image `src`.')
  })
  .meta({ id: 'StoredFile', description: 'An uploaded file.' });

export const uploadFileOperation = defineRawOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/files',
    operationId: 'uploadFile',
    summary: 'Upload an image',
    description:
      'The raw bytes of a PNG, JPEG, GIF or WebP image (at most 5 MiB) as the request body, ' +
      'with its Content-Type. Files are addressed by their sha256: the same image uploaded ' +
      'twice is stored once.',
    tags: FILE_TAGS,
    auth: { member: 'runbooks.write' },
    params: workspaceParams,
    responses: {
      201: { description: 'Stored.', schema: fileResult },
      400: { description: 'The content is not an image of the declared type (`invalid_input`).' },
      413: { description: 'Larger than 5 MiB (`payload_too_large`).' },
      415: { description: 'Not image/png, image/jpeg, image/gif or image/webp.' }
    }
  },
  async ({ event, request }) => {
    const scope = scopeOf(request, event);
    const mime = (event.request.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!isAllowedFileType(mime.toLowerCase())) {
      throw new ApiError(
        415,
        'unsupported_media_type',
        'upload image/png, image/jpeg, image/gif or image/webp'
      );
    }
    const bytes = await readRawBody(event.request, MAX_FILE_BYTES);
    // A refused file is a DomainError (415, 413 or 400 by its code in errors.ts).
    const stored = await scope.runtime.files.put(
      scope.workspaceId,
      mime.toLowerCase(),
      bytes,
      scope.actorId
    );
    const url = fileUrl(scope.workspaceId, stored.id);
    return Response.json(
      { id: stored.id, url },
      { status: 201, headers: { location: url, 'cache-control': 'no-store' } }
    );
  }
);

export const getFileOperation = defineRawOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/files/{id}',
    operationId: 'getFile',
    summary: 'Download a file',
    description:
      'The bytes of an uploaded file, for members of the workspace. Content never changes ' +
      'under an id, so responses may be cached for a year.',
    tags: FILE_TAGS,
    auth: { member: 'read' },
    params: z.object({
      ws: workspaceParam,
      id: z.string().meta({ description: 'File id (sha256, hex).' })
    }),
    responses: {
      200: { description: 'The file, with its image Content-Type.' },
      404: { description: 'No such file in this workspace (`not_found`).' }
    }
  },
  async ({ event, request, params }) => {
    const scope = scopeOf(request, event);
    const file = await scope.runtime.files.get(scope.workspaceId, params.id);
    if (!file) throw new ApiError(404, 'not_found', 'no such file');
    const etag = `"${file.id}"`;
    const headers = {
      // private: only members may see it, so shared caches must not keep it.
      'cache-control': 'private, max-age=31536000, immutable',
      etag,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox"
    };
    if (event.request.headers.get('if-none-match') === etag) {
      return new Response(null, { status: 304, headers });
    }
    return new Response(new Uint8Array(file.data), {
      status: 200,
      headers: { ...headers, 'content-type': file.mime, 'content-length': String(file.bytes) }
    });
  }
);

/** Every runbook and file operation, for the registry. */
export const runbookOperations: readonly Operation[] = [
  listRunbooksOperation,
  createRunbookOperation,
  importRunbooksOperation,
  matchRunbooksOperation,
  getRunbookOperation,
  updateRunbookOperation,
  duplicateRunbookOperation,
  exportRunbookOperation,
  listRunbookVersionsOperation,
  createRunbookVersionOperation,
  getRunbookVersionOperation,
  restoreRunbookVersionOperation,
  uploadFileOperation,
  getFileOperation
];
