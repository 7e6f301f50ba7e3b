// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Locale } from '$lib/shared/locale';
import type { Caller } from '$lib/server/auth/authenticate';

declare global {
  namespace App {
    interface Error {
      code: string;
      message: string;
    }
    interface Locals {
      locale: Locale;
      /** The signed-in user (session cookie) or API token caller; null when anonymous. */
      caller: Caller | null;
    }
    // interface PageData {}
    // interface PageState {}
    // interface Platform {}
  }
}

export {};
