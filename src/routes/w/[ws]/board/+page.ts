import { error } from '@sveltejs/kit';
import { boardDocName, isValidId } from '$lib/shared/doc-name';
import type { PageLoad } from './$types';

/** Validates the workspace id; anything that cannot name a document is a 404. */
export const load: PageLoad = ({ params }) => {
  if (!isValidId(params.ws)) error(404, { code: 'not_found', message: 'Not Found' });
  return { workspaceId: params.ws, docName: boardDocName(params.ws) };
};
