import { loadMessages } from '$lib/i18n/load-messages';
import type { LayoutLoad } from './$types';

/**
 * Adds the messages of the negotiated locale to the root layout's data. A universal load runs
 * on the server before SSR and in the browser before hydration, so the page renders in its
 * language from the first byte and hydrates with the same words, while only that one catalog
 * is fetched (loaded once, then shared; see load-messages.ts).
 */
export const load: LayoutLoad = async ({ data }) => ({
  ...data,
  messages: await loadMessages(data.locale)
});
