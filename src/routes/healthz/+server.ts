import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** Liveness: the process answers HTTP. */
export const GET: RequestHandler = () => json({ status: 'ok' });
