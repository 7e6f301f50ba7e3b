/**
 * Operations whose request or response is not JSON (file upload and download, Markdown and
 * HTML export). They are declared like every other operation — so they are in the OpenAPI
 * document and the permission matrix — but their handler builds the `Response` itself.
 */
import type { RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { operationHandler, type Operation, type OperationDefinition } from './operation';
import type { RequestContextOf } from './request-context';

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RawContext<D extends OperationDefinition> {
  event: RequestEvent;
  request: RequestContextOf<D['auth']>;
  params: Parsed<D['params']>;
  query: Parsed<D['query']>;
}

/** Declares an operation whose handler returns its own `Response` (errors stay JSON). */
export function defineRawOperation<const D extends OperationDefinition>(
  definition: D,
  handler: (context: RawContext<D>) => Promise<Response>
): Operation {
  const handle = operationHandler(definition, (input) => handler(input as RawContext<D>));
  return { definition, handle };
}
