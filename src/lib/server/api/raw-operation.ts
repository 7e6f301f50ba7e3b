/**
 * Operations whose request or response is not JSON (file upload and download, Markdown and
 * HTML export). They are declared like every other operation — so they are in the OpenAPI
 * document and the permission matrix — but their handler builds the `Response` itself.
 */
import type { RequestEvent, RequestHandler } from '@sveltejs/kit';
import type { z } from 'zod';
import { handleApiError } from './errors';
import { parsePart, queryObject, type Operation, type OperationDefinition } from './operation';
import { requestContext, requireAuth, type RequestContextOf } from './request-context';

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
  const handle: RequestHandler = async (event) => {
    try {
      requireAuth(definition.auth, event);
      const params = parsePart(definition.params, event.params, 'path parameters');
      const request = await requestContext(definition.auth, event);
      const context = {
        event,
        request,
        params,
        query: parsePart(definition.query, queryObject(event.url), 'query parameters')
      } as RawContext<D>;
      return await handler(context);
    } catch (error) {
      return handleApiError(error, event);
    }
  };
  return { definition, handle };
}
