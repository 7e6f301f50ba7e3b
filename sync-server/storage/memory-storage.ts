import type { DocumentStorage, StoredDocument } from './types';

interface MemoryDoc {
  snapshot: Uint8Array | null;
  throughSeq: number;
  log: { seq: number; update: Uint8Array }[];
}

/** An in-memory DocumentStorage: for tests and for nodes that keep nothing. */
export class MemoryStorage implements DocumentStorage {
  readonly kind = 'memory';
  private readonly docs = new Map<string, MemoryDoc>();
  private seq = 0;

  /** @inheritdoc */
  async load(name: string): Promise<StoredDocument> {
    const doc = this.docs.get(name);
    if (!doc) return { snapshot: null, updates: [], lastSeq: 0 };
    return {
      snapshot: doc.snapshot && doc.snapshot.slice(),
      updates: doc.log.map((entry) => entry.update.slice()),
      lastSeq: doc.log.at(-1)?.seq ?? doc.throughSeq
    };
  }

  /** @inheritdoc */
  async append(name: string, updates: readonly Uint8Array[]): Promise<number> {
    let doc = this.docs.get(name);
    if (!doc) {
      doc = { snapshot: null, throughSeq: 0, log: [] };
      this.docs.set(name, doc);
    }
    for (const update of updates) doc.log.push({ seq: ++this.seq, update: update.slice() });
    return this.seq;
  }

  /** @inheritdoc */
  async compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    let doc = this.docs.get(name);
    if (!doc) {
      doc = { snapshot: null, throughSeq: 0, log: [] };
      this.docs.set(name, doc);
    }
    // An older snapshot (lower throughSeq) never replaces a newer one: the log it relies on
    // may already be gone.
    if (throughSeq >= doc.throughSeq) {
      doc.snapshot = snapshot.slice();
      doc.throughSeq = throughSeq;
    }
    doc.log = doc.log.filter((entry) => entry.seq > throughSeq);
  }

  /** @inheritdoc */
  async ping(): Promise<void> {}

  /** @inheritdoc */
  async close(): Promise<void> {}
}
