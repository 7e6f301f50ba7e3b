/**
 * Client hooks. `init` runs once, before SvelteKit loads the page's code to hydrate it.
 */
import type { ClientInit } from '@sveltejs/kit';
import { loadMessages } from '$lib/i18n/load-messages';
import { isLocale } from '$lib/shared/locale';

/**
 * Starts fetching the page's messages as soon as the client runs, so the request overlaps with
 * evaluating the route's modules instead of following them: the root layout's load awaits the
 * same promise. `<html lang>` is the locale the server rendered (hooks.server.ts).
 */
export const init: ClientInit = () => {
  const locale = document.documentElement.lang;
  // Not awaited: the load function reports a failure where it can be handled.
  if (isLocale(locale)) loadMessages(locale).catch(() => undefined);
};
