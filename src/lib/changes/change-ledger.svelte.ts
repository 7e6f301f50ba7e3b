/**
 * The changes part of the workspace's ledger document (`<ws>.ledger`) in the browser: the
 * server's read-only mirror of each change's state and approvals (shared/changes/ledger.ts), kept
 * in IndexedDB so board cards show their change's state offline too. The server never reads
 * this copy back; the pages still ask the REST API before acting. One connection per workspace,
 * shared by the components that use it and closed when the last lets go.
 */
import { connectDoc, type DocConnection } from '$lib/sync/connect-doc';
import { LEDGER_CHANGES, readChangeFacts, type ChangeFact } from '$lib/shared/changes/ledger';
import { ledgerDocName } from '$lib/shared/doc-name';

/** The change facts of one workspace, by change id; empty until the document has loaded. */
export class ChangeLedger {
  // Replaced whole on every change of the mirror, never changed in place.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  facts = $state.raw<ReadonlyMap<string, ChangeFact>>(new Map());
  #connection: DocConnection;
  #users = 0;

  constructor(readonly workspaceId: string) {
    this.#connection = connectDoc(ledgerDocName(workspaceId));
    const map = this.#connection.doc.getMap<unknown>(LEDGER_CHANGES);
    const read = () => {
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced whole, see above
      this.facts = new Map(readChangeFacts(this.#connection.doc).map((fact) => [fact.id, fact]));
    };
    map.observe(read);
    void this.#connection.whenLocalLoaded.then(read);
  }

  hold(): () => void {
    this.#users++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#users === 0) {
        open.delete(this.workspaceId);
        this.#connection.destroy();
      }
    };
  }
}

// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a registry, never rendered from
const open = new Map<string, ChangeLedger>();

/**
 * The change ledger of `workspaceId`, held while the calling component lives and the id is not
 * null (a page that needs it only sometimes passes null otherwise: no connection then). Call
 * during component initialisation, in the browser only (the layout's pages run their effects
 * there).
 */
export function useChangeLedger(workspaceId: () => string | null): {
  readonly current: ChangeLedger | null;
} {
  let current = $state.raw<ChangeLedger | null>(null);
  $effect(() => {
    const id = workspaceId();
    if (id === null) return;
    let ledger = open.get(id);
    if (!ledger) {
      ledger = new ChangeLedger(id);
      open.set(id, ledger);
    }
    const release = ledger.hold();
    current = ledger;
    return () => {
      current = null;
      release();
    };
  });
  return {
    get current() {
      return current;
    }
  };
}
