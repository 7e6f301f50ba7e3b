/**
 * Saved states of runbooks: named versions (saved by a person) and automatic snapshots (taken
 * by the server). Each row holds the whole document as one Yjs update, so a version can be
 * viewed, compared and restored without replaying history.
 */
import * as Y from 'yjs';
import { generateId } from '../../shared/model/ids';
import type { RunbookVersion, RunbookVersionKind } from '../../shared/runbooks/schema';
import type { Records, RecordsTransaction } from '../db/records';

/** Automatic snapshots kept per runbook; older ones are pruned (named versions never are). */
export const MAX_AUTO_VERSIONS_PER_RUNBOOK = 100;

interface Row {
  id: string;
  name: string | null;
  kind: string;
  created_at: string;
  created_by: string | null;
}

function toVersion(row: Row): RunbookVersion {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as RunbookVersionKind,
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
  constructor(private readonly records: Records) {}

  /** Versions of one runbook, newest first (the order every read uses). */
  private ofRunbook(
    db: RecordsTransaction | Records['db'],
    workspaceId: string,
    runbookId: string
  ) {
    return db
      .selectFrom('runbook_versions')
      .where('workspace_id', '=', workspaceId)
      .where('runbook_id', '=', runbookId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc');
  }

  /**
   * Saves `state` (a whole document as one Yjs update, `Y.encodeStateAsUpdate`) as a version;
   * an automatic one prunes the oldest automatic ones beyond the limit, in the same
   * transaction.
   */
  async save(state: Uint8Array, input: SaveVersionInput): Promise<RunbookVersion> {
    return this.records.transaction(async (trx) => {
      const latest = await this.ofRunbook(trx, input.workspaceId, input.runbookId)
        .select('created_at')
        .limit(1)
        .executeTakeFirst();
      // Newest first is by time; a version saved in the same millisecond as the newest (or
      // behind a clock step back) is stamped a millisecond after it, so the order of saving
      // holds on both databases without a sequence column.
      let at = (input.now ?? new Date()).getTime();
      if (latest) at = Math.max(at, Date.parse(latest.created_at) + 1);
      const row: Row = {
        id: generateId(),
        name: input.name ?? null,
        kind: input.kind,
        created_at: new Date(at).toISOString(),
        created_by: input.createdBy ?? null
      };
      await trx
        .insertInto('runbook_versions')
        .values({
          ...row,
          workspace_id: input.workspaceId,
          runbook_id: input.runbookId,
          state
        })
        .execute();
      if (row.kind === 'auto') {
        const autos = await this.ofRunbook(trx, input.workspaceId, input.runbookId)
          .select('id')
          .where('kind', '=', 'auto')
          .execute();
        const pruned = autos.slice(MAX_AUTO_VERSIONS_PER_RUNBOOK).map((version) => version.id);
        if (pruned.length > 0) {
          await trx.deleteFrom('runbook_versions').where('id', 'in', pruned).execute();
        }
      }
      return toVersion(row);
    });
  }

  /** Versions of a runbook, newest first. */
  async list(workspaceId: string, runbookId: string): Promise<RunbookVersion[]> {
    const rows = await this.ofRunbook(this.records.db, workspaceId, runbookId)
      .select(['id', 'name', 'kind', 'created_at', 'created_by'])
      .execute();
    return rows.map(toVersion);
  }

  /** One version with its state (a Yjs update), or null. */
  async get(
    workspaceId: string,
    runbookId: string,
    versionId: string
  ): Promise<{ version: RunbookVersion; state: Uint8Array } | null> {
    const row = await this.ofRunbook(this.records.db, workspaceId, runbookId)
      .select(['id', 'name', 'kind', 'created_at', 'created_by', 'state'])
      .where('id', '=', versionId)
      .executeTakeFirst();
    return row ? { version: toVersion(row), state: new Uint8Array(row.state) } : null;
  }

  /** The state vector of the newest version (any kind), or null when there is none. */
  async latestStateVector(workspaceId: string, runbookId: string): Promise<Uint8Array | null> {
    const row = await this.ofRunbook(this.records.db, workspaceId, runbookId)
      .select('state')
      .limit(1)
      .executeTakeFirst();
    return row ? Y.encodeStateVectorFromUpdate(new Uint8Array(row.state)) : null;
  }
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
