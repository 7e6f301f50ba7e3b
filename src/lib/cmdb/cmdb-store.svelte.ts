/**
 * The open CMDB of a workspace in the browser: one connection to `<ws>.cmdb` (offline copy in
 * IndexedDB + websocket, like the board), the incremental `CmdbIndex` over it, and the checked
 * edits of `cmdb-writes.ts`. The CMDB layout creates it and puts it in context, so the list and
 * the item pages share one live document. Pages read `version` to re-derive after a change: the
 * index itself is plain (20,000 items as deep rune state would cost more than they give).
 */
import { getContext, setContext } from 'svelte';
import { cmdbDocName } from '$lib/shared/doc-name';
import type { CiCreate, CiType, RelationType } from '$lib/shared/cmdb/schema';
import { connectDoc, type DocConnection } from '$lib/sync/connect-doc';
import { CmdbIndex } from './cmdb-index';
import {
  CmdbWriteError,
  addRelation,
  createItem,
  deleteCustomType,
  removeItem,
  removeRelation,
  saveCustomType,
  updateItem
} from './cmdb-writes';

/** An edit's outcome: its value, or why it was refused (nothing was written then). */
export type WriteResult<T> = { ok: true; value: T } | { ok: false; error: CmdbWriteError };

/** One open CMDB document with its index. */
export class CmdbStore {
  readonly connection: DocConnection;
  readonly index: CmdbIndex;
  /** Bumped once per batch of changes the index took in (read it to depend on the CMDB). */
  version = $state(0);
  /** True once the offline copy is in (or there was none). */
  localLoaded = $state(false);

  #scheduled = false;
  readonly #stopListening: () => void;

  constructor(workspaceId: string) {
    this.connection = connectDoc(cmdbDocName(workspaceId));
    this.index = new CmdbIndex(this.connection.doc);
    // One re-derive per burst: a synced batch of thousands of keys fires many Y events.
    this.#stopListening = this.index.onChange(() => {
      if (this.#scheduled) return;
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        this.version++;
      });
    });
    void this.connection.whenLocalLoaded.then(() => (this.localLoaded = true));
  }

  /** Whether the CMDB still waits for its first content (no copy, no sync yet). */
  get loading(): boolean {
    const status = this.connection.status;
    return (
      this.index.size === 0 &&
      (!this.localLoaded ||
        (status.state !== 'refused' && !status.synced && status.state !== 'offline'))
    );
  }

  #write<T>(change: () => T): WriteResult<T> {
    try {
      let value!: T;
      this.connection.doc.transact(() => {
        value = change();
      });
      return { ok: true, value };
    } catch (error) {
      if (error instanceof CmdbWriteError) return { ok: false, error };
      throw error;
    }
  }

  createItem(input: CiCreate): WriteResult<string> {
    return this.#write(() => createItem(this.connection.doc, this.index, input));
  }

  updateItem(id: string, input: CiCreate): WriteResult<void> {
    return this.#write(() => updateItem(this.connection.doc, this.index, id, input));
  }

  deleteItem(id: string): WriteResult<void> {
    return this.#write(() => removeItem(this.connection.doc, this.index, id));
  }

  addRelation(from: string, to: string, type: RelationType): WriteResult<string> {
    return this.#write(() => addRelation(this.connection.doc, this.index, from, to, type));
  }

  removeRelation(key: string): WriteResult<void> {
    return this.#write(() => removeRelation(this.connection.doc, key));
  }

  saveCustomType(name: string, type: CiType, creating: boolean): WriteResult<void> {
    return this.#write(() =>
      saveCustomType(this.connection.doc, this.index, name, type, { creating })
    );
  }

  deleteCustomType(name: string): WriteResult<void> {
    return this.#write(() => deleteCustomType(this.connection.doc, this.index, name));
  }

  /** Stops observing and closes the connection; idempotent. */
  destroy(): void {
    this.#stopListening();
    this.index.destroy();
    this.connection.destroy();
  }
}

/** The CMDB pages' shared state: null during server rendering and before the layout's effect. */
export class CmdbContext {
  store = $state.raw<CmdbStore | null>(null);
}

const CMDB_CONTEXT = Symbol('runboard.cmdb');

/** Makes the CMDB available to the pages under `routes/w/[ws]/cmdb`. */
export function setCmdb(context: CmdbContext): CmdbContext {
  return setContext(CMDB_CONTEXT, context);
}

/** The CMDB set by `routes/w/[ws]/cmdb/+layout.svelte`; throws when used outside it. */
export function getCmdb(): CmdbContext {
  const context = getContext<CmdbContext | undefined>(CMDB_CONTEXT);
  if (context === undefined) throw new Error('getCmdb() called outside the CMDB layout');
  return context;
}
