import type { LayoutServerLoad } from './$types';

/** Hands the locale negotiated in hooks.server.ts to the root layout. */
export const load: LayoutServerLoad = ({ locals }) => ({ locale: locals.locale });
