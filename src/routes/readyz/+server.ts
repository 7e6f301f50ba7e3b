import { json } from '@sveltejs/kit';
import { checkReadiness } from '$lib/server/probes';
import { getRuntime } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

/** Readiness: storage reachable. */
export const GET: RequestHandler = async () => {
  const readiness = await checkReadiness(await getRuntime());
  return json(readiness, { status: readiness.ready ? 200 : 503 });
};
