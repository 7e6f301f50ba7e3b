import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { DocumentStorage, StoredDocument } from './types';

export interface SqliteStorageOptions {
  /**
   * Runs a write when no other user of the same connection is inside a transaction that spans
   * awaits (the app's records layer shares the connection). Without it, an append made while
   * such a transaction is open would join it as a savepoint, and vanish if it rolled back.
   */
  exclusive?: <T>(fn: () => T) => Promise<T>;
}

/**
 * DocumentStorage on SQLite (better-sqlite3). Calls are synchronous underneath, so an append
 * is durable when its write runs, before the promise even settles.
 */
export class SqliteStorage implements DocumentStorage {
  readonly kind = 'sqlite';
  private readonly statements;
  private readonly appendMany: (name: string, updates: readonly Uint8Array[]) => number;
  private readonly compactTx: (name: string, snapshot: Uint8Array, throughSeq: number) => void;

  private readonly exclusive: <T>(fn: () => T) => Promise<T>;

  constructor(
    private readonly db: SqliteDatabase,
    options: SqliteStorageOptions = {}
  ) {
    this.exclusive = options.exclusive ?? (async (fn) => fn());
    this.statements = {
      snapshot: db.prepare<[string], { snapshot: Buffer; through_seq: number }>(
        'SELECT snapshot, through_seq FROM document_snapshots WHERE name = ?'
      ),
      updates: db.prepare<[string, number], { seq: number; data: Buffer }>(
        'SELECT seq, data FROM document_updates WHERE name = ? AND seq > ? ORDER BY seq'
      ),
      insert: db.prepare<[string, Uint8Array, number]>(
        'INSERT INTO document_updates (name, data, created_at) VALUES (?, ?, ?)'
      ),
      upsertSnapshot: db.prepare<[string, Uint8Array, number, number]>(
        `INSERT INTO document_snapshots (name, snapshot, through_seq, updated_at)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET snapshot = excluded.snapshot,
           through_seq = MAX(through_seq, excluded.through_seq), updated_at = excluded.updated_at
         WHERE document_snapshots.through_seq <= excluded.through_seq`
      ),
      deleteThrough: db.prepare<[string, number]>(
        'DELETE FROM document_updates WHERE name = ? AND seq <= ?'
      ),
      ping: db.prepare('SELECT 1')
    };
    this.appendMany = db.transaction((name: string, updates: readonly Uint8Array[]) => {
      const now = Date.now();
      let last = 0;
      for (const update of updates) {
        last = Number(this.statements.insert.run(name, update, now).lastInsertRowid);
      }
      return last;
    });
    this.compactTx = db.transaction((name: string, snapshot: Uint8Array, throughSeq: number) => {
      this.statements.upsertSnapshot.run(name, snapshot, throughSeq, Date.now());
      this.statements.deleteThrough.run(name, throughSeq);
    });
  }

  /** @inheritdoc */
  async load(name: string): Promise<StoredDocument> {
    const snap = this.statements.snapshot.get(name);
    const throughSeq = snap?.through_seq ?? 0;
    const rows = this.statements.updates.all(name, throughSeq);
    return {
      snapshot: snap ? new Uint8Array(snap.snapshot) : null,
      updates: rows.map((row) => new Uint8Array(row.data)),
      lastSeq: rows.at(-1)?.seq ?? throughSeq
    };
  }

  /** @inheritdoc */
  async append(name: string, updates: readonly Uint8Array[]): Promise<number> {
    return this.exclusive(() => this.appendMany(name, updates));
  }

  /** @inheritdoc */
  async compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    await this.exclusive(() => this.compactTx(name, snapshot, throughSeq));
  }

  /** @inheritdoc */
  async ping(): Promise<void> {
    this.statements.ping.get();
  }

  /** @inheritdoc */
  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
