/**
 * Loads a locale's messages on demand. Each catalog is its own chunk, reached only through the
 * dynamic `import()` below, so a page carries the language it shows and nothing else: the root
 * layout's load function awaits the request's locale before the first render (server and
 * hydration alike), and the language switcher awaits the other one before it switches.
 */
import type { Locale } from '../shared/locale';
import type { Messages } from './messages/en';

const loaders: Record<Locale, () => Promise<Messages>> = {
  en: async () => (await import('./messages/en')).en,
  'zh-CN': async () => (await import('./messages/zh-CN')).zhCN
};

// One promise per locale for the life of the process or page: catalogs never change at run
// time and hold no user data, so sharing them between requests is safe.
const loading = new Map<Locale, Promise<Messages>>();

/** The messages of `locale`, imported on first use and shared afterwards. */
export function loadMessages(locale: Locale): Promise<Messages> {
  let messages = loading.get(locale);
  if (messages === undefined) {
    messages = loaders[locale]();
    // A failed import (e.g. offline with an evicted cache) may be retried on the next call.
    messages.catch(() => loading.delete(locale));
    loading.set(locale, messages);
  }
  return messages;
}
