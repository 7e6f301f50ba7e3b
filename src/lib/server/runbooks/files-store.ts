/**
 * Uploaded files (runbook images): addressed by their sha256, one row per workspace that
 * uploaded them so a file is served only to members of a workspace that holds it. The bytes
 * live in the database (`file_contents`), so every node serves every file and, with
 * DATABASE_URL, nothing lives in DATA_DIR. Files uploaded before that kept their bytes on disk
 * under DATA_DIR/files/<first two hex digits>/<sha256>; reading still finds them there.
 */

/* eslint-disable security/detect-non-literal-fs-filename -- the one path here is
   DATA_DIR/files/<2 hex>/<sha256 hex>, with the id checked against FILE_ID first, so no
   request text ever reaches a file name. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../../shared/model/domain-error';
import type { Records } from '../db/records';

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

/** The file store of one database (and the DATA_DIR of files uploaded before). */
export class FileStore {
  private readonly legacyRoot: string;

  /** `dataDir`: where files uploaded before the bytes moved into the database still are. */
  constructor(
    private readonly records: Records,
    dataDir: string
  ) {
    this.legacyRoot = join(dataDir, 'files');
  }

  /** Stores `bytes` for a workspace; the same content twice is stored once. */
  async put(
    workspaceId: string,
    mime: string,
    bytes: Uint8Array,
    createdBy: string | null,
    now: Date = new Date()
  ): Promise<StoredFile> {
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
    await this.records.transaction(async (trx) => {
      await trx
        .insertInto('files')
        .values({
          workspace_id: workspaceId,
          id,
          mime,
          bytes: bytes.byteLength,
          created_at: now.toISOString(),
          created_by: createdBy
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'id']).doNothing())
        .execute();
      // Also for a file uploaded before, whose bytes were on disk: they move in now.
      await trx
        .insertInto('file_contents')
        .values({ workspace_id: workspaceId, id, data: bytes })
        .onConflict((oc) => oc.columns(['workspace_id', 'id']).doNothing())
        .execute();
    });
    return { id, mime, bytes: bytes.byteLength };
  }

  /** A file of the workspace with its bytes, or null. */
  async get(workspaceId: string, id: string): Promise<(StoredFile & { data: Buffer }) | null> {
    if (!FILE_ID.test(id)) return null;
    const row = await this.records.db
      .selectFrom('files as f')
      .leftJoin('file_contents as c', (join) =>
        join.onRef('c.workspace_id', '=', 'f.workspace_id').onRef('c.id', '=', 'f.id')
      )
      .select(['f.mime', 'f.bytes', 'c.data'])
      .where('f.workspace_id', '=', workspaceId)
      .where('f.id', '=', id)
      .executeTakeFirst();
    if (!row || !isAllowedFileType(row.mime)) return null;
    const data = row.data
      ? Buffer.isBuffer(row.data)
        ? row.data
        : Buffer.from(row.data)
      : await this.readLegacy(id);
    if (!data) return null;
    return { id, mime: row.mime, bytes: row.bytes, data };
  }

  /** The bytes of a file uploaded before they moved into the database, or null. */
  private async readLegacy(id: string): Promise<Buffer | null> {
    try {
      return await readFile(join(this.legacyRoot, id.slice(0, 2), id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
}
