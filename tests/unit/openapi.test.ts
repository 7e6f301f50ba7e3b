import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  API_VERSION,
  buildOpenApiDocument,
  pathParamNames,
  type JsonSchema,
  type OpenApiDocument
} from '../../src/lib/server/api/openapi';
import { defineOperation } from '../../src/lib/server/api/operation';
import { apiTags, getOpenApiDocument, operations } from '../../src/lib/server/api/registry';
import { en } from '../../src/lib/i18n/messages/en';
import { zhCN } from '../../src/lib/i18n/messages/zh-CN';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function allOperations(doc: OpenApiDocument) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item[method];
      return op ? [{ path, method, op }] : [];
    })
  );
}

/** Every `$ref` string anywhere in `value`. */
function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.push(item);
      else refs(item, found);
    }
  }
  return found;
}

/** Resolves a local JSON pointer (`#/a/b`) in `doc`. */
function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

describe('OpenAPI document', () => {
  const doc = getOpenApiDocument();

  it('has the OpenAPI 3.1 shape with info, servers and tags', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Runboard', version: API_VERSION });
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    const tagNames = doc.tags.map((t) => t.name);
    expect(tagNames).toContain('tasks');
    expect(new Set(tagNames).size).toBe(tagNames.length);
    // It is plain JSON: nothing lost in serialisation.
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('gives every operation a unique operationId, a summary, known tags and responses', () => {
    const ops = allOperations(doc);
    expect(ops.length).toBe(operations.length);
    const ids = ops.map(({ op }) => op.operationId);
    expect(ids.every((id) => /^[a-z][A-Za-z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(doc.tags.map((t) => t.name));
    for (const { path, op } of ops) {
      expect(op.summary.length).toBeGreaterThan(0);
      expect(op.tags.length).toBeGreaterThan(0);
      for (const tag of op.tags) expect(tags.has(tag)).toBe(true);
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => /^2\d\d$/.test(s))).toBe(true);
      expect(statuses).toContain('default');
      // Every {param} of the path is a required path parameter, and nothing else is.
      const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect(pathParams.map((p) => p.name).sort()).toEqual(pathParamNames(path).sort());
      expect(pathParams.every((p) => p.required)).toBe(true);
    }
  });

  it('resolves every $ref, and every component is a JSON Schema object', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(0);
    for (const ref of all) {
      expect(ref.startsWith('#/components/schemas/'), ref).toBe(true);
      expect(resolvePointer(doc, ref), ref).toBeTypeOf('object');
    }
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(schema).not.toHaveProperty('$schema');
      expect(schema).not.toHaveProperty('$defs');
    }
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
  });

  it('describes the task schemas and the error body as components', () => {
    const schemas = doc.components.schemas;
    for (const name of ['Task', 'TaskCreate', 'TaskPatch', 'Error', 'Id', 'TaskKind']) {
      expect(schemas, name).toHaveProperty(name);
    }
    const task = schemas.Task as { properties: Record<string, JsonSchema>; required: string[] };
    expect(task.required).toEqual(expect.arrayContaining(['id', 'title', 'status', 'createdAt']));
    expect(schemas.Error).toMatchObject({ required: ['error'] });

    const create = doc.paths['/workspaces/{ws}/tasks']?.post;
    expect(create?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/TaskCreate'
    });
    expect(create?.responses['201']?.headers).toHaveProperty('Location');
    const list = doc.paths['/workspaces/{ws}/tasks']?.get;
    const query = (list?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(query).toEqual(
      expect.arrayContaining(['kind', 'status', 'assignee', 'label', 'q', 'includeArchived'])
    );
    expect(query).toEqual(expect.arrayContaining(['limit', 'offset']));
    const limit = list?.parameters?.find((p) => p.name === 'limit');
    expect(limit).toMatchObject({ required: false, schema: { maximum: 1000, default: 100 } });
    expect(doc.paths['/workspaces/{ws}/tasks/{id}']?.patch?.requestBody?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/TaskPatch' } }
    });
  });

  it('declares bearer tokens, the session cookie, integration secrets, feed tokens and runner tokens', () => {
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'rbt_…'
      }),
      cookieAuth: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'rb_session' }),
      integrationSecret: expect.objectContaining({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'rbi_…'
      }),
      feedToken: expect.objectContaining({ type: 'apiKey', in: 'query', name: 'token' }),
      runnerToken: expect.objectContaining({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'rbr_…'
      })
    });
  });

  it('gives every operation a security entry that matches its declared auth', () => {
    const byId = new Map(operations.map(({ definition }) => [definition.operationId, definition]));
    const expected = {
      public: [],
      session: [{ cookieAuth: [] }],
      caller: [{ bearerAuth: [] }, { cookieAuth: [] }],
      member: [{ bearerAuth: [] }, { cookieAuth: [] }],
      integration: [{ integrationSecret: [] }],
      feed: [{ feedToken: [] }],
      runner: [{ runnerToken: [] }]
    };
    const seen = new Set<string>();
    for (const { op } of allOperations(doc)) {
      const auth = byId.get(op.operationId)?.auth ?? 'caller';
      const kind = typeof auth === 'object' ? 'member' : auth;
      seen.add(kind);
      expect(op.security, op.operationId).toEqual(expected[kind]);
      // A member operation names the right it needs; the others name none.
      expect(op['x-permission'], op.operationId).toEqual(
        typeof auth === 'object' ? expect.any(String) : undefined
      );
      // Every scheme named is declared.
      for (const requirement of op.security) {
        for (const name of Object.keys(requirement)) {
          expect(doc.components.securitySchemes, name).toHaveProperty(name);
        }
      }
    }
    expect([...seen].sort()).toEqual([
      'caller',
      'feed',
      'integration',
      'member',
      'public',
      'runner',
      'session'
    ]);
    // The few that need no credentials, by name: adding one is a deliberate act.
    const open = allOperations(doc).filter(({ op }) => op.security.length === 0);
    // chatAcknowledge, chatDecideChange: a chat's button, authorised by the signed token in its
    // body.
    expect(open.map(({ op }) => op.operationId).sort()).toEqual([
      'chatAcknowledge',
      'chatDecideChange',
      'login',
      'logout',
      'setup'
    ]);
  });

  it('pages every list the same way: limit and offset in, X-Total-Count and Link out', () => {
    const lists = allOperations(doc).filter(
      ({ method, op }) => method === 'get' && /^(list|match)[A-Z]/.test(op.operationId)
    );
    expect(lists.map(({ op }) => op.operationId)).toEqual(
      expect.arrayContaining([
        'listTasks',
        'listColumns',
        'listLabels',
        'listMembers',
        'listWorkspaces',
        'listRunbooks'
      ])
    );
    for (const { op } of lists) {
      const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const headers = Object.keys(op.responses['200']?.headers ?? {});
      expect(headers, op.operationId).toContain('Link');
      expect(query, op.operationId).toContain('limit');
      if (op.operationId === 'listAudit') {
        // Append-only and newest first: paged by the `before` cursor, not by offset.
        expect(query).toContain('before');
        continue;
      }
      if (op.operationId === 'listArchivedTasks') {
        // Grows by thousands a year, newest first: paged by `cursor`, the total in the body too.
        expect(query).toContain('cursor');
        expect(headers).toContain('X-Total-Count');
        continue;
      }
      expect(query, op.operationId).toContain('offset');
      expect(headers, op.operationId).toContain('X-Total-Count');
    }
  });

  it('names every operation and tag in the UI messages of /api/docs, English as declared', () => {
    const messages: Record<string, string> = en;
    const translated: Record<string, string> = zhCN;
    for (const { definition } of operations) {
      const key = `apiDocs.op.${definition.operationId}`;
      expect(messages[key], key).toBe(definition.summary);
      expect(translated[key], key).toMatch(/[\u4e00-\u9fff]/);
    }
    for (const tag of apiTags) {
      const key = `apiDocs.tag.${tag.name}`;
      expect(messages[key], key).toBe(tag.description);
      expect(translated[key], key).toMatch(/[\u4e00-\u9fff]/);
    }
    // No stale names of operations or tags that are gone.
    const ids = new Set(operations.map((op) => `apiDocs.op.${op.definition.operationId}`));
    const tags = new Set(apiTags.map((tag) => `apiDocs.tag.${tag.name}`));
    for (const key of Object.keys(messages)) {
      if (key.startsWith('apiDocs.op.')) expect(ids.has(key), key).toBe(true);
      if (key.startsWith('apiDocs.tag.')) expect(tags.has(key), key).toBe(true);
    }
  });

  it('serves every operation from the route file its path names', async () => {
    const routes = import.meta.glob('../../src/routes/api/v1/**/+server.ts');
    for (const { definition, handle } of operations) {
      const file = `../../src/routes/api/v1${definition.path.replace(/\{(\w+)\}/g, '[$1]')}/+server.ts`;
      const load = routes[file];
      expect(load, `${definition.operationId}: ${file}`).toBeTypeOf('function');
      const mod = (await load!()) as Record<string, unknown>;
      expect(mod[definition.method], `${definition.method} ${file}`).toBe(handle);
    }
  });

  it('names the input form <id>Input when it differs from the output form', () => {
    const thing = z
      .object({ size: z.int().default(1) })
      .meta({ id: 'OpenApiTestThing', description: 'A test schema.' });
    const op = defineOperation(
      {
        method: 'POST',
        path: '/things/{thing}',
        operationId: 'makeThing',
        summary: 'Make a thing',
        tags: ['test'],
        params: z.object({ thing: z.string() }),
        body: thing,
        responses: { 200: { description: 'The thing.', schema: thing } }
      },
      async ({ body }) => ({ status: 200, body })
    );
    const built = buildOpenApiDocument([op]);
    const { OpenApiTestThing: output, OpenApiTestThingInput: input } = built.components.schemas;
    expect(output).toMatchObject({ required: ['size'] });
    expect(input).toBeDefined();
    expect(input).not.toHaveProperty('required');
    const post = built.paths['/things/{thing}']?.post;
    expect(post?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/OpenApiTestThingInput'
    });
    expect(built.tags).toEqual([{ name: 'test' }]);
  });

  it('refuses inconsistent declarations', () => {
    const make = (path: string, operationId = 'x') =>
      defineOperation(
        {
          method: 'GET',
          path,
          operationId,
          summary: 's',
          tags: ['t'],
          params: z.object({ a: z.string() }),
          responses: { 204: { description: 'none' } }
        },
        async () => ({ status: 204, body: undefined })
      );
    expect(() => buildOpenApiDocument([make('/x/{b}')])).toThrow(/path params/);
    expect(() => buildOpenApiDocument([make('/x/{a}'), make('/y/{a}')])).toThrow(/operationId/);
    expect(() => buildOpenApiDocument([make('/x/{a}', 'p'), make('/x/{a}', 'q')])).toThrow(
      /declared twice/
    );
  });
});
