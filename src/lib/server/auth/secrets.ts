/**
 * Random secrets and their hashes, for sessions, API tokens and invite links.
 *
 * A credential is `<id>.<secret>`: the id finds the row, only SHA-256(secret) is stored, and the
 * comparison is constant-time (lucia-auth.com's session guide). SHA-256 without a salt is
 * right here because the secret has 256 bits of entropy; passwords use scrypt (password.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE32 = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A random string over an unambiguous 32-symbol alphabet (5 bits per character). */
export function randomToken(chars: number): string {
  const bytes = randomBytes(chars);
  let out = '';
  for (let i = 0; i < chars; i++) out += BASE32.charAt(bytes[i]! & 31);
  return out;
}

/** SHA-256 of a secret, as stored. */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant-time check of `secret` against a stored hash. */
export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  const actual = hashSecret(secret);
  return actual.length === storedHash.length && timingSafeEqual(actual, storedHash);
}

export interface Credential {
  id: string;
  secret: string;
  /** What the client keeps: `<prefix><id>.<secret>`. */
  token: string;
}

/** A new credential: 20-character id (100 bits) and 52-character secret (260 bits). */
export function newCredential(prefix = ''): Credential {
  const id = randomToken(20);
  const secret = randomToken(52);
  return { id, secret, token: `${prefix}${id}.${secret}` };
}

/** Splits `<prefix><id>.<secret>`; null when the shape is wrong. */
export function parseCredential(token: string, prefix = ''): { id: string; secret: string } | null {
  if (!token.startsWith(prefix) || token.length > 200) return null;
  const body = token.slice(prefix.length);
  const dot = body.indexOf('.');
  if (dot <= 0) return null;
  const id = body.slice(0, dot);
  const secret = body.slice(dot + 1);
  if (!/^[a-z2-9]{20}$/.test(id) || !/^[a-z2-9]{52}$/.test(secret)) return null;
  return { id, secret };
}
