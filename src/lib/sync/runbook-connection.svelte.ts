/**
 * One open runbook in the browser: its document connection (`<ws>.runbook.<id>`, offline copy
 * + websocket), presence on that document (the same awareness carries the editor carets) and
 * the runbook's metadata as rune state, read through the shared model so title and tags are
 * co-edited like the body.
 */
import type { RunbookMeta, RunbookMetaPatchInput } from '$lib/shared/runbooks/schema';
import {
  observeRunbookMeta,
  readRunbookMeta,
  updateRunbookMeta
} from '$lib/shared/runbooks/runbook-model';
import { runbookDocName } from '$lib/shared/doc-name';
import { connectDoc, type DocConnection } from './connect-doc';
import { Presence, type PresenceUser } from './presence.svelte';

/** A runbook document opened for editing or reading. */
export class RunbookConnection {
  readonly id: string;
  readonly connection: DocConnection;
  readonly presence: Presence;
  /** Null until the document has metadata (offline copy or first sync). */
  meta = $state.raw<RunbookMeta | null>(null);

  readonly #unobserve: () => void;

  constructor(workspaceId: string, id: string, user: PresenceUser) {
    this.id = id;
    this.connection = connectDoc(runbookDocName(workspaceId, id));
    this.presence = new Presence(this.connection.awareness, user);
    this.presence.setLocation(`runbook:${id}`);
    this.#unobserve = observeRunbookMeta(this.connection.doc, () => this.#refresh());
    // The offline copy arrives without touching `meta` observers when it is already there.
    void this.connection.whenLocalLoaded.then(() => this.#refresh());
    this.#refresh();
  }

  #refresh(): void {
    try {
      this.meta =
        this.connection.doc.getMap('meta').size === 0
          ? null
          : readRunbookMeta(this.connection.doc, this.id);
    } catch {
      // A half-synced map (title not there yet) reads as "not loaded" rather than failing.
      this.meta = null;
    }
  }

  /** Applies a metadata change locally (synced like any edit); returns an error or null. */
  updateMeta(patch: RunbookMetaPatchInput, actor: string): string | null {
    try {
      updateRunbookMeta(this.connection.doc, patch, { actor });
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  /** Closes the connection and withdraws presence; idempotent. */
  destroy(): void {
    this.#unobserve();
    this.presence.destroy();
    this.connection.destroy();
  }
}
