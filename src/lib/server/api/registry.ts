/**
 * Every REST operation of the API, in one list: the OpenAPI document and its tests read it.
 * A feature adds its operations here (and exports each `handle` from its route file).
 */
import { taskOperations } from '../board/task-api';
import { buildOpenApiDocument, type OpenApiDocument, type TagSpec } from './openapi';
import type { Operation } from './operation';

/** Tags in the order the reference shows them. */
export const apiTags: readonly TagSpec[] = [
  { name: 'tasks', description: 'Tasks, incidents and change tasks on a workspace board.' }
];

/** All operations; extend with `...runbookOperations` etc. */
export const operations: readonly Operation[] = [...taskOperations];

let document: OpenApiDocument | null = null;

/** The OpenAPI document of `operations`, built once per process. */
export function getOpenApiDocument(): OpenApiDocument {
  document ??= buildOpenApiDocument(operations, apiTags);
  return document;
}
