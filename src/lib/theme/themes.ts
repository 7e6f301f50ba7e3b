/**
 * The colour themes and the cookie that remembers the choice. Framework-free, so the server
 * hook (which renders `<html data-theme>`), the theme switcher and tests share it.
 */

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** Name of the cookie that remembers the choice; readable by scripts (not a secret). */
export const THEME_COOKIE = 'theme';

/** One year, in seconds: how long the choice is remembered. */
export const THEME_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** True when `value` is one of `THEMES`. */
export function isTheme(value: unknown): value is Theme {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value);
}

/** The theme a cookie value stands for; anything unknown (or no cookie) follows the system. */
export function themeFromCookie(value: string | null | undefined): Theme {
  return isTheme(value) ? value : 'system';
}

/**
 * The browser UI colour (`<meta name="theme-color">`) under a system scheme: the top bar's
 * surface colour of each palette in app.css.
 */
export const THEME_COLORS = { light: '#ffffff', dark: '#161b24' } as const;

/**
 * The two `theme-color` values (for a light and a dark system scheme) under `theme`: a forced
 * theme uses its colour for both, so the browser UI matches the page.
 */
export function themeColors(theme: Theme): { light: string; dark: string } {
  if (theme === 'system') return { ...THEME_COLORS };
  return { light: THEME_COLORS[theme], dark: THEME_COLORS[theme] };
}
