// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Locale } from '$lib/i18n/locales';

declare global {
  namespace App {
    interface Error {
      code: string;
      message: string;
    }
    interface Locals {
      locale: Locale;
    }
    // interface PageData {}
    // interface PageState {}
    // interface Platform {}
  }
}

export {};
