import {
  API_BASE_PATH,
  type JsonSchema,
  type OpenApiMethod,
  type OpenApiOperation,
  type OpenApiParameter
} from '$lib/server/api/openapi';
import { getOpenApiDocument } from '$lib/server/api/registry';
import type { PageServerLoad } from './$types';

const METHODS: readonly OpenApiMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

export interface DocResponse {
  status: string;
  description: string;
  headers: { name: string; description: string; schema: JsonSchema }[];
  schema: JsonSchema | null;
}

export interface DocOperation {
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string | null;
  parameters: OpenApiParameter[];
  body: JsonSchema | null;
  responses: DocResponse[];
}

export interface DocGroup {
  tag: string;
  description: string | null;
  operations: DocOperation[];
}

function toDocOperation(path: string, method: OpenApiMethod, op: OpenApiOperation): DocOperation {
  return {
    id: op.operationId,
    method: method.toUpperCase(),
    path,
    summary: op.summary,
    description: op.description ?? null,
    parameters: op.parameters ?? [],
    body: op.requestBody?.content['application/json']?.schema ?? null,
    responses: Object.entries(op.responses).map(([status, response]) => ({
      status,
      description: response.description,
      headers: Object.entries(response.headers ?? {}).map(([name, header]) => ({
        name,
        description: header.description,
        schema: header.schema
      })),
      schema: response.content?.['application/json']?.schema ?? null
    }))
  };
}

/** The OpenAPI document, grouped by tag for the reference page. */
export const load: PageServerLoad = () => {
  const spec = getOpenApiDocument();
  const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item[method];
      return op ? [{ tags: op.tags, doc: toDocOperation(path, method, op) }] : [];
    })
  );
  const groups: DocGroup[] = spec.tags.map((tag) => ({
    tag: tag.name,
    description: tag.description ?? null,
    operations: operations.filter((op) => op.tags.includes(tag.name)).map((op) => op.doc)
  }));
  return {
    title: spec.info.title,
    version: spec.info.version,
    baseUrl: spec.servers[0]?.url ?? API_BASE_PATH,
    groups: groups.filter((group) => group.operations.length > 0),
    schemas: Object.entries(spec.components.schemas).map(([name, schema]) => ({ name, schema }))
  };
};
