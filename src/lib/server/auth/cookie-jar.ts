/**
 * The cookies of one request, as the auth code needs them. SvelteKit's `Cookies` fits this
 * shape, so route code passes `event.cookies` as it is, while the auth code stays free of the
 * framework (and can be used by the admin CLI or a test with a plain object).
 */

/** Attributes of a cookie this app sets; `path` is always given, as SvelteKit requires. */
export interface CookieOptions {
  path: string;
  httpOnly?: boolean;
  sameSite?: 'lax' | 'strict' | 'none';
  secure?: boolean;
  expires?: Date;
  maxAge?: number;
}

/** Reads and writes the cookies of one request. */
export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, options: CookieOptions): void;
  delete(name: string, options: CookieOptions): void;
}
