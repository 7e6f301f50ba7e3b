/**
 * Document generations (docs/ARCHITECTURE.md, "Rebasing a document"). A rebase replaces a
 * document by a fresh one holding the same content but none of its history, so Yjs forgets the
 * tombstones of deleted entries. The old document's state vector (every client id that ever
 * wrote to it, with its clock) is retired: a client whose state vector contains one of those ids
 * holds a copy from before the rebase, and merging it would bring the old history (and every
 * deleted entry) back. The server refuses such a client with `CloseCode.DocumentReset`.
 *
 * The retired state vectors are server records (`document_generations`); a room reads them
 * once when it loads and keeps them as `RetiredClients`, so no message costs a query.
 */
import * as Y from 'yjs';
import { GENERATION_KEY, GENERATION_MAP } from '../src/lib/shared/sync-protocol';

/** One rebase of a document: the generation it started and the state vector it retired. */
export interface RetiredGeneration {
  /** The id of the generation the rebase created (in the fresh document's meta). */
  generation: string;
  /** `Y.encodeStateVector` of the document as it was just before the rebase. */
  stateVector: Uint8Array;
  /** Epoch milliseconds. */
  retiredAt: number;
}

/** Where retired generations are kept (records in the app; memory in sync-core tests). */
export interface GenerationStore {
  /** Every retired generation of `name`, oldest first. */
  list(name: string): Promise<RetiredGeneration[]>;
  /** Records a retired generation of `name`. */
  add(name: string, retired: RetiredGeneration): Promise<void>;
}

/** A GenerationStore in memory (tests, and the sync core without records). */
export class MemoryGenerationStore implements GenerationStore {
  private readonly byName = new Map<string, RetiredGeneration[]>();

  async list(name: string): Promise<RetiredGeneration[]> {
    return [...(this.byName.get(name) ?? [])];
  }

  async add(name: string, retired: RetiredGeneration): Promise<void> {
    const list = this.byName.get(name) ?? [];
    list.push({ ...retired, stateVector: new Uint8Array(retired.stateVector) });
    this.byName.set(name, list);
  }
}

/** A new generation id: 16 random hex characters. */
export function newGenerationId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The generation a document names in its meta, or null when it was never rebased. */
export function generationOf(doc: Y.Doc): string | null {
  const value = doc.getMap<unknown>(GENERATION_MAP).get(GENERATION_KEY);
  return typeof value === 'string' ? value : null;
}

/**
 * The client ids retired by the rebases of one document, as one lookup table. A record whose
 * generation is the newest but not the document's (the rebase stopped between recording it and
 * storing the fresh document) retired nothing and is left out: the stored document is still
 * the old one, and refusing its own clients would lock everyone out.
 */
export class RetiredClients {
  /** Client id → highest retired clock. */
  readonly clocks = new Map<number, number>();

  constructor(records: readonly RetiredGeneration[], currentGeneration: string | null) {
    const newest = records.at(-1);
    const effective =
      newest && newest.generation !== currentGeneration ? records.slice(0, -1) : records;
    for (const record of effective) this.add(record.stateVector);
  }

  /** Adds the clients of an encoded state vector. */
  add(stateVector: Uint8Array): void {
    for (const [client, clock] of Y.decodeStateVector(stateVector)) {
      if (clock > 0 && clock > (this.clocks.get(client) ?? 0)) this.clocks.set(client, clock);
    }
  }

  get size(): number {
    return this.clocks.size;
  }

  /** Whether an encoded state vector holds anything written by a retired client. */
  inStateVector(stateVector: Uint8Array): boolean {
    if (this.clocks.size === 0) return false;
    for (const [client, clock] of Y.decodeStateVector(stateVector)) {
      if (clock > 0 && this.clocks.has(client)) return true;
    }
    return false;
  }

  /**
   * Whether a decoded update touches a retired client: a struct it wrote, or a deletion of one.
   * Only a copy from before the rebase can hold either.
   */
  inUpdate(decoded: {
    structs: ReadonlyArray<{ id: Y.ID }>;
    ds: { clients: Map<number, unknown> };
  }): boolean {
    if (this.clocks.size === 0) return false;
    for (const struct of decoded.structs) if (this.clocks.has(struct.id.client)) return true;
    for (const client of decoded.ds.clients.keys()) if (this.clocks.has(client)) return true;
    return false;
  }
}
