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
import { defineOperation, type Operation } from '$lib/server/api/operation';
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

export const cmdbOperations: readonly Operation[] = [
  listCmdbItemsOperation,
  createCmdbItemOperation,
  getCmdbItemOperation,
  updateCmdbItemOperation,
  deleteCmdbItemOperation,
  createCmdbRelationOperation,
  deleteCmdbRelationOperation,
  getCmdbImpactOperation,
  getCmdbHistoryOperation
];
