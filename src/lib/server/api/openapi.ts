/**
 * The OpenAPI 3.1 document, built from the declared operations. Schemas are converted with
 * zod's `z.toJSONSchema` (JSON Schema 2020-12, the dialect of OpenAPI 3.1). Every schema with
 * `.meta({ id })` becomes one entry of `components.schemas` and is referenced with `$ref`;
 * responses are described as the server writes them (zod "output"), request bodies and
 * parameters as clients send them ("input"). When the two differ for one id, the input form is
 * named `<id>Input`.
 */
import { z } from 'zod';
import { API_TOKEN_PREFIX } from '../accounts/accounts-store';
import { SESSION_COOKIE } from '../auth/authenticate';
import { apiErrorSchema } from './errors';
import type { Operation, OperationAuth, OperationDefinition, ParamsSchema } from './operation';

/** OpenAPI version of the document. */
export const OPENAPI_VERSION = '3.1.0';
/** Version of the API description (`info.version`); bump with every API change. */
export const API_VERSION = '0.2.0';
/** Base path of the REST API; operation paths are relative to it. */
export const API_BASE_PATH = '/api/v1';

export type JsonSchema = { [key: string]: unknown };

export interface TagSpec {
  name: string;
  description?: string;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiMediaType {
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, OpenApiMediaType>;
}

/** Names of the security schemes in `components.securitySchemes`. */
export type SecuritySchemeName =
  'bearerAuth' | 'cookieAuth' | 'integrationSecret' | 'feedToken' | 'runnerToken';

/** An OpenAPI security requirement: `{}` or `{ bearerAuth: [] }`. */
export type SecurityRequirement = Partial<Record<SecuritySchemeName, string[]>>;

export type SecurityScheme =
  | { type: 'http'; scheme: 'bearer'; bearerFormat: string; description: string }
  | { type: 'apiKey'; in: 'cookie' | 'query'; name: string; description: string };

/** How callers authenticate: an API token as a bearer token, or the browser's session cookie. */
export const securitySchemes: Record<SecuritySchemeName, SecurityScheme> = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: `${API_TOKEN_PREFIX}…`,
    description:
      `An API token (\`${API_TOKEN_PREFIX}…\`), scoped to one workspace: create one on the ` +
      'account page or with `npm run admin -- create-token`, and send ' +
      '`Authorization: Bearer <token>`.'
  },
  cookieAuth: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description:
      'The session cookie the browser gets from signing in (`POST /auth/login`). Cross-site ' +
      'form posts are refused (403 `cross_site_request`).'
  },
  integrationSecret: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'rbi_…',
    description:
      'The secret of the integration in the path, shown once when it was created (or its ' +
      'secret replaced), sent by the alert source as `Authorization: Bearer <secret>`.'
  },
  runnerToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'rbr_…',
    description:
      'A remote runner’s token, shown once when the runner was registered ' +
      '(`POST /workspaces/{ws}/runners`), sent by the runner process as ' +
      '`Authorization: Bearer <token>`.'
  },
  feedToken: {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description:
      'The token of the feed in the path, part of the address shown when the schedule was ' +
      'created (or its feed address replaced): calendar apps cannot sign in.'
  }
};

/** The `security` of an operation with the given auth (`[]`: no credentials needed). */
export function securityOf(auth: OperationAuth = 'caller'): SecurityRequirement[] {
  switch (typeof auth === 'object' ? 'member' : auth) {
    case 'public':
      return [];
    case 'integration':
      return [{ integrationSecret: [] }];
    case 'feed':
      return [{ feedToken: [] }];
    case 'runner':
      return [{ runnerToken: [] }];
    case 'session':
      return [{ cookieAuth: [] }];
    default:
      // A caller, or a member of the path's workspace (the right needed is in `x-permission`).
      return [{ bearerAuth: [] }, { cookieAuth: [] }];
  }
}

/** The workspace right an operation needs, for `x-permission` (absent: none beyond `security`). */
export function permissionOf(auth: OperationAuth = 'caller'): string | undefined {
  if (typeof auth !== 'object') return undefined;
  return auth.member === 'read'
    ? 'workspace.read'
    : auth.member === 'write'
      ? 'tasks.write'
      : auth.member;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: SecurityRequirement[];
  /** The workspace right the caller's role must include (shared/permissions.ts). */
  'x-permission'?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, OpenApiMediaType> };
  responses: Record<string, OpenApiResponse>;
}

export type OpenApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface OpenApiDocument {
  openapi: string;
  info: {
    title: string;
    version: string;
    description: string;
    license: { name: string; identifier: string };
  };
  servers: { url: string }[];
  tags: TagSpec[];
  paths: Record<string, Partial<Record<OpenApiMethod, OpenApiOperation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<SecuritySchemeName, SecurityScheme>;
  };
}

type Io = 'input' | 'output';

const DEFS_PREFIX = '#/$defs/';
const COMPONENTS_PREFIX = '#/components/schemas/';
const JSON_MEDIA_TYPE = 'application/json';

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy of `value` with every `$ref` passed through `rename`. */
function mapRefs(value: unknown, rename: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapRefs(item, rename));
  if (!isObject(value)) return value;
  const out: JsonSchema = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = key === '$ref' && typeof item === 'string' ? rename(item) : mapRefs(item, rename);
  }
  return out;
}

/** Ids of `$defs` referenced from `value`. */
function defRefs(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) defRefs(item, found);
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith(DEFS_PREFIX)) {
        found.add(item.slice(DEFS_PREFIX.length));
      } else defRefs(item, found);
    }
  }
  return found;
}

/**
 * Collects the named schemas of every conversion into `components.schemas`, keeping one entry
 * per name and refusing two different schemas under one name.
 */
class ComponentCollector {
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly rendered = new Map<string, string>();

  /** Converts `schema` and returns its JSON Schema with `$ref`s into the components. */
  convert(schema: z.ZodType, io: Io): JsonSchema {
    const converted = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'throw',
      cycles: 'ref',
      reused: 'inline'
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...root } = converted;
    const defs = isObject($defs) ? $defs : {};
    const names = this.nameDefs(defs, io);
    const rename = (ref: string): string => {
      if (!ref.startsWith(DEFS_PREFIX)) return ref;
      const id = ref.slice(DEFS_PREFIX.length);
      return COMPONENTS_PREFIX + (names.get(id) ?? id);
    };
    for (const [id, def] of Object.entries(defs)) {
      const name = names.get(id) ?? id;
      const json = mapRefs(def, rename) as JsonSchema;
      this.schemas[name] = json;
      this.rendered.set(name, JSON.stringify(json));
    }
    return mapRefs(root, rename) as JsonSchema;
  }

  /**
   * Component names for the `$defs` of one conversion: the id, or `<id>Input` when an input
   * form differs from the output form already registered. A def that refers to a renamed def
   * differs too, so renaming repeats until nothing changes.
   */
  private nameDefs(defs: JsonSchema, io: Io): Map<string, string> {
    const names = new Map(Object.keys(defs).map((id) => [id, id]));
    const render = (id: string): string => {
      const rename = (ref: string) =>
        ref.startsWith(DEFS_PREFIX)
          ? COMPONENTS_PREFIX + (names.get(ref.slice(DEFS_PREFIX.length)) ?? ref)
          : ref;
      return JSON.stringify(mapRefs(defs[id], rename));
    };
    for (let changed = true; changed;) {
      changed = false;
      for (const id of names.keys()) {
        const name = names.get(id) ?? id;
        const existing = this.rendered.get(name);
        if (existing === undefined || existing === render(id)) continue;
        if (io === 'input' && name === id) {
          names.set(id, `${id}Input`);
          changed = true;
          continue;
        }
        throw new Error(`OpenAPI: two different schemas are named ${JSON.stringify(name)}`);
      }
    }
    // Sanity check: every referenced def is part of this conversion.
    for (const id of Object.keys(defs)) {
      for (const ref of defRefs(defs[id])) {
        if (!names.has(ref)) throw new Error(`OpenAPI: dangling reference to ${ref}`);
      }
    }
    return names;
  }

  /** The object schema behind `json` (following a root `$ref` into the components). */
  resolve(json: JsonSchema): JsonSchema {
    const ref = json.$ref;
    if (typeof ref === 'string' && ref.startsWith(COMPONENTS_PREFIX)) {
      const target = this.schemas[ref.slice(COMPONENTS_PREFIX.length)];
      if (target) return target;
    }
    return json;
  }
}

/** The `{name}` placeholders of an OpenAPI path. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
}

function parameters(
  collector: ComponentCollector,
  schema: ParamsSchema | undefined,
  location: 'path' | 'query'
): OpenApiParameter[] {
  if (!schema) return [];
  const json = collector.resolve(collector.convert(schema, 'input'));
  const properties = isObject(json.properties) ? json.properties : {};
  const required = new Set(Array.isArray(json.required) ? json.required : []);
  return Object.entries(properties).map(([name, value]) => {
    const { description, ...rest } = isObject(value) ? value : {};
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest
    };
  });
}

function checkDefinition(definition: OperationDefinition): void {
  const { path, operationId, params } = definition;
  if (!path.startsWith('/')) throw new Error(`OpenAPI: ${operationId}: path must start with /`);
  const inPath = pathParamNames(path).sort();
  const declared = Object.keys(params?.shape ?? {}).sort();
  if (inPath.join(',') !== declared.join(',')) {
    throw new Error(
      `OpenAPI: ${operationId}: path params {${inPath.join(', ')}} ` +
        `do not match the params schema (${declared.join(', ')})`
    );
  }
}

function operationObject(
  collector: ComponentCollector,
  definition: OperationDefinition,
  errorRef: JsonSchema
): OpenApiOperation {
  const responses: Record<string, OpenApiResponse> = {};
  for (const [status, spec] of Object.entries(definition.responses)) {
    const response: OpenApiResponse = { description: spec.description };
    if (spec.headers) {
      response.headers = {};
      for (const [name, header] of Object.entries(spec.headers)) {
        response.headers[name] = {
          description: header.description,
          schema: collector.convert(header.schema, 'output')
        };
      }
    }
    if (spec.schema) {
      response.content = {
        [JSON_MEDIA_TYPE]: { schema: collector.convert(spec.schema, 'output') }
      };
    } else if (Number(status) >= 400) {
      // Declared error statuses carry the error body unless they say otherwise.
      response.content = { [JSON_MEDIA_TYPE]: { schema: errorRef } };
    }
    responses[status] = response;
  }
  responses.default = {
    description: 'Error (see the `code`)',
    content: { [JSON_MEDIA_TYPE]: { schema: errorRef } }
  };
  const parameterList = [
    ...parameters(collector, definition.params, 'path'),
    ...parameters(collector, definition.query, 'query')
  ];
  return {
    operationId: definition.operationId,
    summary: definition.summary,
    ...(definition.description ? { description: definition.description } : {}),
    tags: [...definition.tags],
    security: securityOf(definition.auth),
    ...(permissionOf(definition.auth) ? { 'x-permission': permissionOf(definition.auth) } : {}),
    ...(parameterList.length > 0 ? { parameters: parameterList } : {}),
    ...(definition.body
      ? {
          requestBody: {
            required: true,
            content: { [JSON_MEDIA_TYPE]: { schema: collector.convert(definition.body, 'input') } }
          }
        }
      : {}),
    responses
  };
}

/** Builds the OpenAPI 3.1 document of `operations`; throws on an inconsistent declaration. */
export function buildOpenApiDocument(
  operations: readonly Operation[],
  tags: readonly TagSpec[] = []
): OpenApiDocument {
  const collector = new ComponentCollector();
  const errorRef = collector.convert(apiErrorSchema, 'output');
  const ids = new Set<string>();
  const routes = new Set<string>();
  for (const { definition } of operations) {
    checkDefinition(definition);
    if (ids.has(definition.operationId)) {
      throw new Error(`OpenAPI: duplicate operationId ${definition.operationId}`);
    }
    ids.add(definition.operationId);
    const route = `${definition.method} ${definition.path}`;
    if (routes.has(route)) throw new Error(`OpenAPI: ${route} is declared twice`);
    routes.add(route);
  }
  // Output forms first, so response schemas keep the plain component names.
  for (const { definition } of operations) {
    for (const spec of Object.values(definition.responses)) {
      if (spec.schema) collector.convert(spec.schema, 'output');
    }
  }
  const paths: OpenApiDocument['paths'] = {};
  for (const { definition } of operations) {
    const method = definition.method.toLowerCase() as OpenApiMethod;
    const item = (paths[definition.path] ??= {});
    item[method] = operationObject(collector, definition, errorRef);
  }
  const usedTags = new Set(operations.flatMap(({ definition }) => definition.tags));
  const tagList: TagSpec[] = tags.filter((tag) => usedTags.has(tag.name));
  for (const name of usedTags) {
    if (!tagList.some((tag) => tag.name === name)) tagList.push({ name });
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Runboard',
      version: API_VERSION,
      description:
        'REST API of Runboard, a local-first operations workspace. Authenticate with an API ' +
        'token (`Authorization: Bearer rbt_…`) or the session cookie. Errors are JSON ' +
        '`{ "error": { "code", "message", "details"? } }`. Lists are JSON arrays paged with ' +
        '`limit` and `offset`, with `X-Total-Count` and a `Link` header (`rel="next"`).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' }
    },
    servers: [{ url: API_BASE_PATH }],
    tags: tagList,
    paths,
    components: { schemas: sortKeys(collector.schemas), securitySchemes }
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
