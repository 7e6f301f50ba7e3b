import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';

/** Workspace opened by `/` until accounts remember the user's last one. */
const DEFAULT_WORKSPACE = 'demo';

/** `/` opens the board of the default workspace. */
export const load: PageLoad = () => {
  redirect(307, `/w/${DEFAULT_WORKSPACE}/board`);
};
