/**
 * Saved states of runbooks: named versions (saved by a person) and automatic snapshots (taken
 * by the server). Each row holds the whole document as one Yjs update, so a version can be
 * viewed, compared and restored without replaying history.
 */
import * as Y from 'yjs';
import { generateId } from '../../shared/model/ids';
import type { RunbookVersion, RunbookVersionKind } from '../../shared/runbooks/schema';
import type { SqliteDatabase } from '../db/sqlite';

/** Automatic snapshots kept per runbook; older ones are pruned (named versions never are). */
export const MAX_AUTO_VERSIONS_PER_RUNBOOK = 100;

interface Row {
  id: string;
  name: string | null;
  kind: RunbookVersionKind;
  created_at: string;
  created_by: string | null;
}

function toVersion(row: Row): RunbookVersion {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    createdAt: row.created_at,
    createdBy: row.created_by
  };
}

export interface SaveVersionInput {
  workspaceId: string;
  runbookId: string;
  kind: RunbookVersionKind;
  name?: string | null;
  createdBy?: string | null;
  now?: Date;
}

/** The version store of one database. */
export class RunbookVersions {
  constructor(private readonly db: SqliteDatabase) {}

  /** Saves the current state of `doc` as a version. */
  save(doc: Y.Doc, input: SaveVersionInput): RunbookVersion {
    const row: Row = {
      id: generateId(),
      name: input.name ?? null,
      kind: input.kind,
      created_at: (input.now ?? new Date()).toISOString(),
      created_by: input.createdBy ?? null
    };
    const state = Y.encodeStateAsUpdate(doc);
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO runbook_versions
             (id, workspace_id, runbook_id, name, kind, created_at, created_by, state)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
        )
        .run(
          row.id,
          input.workspaceId,
          input.runbookId,
          row.name,
          row.kind,
          row.created_at,
          row.created_by,
          state
        );
      if (row.kind === 'auto') {
        this.db
          .prepare(
            `DELETE FROM runbook_versions WHERE id IN (
               SELECT id FROM runbook_versions
               WHERE workspace_id = ? AND runbook_id = ? AND kind = 'auto'
               ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?)`
          )
          .run(input.workspaceId, input.runbookId, MAX_AUTO_VERSIONS_PER_RUNBOOK);
      }
    })();
    return toVersion(row);
  }

  /** Versions of a runbook, newest first. */
  list(workspaceId: string, runbookId: string): RunbookVersion[] {
    return this.db
      .prepare<[string, string], Row>(
        `SELECT id, name, kind, created_at, created_by FROM runbook_versions
         WHERE workspace_id = ? AND runbook_id = ? ORDER BY created_at DESC, rowid DESC`
      )
      .all(workspaceId, runbookId)
      .map(toVersion);
  }

  /** One version with its state (a Yjs update), or null. */
  get(
    workspaceId: string,
    runbookId: string,
    versionId: string
  ): { version: RunbookVersion; state: Uint8Array } | null {
    const row = this.db
      .prepare<[string, string, string], Row & { state: Buffer }>(
        `SELECT id, name, kind, created_at, created_by, state FROM runbook_versions
         WHERE workspace_id = ? AND runbook_id = ? AND id = ?`
      )
      .get(workspaceId, runbookId, versionId);
    return row ? { version: toVersion(row), state: new Uint8Array(row.state) } : null;
  }

  /** The state vector of the newest version (any kind), or null when there is none. */
  latestStateVector(workspaceId: string, runbookId: string): Uint8Array | null {
    const row = this.db
      .prepare<[string, string], { state: Buffer }>(
        `SELECT state FROM runbook_versions WHERE workspace_id = ? AND runbook_id = ?
         ORDER BY created_at DESC, rowid DESC LIMIT 1`
      )
      .get(workspaceId, runbookId);
    return row ? Y.encodeStateVectorFromUpdate(new Uint8Array(row.state)) : null;
  }
}

const stores = new WeakMap<SqliteDatabase, RunbookVersions>();

/** The version store of `db` (one instance per database). */
export function runbookVersionsFor(db: SqliteDatabase): RunbookVersions {
  let store = stores.get(db);
  if (!store) {
    store = new RunbookVersions(db);
    stores.set(db, store);
  }
  return store;
}

/** True when two state vectors are byte-equal (nothing changed between them). */
export function sameStateVector(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.byteLength !== b.byteLength) return false;
  return a.every((byte, i) => byte === b[i]);
}

/** A detached document holding a version's state (for reading its content). */
export function docFromState(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
}
