/**
 * Credentials at rest (docs/design.md §2, "secrets at rest"): a chat robot's URL with its access
 * token, a signing secret, an SMTP password. Sealed with AES-256-GCM under one key: a random
 * 96-bit nonce per value, the 128-bit tag checked on open, so a changed row fails loudly instead
 * of decrypting to garbage. The key is `RUNBOARD_SECRET_KEY`; without it, on the embedded store,
 * a key file created once in DATA_DIR with mode 0600. With DATABASE_URL and no key there is
 * nowhere safe to keep one, so saving a credential is refused with a message saying what to set.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../shared/model/domain-error';
import { decodeSecretKey, type Config } from '../config';

const VERSION = 'v1';
/** The key file's name in DATA_DIR (SQLite without RUNBOARD_SECRET_KEY). */
export const KEY_FILE = 'secret.key';

export class SecretBox {
  private key: Buffer | null | undefined;

  constructor(private readonly loadKey: () => Buffer | null) {}

  private requireKey(): Buffer {
    this.key ??= this.loadKey();
    if (this.key === null) {
      throw new DomainError(
        'secret_key_required',
        'credentials cannot be stored: set RUNBOARD_SECRET_KEY (32 random bytes, e.g. ' +
          '`openssl rand -base64 32`) on every node'
      );
    }
    return this.key;
  }

  /** A key for one purpose (signing chat buttons, …), derived from the secret key. */
  derive(purpose: string): Buffer {
    return createHmac('sha256', this.requireKey()).update(`runboard:${purpose}`).digest();
  }

  /** `v1:<base64 of nonce | tag | ciphertext>`. */
  seal(plain: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.requireKey(), nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** The plain value; throws when the value was changed or sealed under another key. */
  open(sealed: string): string {
    const [version, data] = sealed.split(':', 2);
    if (version !== VERSION || data === undefined) throw new Error('not a sealed value');
    const bytes = Buffer.from(data, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.requireKey(), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/**
 * The key of `config`: `RUNBOARD_SECRET_KEY`, else (SQLite) the key file in DATA_DIR, created
 * on first use with mode 0600; null with DATABASE_URL and no key.
 */
export function secretKeyLoader(config: Pick<Config, 'secretKey' | 'databaseUrl' | 'dataDir'>) {
  return (): Buffer | null => {
    if (config.secretKey) return config.secretKey;
    if (config.databaseUrl) return null;
    const path = join(config.dataDir, KEY_FILE);
    try {
      // The path is DATA_DIR (configuration) and a constant name, never input.
      // eslint-disable-next-line security/detect-non-literal-fs-filename
      writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    const key = decodeSecretKey(readFileSync(path, 'utf8').trim());
    if (key === null) throw new Error(`${path} does not hold a 32-byte key`);
    return key;
  };
}
