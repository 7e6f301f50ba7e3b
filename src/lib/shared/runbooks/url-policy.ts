/**
 * Which URLs runbook content may carry. The editor schema (links, images) and the Markdown and
 * HTML converters all ask these two functions, so a `javascript:` link or a tracking image
 * cannot enter a runbook through typing, pasting, importing or a crafted document update that
 * is later rendered.
 */

/** Link protocols a runbook may use. */
export const LINK_PROTOCOLS = ['http', 'https', 'mailto'] as const;

/** Characters browsers strip or ignore inside a URL scheme (tabs, newlines, controls). */
// eslint-disable-next-line no-control-regex
const IGNORED_IN_SCHEME = /[\u0000-\u0020\u007f-\u009f]/g;

/** The scheme of `url` lower-cased as a browser would read it, or null for a relative URL. */
function schemeOf(url: string): string | null {
  const cleaned = url.replace(IGNORED_IN_SCHEME, '');
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(cleaned);
  return match ? (match[1] ?? '').toLowerCase() : null;
}

/**
 * True when `href` may be a link target: http, https or mailto, an in-app path (`/w/…`), or a
 * fragment. Protocol-relative (`//host`) and every other scheme (javascript:, data:, vbscript:,
 * file:) are refused.
 */
export function isSafeLinkHref(href: string): boolean {
  const trimmed = href.trim();
  if (trimmed.length === 0 || trimmed.length > 2000) return false;
  const scheme = schemeOf(trimmed);
  if (scheme !== null) return (LINK_PROTOCOLS as readonly string[]).includes(scheme);
  if (trimmed.startsWith('//') || trimmed.startsWith('/\\') || trimmed.startsWith('\\')) {
    return false;
  }
  return trimmed.startsWith('/') || trimmed.startsWith('#');
}

/** Path of a stored file: `/api/v1/workspaces/<ws>/files/<sha256>`. */
const FILE_PATH = /^\/api\/v1\/workspaces\/[A-Za-z0-9][A-Za-z0-9_-]{0,63}\/files\/[0-9a-f]{64}$/;

/**
 * True when `src` may be an image source: a file stored by this server (see `fileUrl`) or an
 * https URL. data: and http: are refused (no inline payloads, no mixed content).
 */
export function isAllowedImageSrc(src: string): boolean {
  const trimmed = src.trim();
  if (FILE_PATH.test(trimmed)) return true;
  if (schemeOf(trimmed) !== 'https') return false;
  try {
    return new URL(trimmed).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The URL under which a stored file is served. */
export function fileUrl(workspaceId: string, fileId: string): string {
  return `/api/v1/workspaces/${workspaceId}/files/${fileId}`;
}
