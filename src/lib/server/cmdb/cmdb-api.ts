/**
 * REST operations of the CMDB (docs/cmdb.md, docs/design.md §2 `cmdb/*`): items, relations,
 * impact and history. Everyone in the workspace reads; operators and above write (`cmdb.write`).
 */
import { z } from 'zod';
import {
  ciCreateSchema,
  ciItemSchema,
  ciPatchSchema,
  ciRelationSchema,
  criticalitySchema,
  impactEntrySchema,
  relationCreateSchema
} from '$lib/shared/cmdb/schema';
import { idSchema } from '$lib/shared/model/ids';
import { defineOperation, readBodyBytes, type Operation } from '$lib/server/api/operation';
import { defineRawOperation } from '$lib/server/api/raw-operation';
import { ApiError } from '$lib/server/api/errors';
import { translate } from '$lib/server/i18n/translate';
import { DomainError } from '$lib/shared/model/domain-error';
import type { Locale } from '$lib/shared/locale';
import { IMPORT_FORMATS, type RowError } from './cmdb-import';
import type { ImportOutcome } from './cmdb-service';
import { pageQuery, pageResponse, storePageHeaders } from '$lib/server/api/list-page';
import { workspaceParam, workspaceParams } from '../workspaces/workspaces-json';

const TAGS = ['cmdb'] as const;
const ITEM_LIST_LIMITS = { defaultLimit: 100, maxLimit: 1000 };
const itemParams = z.object({ ws: workspaceParam, id: idSchema });
const relationParams = z.object({ ws: workspaceParam, id: z.string().min(5).max(200) });

const itemListQuery = z
  .object({
    ...pageQuery(ITEM_LIST_LIMITS),
    type: z.string().max(40).optional().describe('Only items of this type.'),
    q: z.string().max(200).optional().describe('Words that must all appear in the name.'),
    tag: z.string().max(60).optional().describe('Only items with this tag.'),
    environment: z.string().max(40).optional(),
    criticality: criticalitySchema.optional(),
    owner: z.string().max(100).optional().describe('Only items of this owner team.')
  })
  .strict();

const itemWithRelationsSchema = ciItemSchema
  .extend({ relations: z.array(ciRelationSchema).describe('Relations from or to the item.') })
  .meta({ id: 'CiItemWithRelations' });

const historyValue = z.unknown();
const historySchema = z
  .object({
    entries: z.array(
      z.object({
        id: z.string(),
        itemId: idSchema,
        at: z.string(),
        actorId: z.string().nullable(),
        actorName: z.string().nullable(),
        action: z.enum(['created', 'updated', 'deleted', 'related', 'unrelated', 'refused']),
        field: z.string().nullable().optional(),
        from: historyValue,
        to: historyValue
      })
    ),
    changes: z.array(
      z.object({
        id: z.string(),
        key: z.string().nullable(),
        title: z.string(),
        state: z.string(),
        windowStart: z.string().nullable(),
        windowEnd: z.string().nullable()
      })
    ),
    incidents: z.array(
      z.object({
        id: z.string(),
        key: z.string().nullable(),
        title: z.string(),
        state: z.string(),
        openedAt: z.string()
      })
    ),
    runs: z.array(z.object({ id: z.string(), job: z.string(), state: z.string(), at: z.string() }))
  })
  .meta({ id: 'CiHistory', description: 'Who changed what, newest first, and what touched it.' });

export const listCmdbItemsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/cmdb/items',
    operationId: 'listCmdbItems',
    summary: 'List configuration items',
    description:
      'By name; filtered by type, words of the name, tag, environment, criticality, owner.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: itemListQuery,
    responses: { 200: pageResponse('By name.', z.array(ciItemSchema)) }
  },
  async ({ event, request, query }) => {
    const { limit, offset, ...filter } = query;
    const page = await request.runtime.cmdb.list(request.workspaceId, filter, { limit, offset });
    return {
      status: 200,
      body: page.items,
      headers: storePageHeaders(event.url, { limit, offset }, page)
    };
  }
);

export const createCmdbItemOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/cmdb/items',
    operationId: 'createCmdbItem',
    summary: 'Create a configuration item',
    tags: TAGS,
    auth: { member: 'cmdb.write' },
    params: workspaceParams,
    body: ciCreateSchema,
    responses: {
      201: { description: 'The item, with its id.', schema: ciItemSchema },
      400: { description: 'Unknown type, or attributes that do not fit a custom type.' },
      409: { description: 'Another item has this name.' }
    }
  },
  async ({ request, body }) => ({
    status: 201,
    body: await request.runtime.cmdb.create(request.workspaceId, request.access.actorId, body)
  })
);

export const getCmdbItemOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/cmdb/items/{id}',
    operationId: 'getCmdbItem',
    summary: 'Get a configuration item',
    tags: TAGS,
    auth: { member: 'read' },
    params: itemParams,
    responses: {
      200: { description: 'The item and its relations.', schema: itemWithRelationsSchema },
      404: { description: 'No such item.' }
    }
  },
  async ({ request, params }) => {
    const item = await request.runtime.cmdb.get(request.workspaceId, params.id);
    const relations = await request.runtime.cmdb.relationsOf(request.workspaceId, params.id);
    return { status: 200, body: { ...item, relations } };
  }
);

export const updateCmdbItemOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/cmdb/items/{id}',
    operationId: 'updateCmdbItem',
    summary: 'Change a configuration item',
    tags: TAGS,
    auth: { member: 'cmdb.write' },
    params: itemParams,
    body: ciPatchSchema,
    responses: {
      200: { description: 'The item as changed.', schema: ciItemSchema },
      404: { description: 'No such item.' },
      409: { description: 'Another item has this name.' }
    }
  },
  async ({ request, params, body }) => ({
    status: 200,
    body: await request.runtime.cmdb.update(
      request.workspaceId,
      request.access.actorId,
      params.id,
      body
    )
  })
);

export const deleteCmdbItemOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/cmdb/items/{id}',
    operationId: 'deleteCmdbItem',
    summary: 'Delete a configuration item',
    description: 'Its relations go with it; its history stays.',
    tags: TAGS,
    auth: { member: 'cmdb.write' },
    params: itemParams,
    responses: { 204: { description: 'Deleted.' }, 404: { description: 'No such item.' } }
  },
  async ({ request, params }) => {
    await request.runtime.cmdb.remove(request.workspaceId, request.access.actorId, params.id);
    return { status: 204, body: undefined };
  }
);

export const createCmdbRelationOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/cmdb/relations',
    operationId: 'createCmdbRelation',
    summary: 'Relate two configuration items',
    description:
      '`from` depends on (runs on, connects to) `to`. A relation that would close a cycle is ' +
      'refused with 422 `cycle`; the same relation again answers with its id.',
    tags: TAGS,
    auth: { member: 'cmdb.write' },
    params: workspaceParams,
    body: relationCreateSchema,
    responses: {
      201: { description: 'The relation.', schema: ciRelationSchema },
      400: { description: 'An end that is not an item of the workspace.' },
      422: { description: 'The relation would close a cycle (`cycle`).' }
    }
  },
  async ({ request, body }) => ({
    status: 201,
    body: await request.runtime.cmdb.relate(request.workspaceId, request.access.actorId, body)
  })
);

export const deleteCmdbRelationOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/cmdb/relations/{id}',
    operationId: 'deleteCmdbRelation',
    summary: 'Remove a relation',
    tags: TAGS,
    auth: { member: 'cmdb.write' },
    params: relationParams,
    responses: { 204: { description: 'Removed.' }, 404: { description: 'No such relation.' } }
  },
  async ({ request, params }) => {
    await request.runtime.cmdb.unrelate(request.workspaceId, request.access.actorId, params.id);
    return { status: 204, body: undefined };
  }
);

export const getCmdbImpactOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/cmdb/items/{id}/impact',
    operationId: 'getCmdbImpact',
    summary: 'What depends on an item',
    description:
      'Everything that depends on the item, directly (depth 1) or transitively, each at its ' +
      'shortest depth; nearest first.',
    tags: TAGS,
    auth: { member: 'read' },
    params: itemParams,
    responses: {
      200: {
        description: 'The items that would be affected.',
        schema: z.object({ items: z.array(impactEntrySchema) }).meta({ id: 'CiImpact' })
      },
      404: { description: 'No such item.' }
    }
  },
  async ({ request, params }) => ({
    status: 200,
    body: { items: await request.runtime.cmdb.impact(request.workspaceId, params.id) }
  })
);

export const getCmdbHistoryOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/cmdb/items/{id}/history',
    operationId: 'getCmdbHistory',
    summary: 'History of a configuration item',
    description:
      'Who changed which field, before and after, and which relations came and went (newest ' +
      'first), with the changes, incidents and automation runs that touched the item.',
    tags: TAGS,
    auth: { member: 'read' },
    params: itemParams,
    responses: {
      200: { description: 'The history.', schema: historySchema },
      404: { description: 'No such item, and no history of one.' }
    }
  },
  async ({ request, params }) => ({
    status: 200,
    body: await request.runtime.cmdb.history(request.workspaceId, params.id)
  })
);

/** Largest import file, in bytes (20,000 items as CSV are about 2 MB). */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

const importOutcomeSchema = z
  .object({
    imported: z.int().min(0).describe('Items created or updated (0 with `dryRun`).'),
    preview: z
      .object({
        create: z.int().min(0),
        update: z.int().min(0).describe('Items matched by name, updated in place.'),
        relations: z.int().min(0).describe('New relations.')
      })
      .describe('What the import does, or would do.'),
    errors: z.array(z.object({ row: z.int(), message: z.string() })).max(0)
  })
  .meta({ id: 'CmdbImportResult' });

const importRejection = {
  description:
    'Bad rows (`import_rejected`): nothing imported; `details` lists `{ row, message }`, `row` ' +
    'being the 1-based line of the file (the CSV header is line 1).'
};

/** A message of the import's catalog with its values (the keys are checked where they are made). */
const translateMessage = translate as (
  locale: Locale,
  key: RowError['key'],
  values?: RowError['values']
) => string;

/** Refuses an import with its rows' messages in the caller's language (422, nothing imported). */
function rejectRows(errors: readonly RowError[], locale: Locale): never {
  throw new DomainError('import_rejected', `${errors.length} row(s) refused; nothing imported`, {
    details: errors.map((e) => ({
      row: e.row,
      message: translateMessage(locale, e.key, e.values)
    }))
  });
}

function importReply(outcome: ImportOutcome, dryRun: boolean, locale: Locale): Response {
  if (outcome.errors.length > 0) rejectRows(outcome.errors, locale);
  return Response.json(
    { imported: outcome.imported, preview: outcome.preview, errors: [] },
    { status: dryRun ? 200 : 201 }
  );
}

const dryRunParam = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1')
  .describe('`true`: check and preview only, import nothing (answers 200).');

export const importCmdbOperation = defineRawOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/cmdb/import',
    operationId: 'importCmdb',
    summary: 'Import configuration items',
    description:
      'The file as the body: CSV (`text/csv`, header `type,name,environment,criticality,owner,' +
      'tags`, tags separated by `;`, optional `attr.<key>` and `depends_on`/`runs_on`/' +
      '`connects_to` columns naming items), JSON (`{ items, relations? }`), or an Ansible ' +
      'inventory (INI or YAML). Items are matched to existing ones by name and updated, or ' +
      'created. All or nothing: any bad row refuses the whole file.',
    tags: TAGS,
    auth: { member: 'cmdb.write' },
    params: workspaceParams,
    query: z.object({ format: z.enum(IMPORT_FORMATS), dryRun: dryRunParam }).strict(),
    responses: {
      200: { description: 'The preview (`dryRun`).', schema: importOutcomeSchema },
      201: { description: 'Imported.', schema: importOutcomeSchema },
      413: { description: 'Larger than 16 MiB.' },
      422: importRejection
    }
  },
  async ({ event, request, query }) => {
    const { format, dryRun } = query as {
      format: (typeof IMPORT_FORMATS)[number];
      dryRun: boolean;
    };
    const bytes = await readBodyBytes(
      event.request,
      MAX_IMPORT_BYTES,
      () => new ApiError(413, 'payload_too_large', `the file exceeds ${MAX_IMPORT_BYTES} bytes`)
    );
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new DomainError('invalid_input', 'the file is not UTF-8 text');
    }
    const outcome = await request.runtime.cmdb.importFile(
      request.workspaceId,
      request.access.actorId,
      format,
      text,
      dryRun
    );
    return importReply(outcome, dryRun, event.locals.locale);
  }
);

export const importNetboxOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/cmdb/import/netbox',
    operationId: 'importCmdbFromNetbox',
    summary: 'Import from NetBox',
    description:
      'Reads devices, virtual machines, clusters and services from a NetBox REST API (`url` ' +
      'of the instance, a token: `nbt_…` is sent as `Bearer`, older tokens as `Token`) and ' +
      'imports them as with a file. Admins only: the server fetches the address given.',
    tags: TAGS,
    auth: { member: 'cmdb.netbox' },
    params: workspaceParams,
    body: z
      .object({
        url: z.url().max(500),
        token: z.string().min(1).max(200),
        dryRun: z.boolean().optional()
      })
      .strict()
      .meta({ id: 'NetboxImport' }),
    responses: {
      200: { description: 'The preview (`dryRun`).', schema: importOutcomeSchema },
      201: { description: 'Imported.', schema: importOutcomeSchema },
      400: { description: 'NetBox refused the token, could not be reached, or answered badly.' },
      422: importRejection
    }
  },
  async ({ event, request, body }) => {
    const { url, token, dryRun = false } = body;
    const outcome = await request.runtime.cmdb.importNetbox(
      request.workspaceId,
      request.access.actorId,
      { url, token },
      dryRun
    );
    const locale = event.locals.locale;
    if ('failure' in outcome) {
      const { key, values } = outcome.failure;
      const message = translateMessage(locale, key, values);
      throw new DomainError('invalid_input', message, { details: [{ path: 'url', message }] });
    }
    if (outcome.errors.length > 0) rejectRows(outcome.errors, locale);
    const reply = { imported: outcome.imported, preview: outcome.preview, errors: [] as never[] };
    return dryRun ? { status: 200 as const, body: reply } : { status: 201 as const, body: reply };
  }
);

export const exportCmdbOperation = defineRawOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/cmdb/export',
    operationId: 'exportCmdb',
    summary: 'Export configuration items',
    description: 'Every item and relation, as CSV or JSON that the import reads back.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: z.object({ format: z.enum(['csv', 'json']) }).strict(),
    responses: { 200: { description: 'text/csv or application/json, as a download.' } }
  },
  async ({ request, query }) => {
    const { format } = query as { format: 'csv' | 'json' };
    const text = await request.runtime.cmdb.exportFile(request.workspaceId, format);
    return new Response(text, {
      headers: {
        'content-type':
          format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="cmdb-${request.workspaceId}.${format}"`,
        'cache-control': 'no-store'
      }
    });
  }
);

export const cmdbInventoryOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/cmdb/inventory',
    operationId: 'getCmdbInventory',
    summary: 'The CMDB as an Ansible inventory',
    description:
      'Ansible dynamic-inventory JSON: hosts and VMs, grouped by type (`type_<type>`), ' +
      'environment (`env_<environment>`) and tag (`tag_<tag>`), with `_meta.hostvars`. Use it ' +
      'from an inventory script with an API token (docs/cmdb.md).',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    responses: {
      200: {
        description: 'The inventory.',
        schema: z.record(z.string(), z.unknown()).meta({ id: 'AnsibleInventory' })
      }
    }
  },
  async ({ request }) => ({
    status: 200,
    body: (await request.runtime.cmdb.inventory(request.workspaceId)) as Record<string, unknown>
  })
);

export const cmdbOperations: readonly Operation[] = [
  listCmdbItemsOperation,
  createCmdbItemOperation,
  getCmdbItemOperation,
  updateCmdbItemOperation,
  deleteCmdbItemOperation,
  createCmdbRelationOperation,
  deleteCmdbRelationOperation,
  getCmdbImpactOperation,
  getCmdbHistoryOperation,
  importCmdbOperation,
  importNetboxOperation,
  exportCmdbOperation,
  cmdbInventoryOperation
];
