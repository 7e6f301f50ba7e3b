/**
 * Runbook versions and uploaded files on both databases: versions newest first and pruned,
 * file bytes in the database (nothing written to DATA_DIR), files uploaded before still read
 * from disk.
 */
import * as Y from 'yjs';
import { describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileStore, MAX_FILE_BYTES } from '../../src/lib/server/runbooks/files-store';
import {
  MAX_AUTO_VERSIONS_PER_RUNBOOK,
  RunbookVersions
} from '../../src/lib/server/runbooks/versions-store';
import { initRunbook } from '../../src/lib/shared/runbooks/runbook-model';
import { openTestRecords, recordsBackends } from '../helpers/records';

/** A valid PNG header followed by `extra` bytes. */
function png(extra = 0): Uint8Array {
  const bytes = new Uint8Array(16 + extra);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let i = 8; i < bytes.length; i++) bytes[i] = i % 251;
  return bytes;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function runbookState(title: string): Uint8Array {
  const doc = new Y.Doc();
  initRunbook(doc, { id: 'rb', title, now: new Date('2025-01-01T00:00:00.000Z') });
  return Y.encodeStateAsUpdate(doc);
}

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`runbook versions (${backend.name})`, () => {
    test('lists newest first, also when saved within one millisecond, and returns the state', async () => {
      const versions = new RunbookVersions((await openTestRecords(backend.name)).records);
      const now = new Date('2025-03-01T10:00:00.000Z');
      const one = runbookState('one');
      const two = runbookState('two');
      const first = await versions.save(one, {
        workspaceId: 'ws',
        runbookId: 'rb',
        kind: 'named',
        name: 'first',
        createdBy: 'u1',
        now
      });
      const second = await versions.save(two, {
        workspaceId: 'ws',
        runbookId: 'rb',
        kind: 'auto',
        now
      });
      expect(second.createdAt > first.createdAt).toBe(true);
      const listed = await versions.list('ws', 'rb');
      expect(listed.map((v) => v.id)).toEqual([second.id, first.id]);
      expect(listed[1]).toEqual(first);
      expect(await versions.list('ws', 'other')).toEqual([]);
      const found = await versions.get('ws', 'rb', first.id);
      expect(found?.version).toEqual(first);
      expect(found?.state).toEqual(one);
      expect(await versions.get('other', 'rb', first.id)).toBeNull();
      expect(await versions.latestStateVector('ws', 'rb')).toEqual(
        Y.encodeStateVectorFromUpdate(two)
      );
      expect(await versions.latestStateVector('ws', 'none')).toBeNull();
    });

    test('keeps the newest automatic snapshots and every named version', async () => {
      const versions = new RunbookVersions((await openTestRecords(backend.name)).records);
      const state = runbookState('x');
      const base = Date.parse('2025-03-01T10:00:00.000Z');
      const named = await versions.save(state, {
        workspaceId: 'ws',
        runbookId: 'rb',
        kind: 'named',
        name: 'keep me',
        now: new Date(base)
      });
      const autos: string[] = [];
      for (let i = 1; i <= MAX_AUTO_VERSIONS_PER_RUNBOOK + 3; i++) {
        const saved = await versions.save(state, {
          workspaceId: 'ws',
          runbookId: 'rb',
          kind: 'auto',
          now: new Date(base + i * 1000)
        });
        autos.push(saved.id);
      }
      const listed = await versions.list('ws', 'rb');
      expect(listed).toHaveLength(MAX_AUTO_VERSIONS_PER_RUNBOOK + 1);
      expect(listed.filter((v) => v.kind === 'auto').map((v) => v.id)).toEqual(
        autos.slice(3).reverse()
      );
      expect(listed.at(-1)?.id).toBe(named.id);
    });
  });

  describe.skipIf(backend.skip)(`file store (${backend.name})`, () => {
    test('stores bytes in the database, once per content, per workspace; nothing in DATA_DIR', async () => {
      const { records, dataDir } = await openTestRecords(backend.name);
      const files = new FileStore(records, dataDir);
      const bytes = png(1000);
      const stored = await files.put('ws', 'image/png', bytes, 'u1');
      expect(stored).toEqual({ id: sha256(bytes), mime: 'image/png', bytes: bytes.byteLength });
      expect(await files.put('ws', 'image/png', bytes, 'u2')).toEqual(stored);
      const got = await files.get('ws', stored.id);
      expect(got?.mime).toBe('image/png');
      expect(new Uint8Array(got!.data)).toEqual(bytes);
      // Only members of a workspace that uploaded it get it.
      expect(await files.get('other', stored.id)).toBeNull();
      expect(await files.get('ws', 'not-a-hash')).toBeNull();
      expect(await files.get('ws', '0'.repeat(64))).toBeNull();
      expect(existsSync(join(dataDir, 'files'))).toBe(false);
      // The same bytes from another workspace: a row of its own.
      await files.put('ws2', 'image/png', bytes, null);
      expect(new Uint8Array((await files.get('ws2', stored.id))!.data)).toEqual(bytes);
      const rows = await records.db
        .selectFrom('file_contents')
        .select(['workspace_id', 'id'])
        .orderBy('workspace_id')
        .execute();
      expect(rows).toEqual([
        { workspace_id: 'ws', id: stored.id },
        { workspace_id: 'ws2', id: stored.id }
      ]);
      if (backend.name === 'postgres') expect(readdirSync(dataDir)).toEqual([]);
    });

    test('refuses other types, mismatched content, empty and oversized files', async () => {
      const { records, dataDir } = await openTestRecords(backend.name);
      const files = new FileStore(records, dataDir);
      await expect(files.put('ws', 'image/svg+xml', png(), null)).rejects.toMatchObject({
        code: 'unsupported_media_type'
      });
      await expect(files.put('ws', 'image/jpeg', png(), null)).rejects.toMatchObject({
        code: 'invalid_input'
      });
      await expect(files.put('ws', 'image/png', new Uint8Array(), null)).rejects.toMatchObject({
        code: 'invalid_input'
      });
      await expect(files.put('ws', 'image/png', png(MAX_FILE_BYTES), null)).rejects.toMatchObject({
        code: 'payload_too_large'
      });
      expect(await records.db.selectFrom('files').selectAll().execute()).toEqual([]);
    });

    test('a file uploaded before the bytes moved into the database is read from disk', async () => {
      const { records, dataDir } = await openTestRecords(backend.name);
      const files = new FileStore(records, dataDir);
      const bytes = png(64);
      const id = sha256(bytes);
      // As the store of 0.2.0 left it: a `files` row and the bytes under DATA_DIR/files.
      mkdirSync(join(dataDir, 'files', id.slice(0, 2)), { recursive: true });
      writeFileSync(join(dataDir, 'files', id.slice(0, 2), id), bytes);
      await records.db
        .insertInto('files')
        .values({
          workspace_id: 'ws',
          id,
          mime: 'image/png',
          bytes: bytes.byteLength,
          created_at: '2025-01-01T00:00:00.000Z',
          created_by: null
        })
        .execute();
      const got = await files.get('ws', id);
      expect(got?.mime).toBe('image/png');
      expect(new Uint8Array(got!.data)).toEqual(bytes);
      // A row whose bytes are nowhere reads as missing.
      const lost = sha256(png(65));
      await records.db
        .insertInto('files')
        .values({
          workspace_id: 'ws',
          id: lost,
          mime: 'image/png',
          bytes: 81,
          created_at: '2025-01-01T00:00:00.000Z',
          created_by: null
        })
        .execute();
      expect(await files.get('ws', lost)).toBeNull();
      // Uploading it again moves the bytes into the database.
      await files.put('ws', 'image/png', bytes, null);
      const moved = await records.db
        .selectFrom('file_contents')
        .select('id')
        .where('workspace_id', '=', 'ws')
        .execute();
      expect(moved).toEqual([{ id }]);
    });
  });
}
