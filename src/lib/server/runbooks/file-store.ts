/**
 * Uploaded files (runbook images): content-addressed by sha256, bytes on disk under
 * DATA_DIR/files/<first two hex digits>/<sha256>, one row per workspace that uploaded them so a
 * file is served only to members of a workspace that holds it.
 */
/* eslint-disable security/detect-non-literal-fs-filename -- every path here is
   DATA_DIR/files/<2 hex>/<sha256 hex>: ids are computed by sha256 on write and checked against
   FILE_ID on read, so no request text ever reaches a file name. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../shared/model/domain-error';
import type { SqliteDatabase } from '../db/sqlite';

/** Image types accepted for upload; anything else could be rendered as a page by a browser. */
export const ALLOWED_FILE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type AllowedFileType = (typeof ALLOWED_FILE_TYPES)[number];

/** Largest upload, in bytes (5 MiB). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

const FILE_ID = /^[0-9a-f]{64}$/;

/** Magic numbers of the accepted types: the bytes must be what the Content-Type says. */
function sniff(bytes: Uint8Array): AllowedFileType | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes.length >= 12) {
    const webp = String.fromCharCode(...bytes.slice(8, 12));
    if (webp === 'WEBP') return 'image/webp';
  }
  return null;
}

/** True for an allowed upload type. */
export function isAllowedFileType(value: string): value is AllowedFileType {
  return (ALLOWED_FILE_TYPES as readonly string[]).includes(value);
}

export interface StoredFile {
  id: string;
  mime: AllowedFileType;
  bytes: number;
}

/** The file store of one DATA_DIR and database. */
export class FileStore {
  private readonly root: string;

  constructor(
    private readonly db: SqliteDatabase,
    dataDir: string
  ) {
    this.root = join(dataDir, 'files');
  }

  private pathOf(id: string): string {
    return join(this.root, id.slice(0, 2), id);
  }

  /** Stores `bytes` for a workspace; the same content twice is stored once. */
  put(
    workspaceId: string,
    mime: string,
    bytes: Uint8Array,
    createdBy: string | null,
    now: Date = new Date()
  ): StoredFile {
    if (!isAllowedFileType(mime)) {
      throw new DomainError(
        'unsupported_media_type',
        `files must be ${ALLOWED_FILE_TYPES.join(', ')}`
      );
    }
    if (bytes.byteLength > MAX_FILE_BYTES) {
      throw new DomainError('payload_too_large', `files are limited to ${MAX_FILE_BYTES} bytes`);
    }
    if (bytes.byteLength === 0) throw new DomainError('invalid_input', 'the file is empty');
    if (sniff(bytes) !== mime) {
      throw new DomainError('invalid_input', `the content is not a ${mime} image`);
    }
    const id = createHash('sha256').update(bytes).digest('hex');
    const path = this.pathOf(id);
    if (!existsSync(path)) {
      mkdirSync(join(this.root, id.slice(0, 2)), { recursive: true });
      // Write then rename: a crash never leaves a half-written file under the final name.
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, bytes);
      renameSync(temp, path);
    }
    this.db
      .prepare(
        `INSERT INTO files (workspace_id, id, mime, bytes, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, id) DO NOTHING`
      )
      .run(workspaceId, id, mime, bytes.byteLength, now.toISOString(), createdBy);
    return { id, mime, bytes: bytes.byteLength };
  }

  /** A file of the workspace with its bytes, or null. */
  get(workspaceId: string, id: string): (StoredFile & { data: Buffer }) | null {
    if (!FILE_ID.test(id)) return null;
    const row = this.db
      .prepare<[string, string], { mime: string; bytes: number }>(
        'SELECT mime, bytes FROM files WHERE workspace_id = ? AND id = ?'
      )
      .get(workspaceId, id);
    if (!row || !isAllowedFileType(row.mime)) return null;
    const path = this.pathOf(id);
    if (!existsSync(path)) return null;
    return { id, mime: row.mime, bytes: row.bytes, data: readFileSync(path) };
  }
}

const stores = new WeakMap<SqliteDatabase, FileStore>();

/** The file store of `db` in `dataDir` (one instance per database). */
export function fileStoreFor(db: SqliteDatabase, dataDir: string): FileStore {
  let store = stores.get(db);
  if (!store) {
    store = new FileStore(db, dataDir);
    stores.set(db, store);
  }
  return store;
}
