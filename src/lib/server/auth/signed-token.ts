/**
 * Signed, expiring tokens for links and buttons that act without a session: a chat's
 * "Acknowledge" button calls back with one. The token is `<payload>.<signature>`, both base64url:
 * the payload is JSON with an expiry (`exp`, epoch ms), the signature HMAC-SHA256 under a key
 * derived for its purpose, compared in constant time. Anyone holding the token may do what it
 * names until it expires; keep them short-lived and narrow.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function sign(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** A token carrying `claims` until `expiresAt` (epoch ms). */
export function signToken(key: Buffer, claims: Record<string, string>, expiresAt: number): string {
  const payload = Buffer.from(JSON.stringify({ ...claims, exp: expiresAt })).toString('base64url');
  return `${payload}.${sign(key, payload)}`;
}

/** The claims of a valid, unexpired token; null for anything else. */
export function verifyToken(
  key: Buffer,
  token: string,
  now: number
): Record<string, string> | null {
  if (token.length > 2000) return null;
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = Buffer.from(sign(key, payload), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (typeof claims['exp'] !== 'number' || claims['exp'] <= now) return null;
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(claims)) {
      if (typeof value === 'string') out[name] = value;
    }
    return out;
  } catch {
    return null;
  }
}
