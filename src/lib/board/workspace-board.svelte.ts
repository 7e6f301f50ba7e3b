/**
 * The open workspace as its pages share it: one connection to the board document (offline
 * copy + websocket), the incremental `BoardView` over it, presence, and the member directory.
 * The workspace layout creates it in the browser and puts it in context, so moving between
 * board, list and task pages keeps one live document instead of reconnecting on every page.
 */
import { getContext, setContext } from 'svelte';
import { initBoard, listColumns } from '$lib/shared/board/board-model';
import { memberColor } from '$lib/shared/member-color';
import { can, type Role } from '$lib/shared/permissions';
import type { MemberInfo } from '$lib/shared/workspaces/schema';
import { connectDoc, readLastSyncedAt, type DocConnection } from '$lib/sync/connect-doc';
import { reapplyBoardChanges, saveBoardChanges } from './board-reset';
import { parseDocName } from '$lib/shared/doc-name';
import { isTaskDocOpen } from '$lib/sync/task-doc.svelte';
import { startTaskPrefetch } from '$lib/sync/task-prefetch';
import { Presence } from '$lib/sync/presence.svelte';
import { loadPreview, savePreview } from './board-preview';
import { BoardView } from './board-view.svelte';
import type * as Y from 'yjs';

/** The signed-in member, as the workspace layout knows them. */
export interface Me {
  id: string;
  name: string;
}

/** What the layout's server load hands over (see `routes/w/[ws]/+layout.server.ts`). */
export interface WorkspaceData {
  workspaceId: string;
  workspaceName: string;
  docName: string;
  role: Role;
  me: Me;
  members: MemberInfo[];
}

/** One open board document with everything the pages derive from it. */
export class WorkspaceBoard {
  readonly connection: DocConnection;
  readonly view: BoardView;
  readonly presence: Presence;

  readonly #describeError: (error: unknown) => string;
  #destroyed = false;
  /** Stops the task-document prefetch (task-prefetch.ts). */
  #stopPrefetch: () => void = () => {};

  /**
   * `describeError` turns a refused edit into the message shown (in the UI language); the
   * board opens its offline copy and connects once `startAfter` settles (at once without it).
   */
  constructor(
    docName: string,
    me: Me,
    describeError: (error: unknown) => string,
    startAfter?: Promise<unknown>
  ) {
    this.#describeError = describeError;
    // After a rebase of the board on the server (docs/ARCHITECTURE.md, "Rebasing a document"):
    // keep what this device changed, and re-apply it once the fresh board is synced.
    this.connection = connectDoc(docName, {
      onReset: (doc) => saveBoardChanges(doc, docName, readLastSyncedAt(docName), localStorage),
      startAfter
    });
    void this.connection.whenSynced.then(() => {
      if (!this.#destroyed) reapplyBoardChanges(this.connection.doc, docName, localStorage);
    });
    this.view = new BoardView(this.connection.doc, loadPreview(docName));
    void this.connection.whenLocalLoaded.then(() => this.view.endPreview());
    // Keep the preview of a big board for the next start; `pagehide` also fires on reloads
    // and when a phone discards the tab.
    window.addEventListener('pagehide', this.#savePreview);
    document.addEventListener('visibilitychange', this.#handleVisibility);
    this.presence = new Presence(this.connection.awareness, {
      id: me.id,
      name: me.name,
      color: memberColor(me.id)
    });
    this.#startPrefetch(docName, me.id);
  }

  /** Once the board is live (first sync), keeps offline copies of likely task documents. */
  #startPrefetch(docName: string, meId: string): void {
    const parsed = parseDocName(docName);
    if (!parsed.ok) return;
    const workspaceId = parsed.name.workspaceId;
    const status = this.connection.status;
    let stopRun: (() => void) | null = null;
    const stopWatch = $effect.root(() => {
      $effect(() => {
        if (!status.synced || stopRun !== null) return;
        stopRun = startTaskPrefetch(
          workspaceId,
          () => ({ tasks: this.view.tasks.values(), columns: this.view.columns, meId }),
          (taskId) => isTaskDocOpen(workspaceId, taskId)
        );
      });
    });
    this.#stopPrefetch = () => {
      stopWatch();
      stopRun?.();
    };
  }

  get doc(): Y.Doc {
    return this.connection.doc;
  }

  /**
   * Runs `change` as one local transaction (one update, one pending change while offline) and
   * returns the error message (translated by its code) instead of throwing, for forms to show.
   * The first edit made offline, before the server ever sent the columns, seeds the board:
   * `initBoard` uses the server's stable column ids, so both copies merge into one board.
   */
  edit(change: (doc: Y.Doc) => void): string | null {
    const { doc } = this.connection;
    try {
      doc.transact(() => {
        if (listColumns(doc).length === 0) initBoard(doc);
        change(doc);
      });
      return null;
    } catch (error) {
      return this.#describeError(error);
    }
  }

  /** The message shown for a refused edit (in the UI language), e.g. of a task document. */
  describeError(error: unknown): string {
    return this.#describeError(error);
  }

  #savePreview = (): void => {
    // Before the offline copy is loaded the view knows less than the stored preview.
    if (!this.connection.status.localLoaded) return;
    savePreview(this.connection.docName, this.view.snapshotPreview());
  };

  #handleVisibility = (): void => {
    if (document.visibilityState === 'hidden') this.#savePreview();
  };

  /** Closes the connection and stops every observer; idempotent. */
  destroy(): void {
    this.#destroyed = true;
    this.#stopPrefetch();
    this.#savePreview();
    window.removeEventListener('pagehide', this.#savePreview);
    document.removeEventListener('visibilitychange', this.#handleVisibility);
    this.presence.destroy();
    this.view.destroy();
    this.connection.destroy();
  }
}

/** The workspace as pages see it: server data always, the live board once in the browser. */
export class WorkspaceContext {
  data = $state.raw<WorkspaceData>() as WorkspaceData;
  /** Null during server rendering and before the layout's effect has run. */
  board = $state.raw<WorkspaceBoard | null>(null);

  readonly canWrite = $derived(can(this.data.role, 'tasks.write'));
  /** Members by id (active or not: former members still name their old tasks). */
  readonly membersById: Readonly<Record<string, MemberInfo>> = $derived(
    Object.fromEntries(this.data.members.map((member) => [member.userId, member]))
  );

  constructor(data: WorkspaceData) {
    this.data = data;
  }

  #boardHolds = 0;
  #boardWaiters: (() => void)[] = [];

  /**
   * Asks the board to wait before it loads (a page that can show itself without the board, so
   * the board's decoding does not hold it up: the task page). Only a board created while held
   * waits. Returns the release; idempotent.
   */
  holdBoardLoad(): () => void {
    this.#boardHolds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#boardHolds > 0) return;
      const waiters = this.#boardWaiters;
      this.#boardWaiters = [];
      for (const resume of waiters) resume();
    };
  }

  /** Settles once no page holds the board (at once when none does); see `holdBoardLoad`. */
  boardMayLoad(): Promise<void> | undefined {
    if (this.#boardHolds === 0) return undefined;
    return new Promise((resolve) => this.#boardWaiters.push(resolve));
  }

  /** The member's name, or the id itself when the directory does not know it (yet). */
  memberName(id: string): string {
    return this.membersById[id]?.name || id;
  }
}

const WORKSPACE_CONTEXT = Symbol('runboard.workspace');

/** Makes the workspace available to the layout's pages. */
export function setWorkspace(context: WorkspaceContext): WorkspaceContext {
  return setContext(WORKSPACE_CONTEXT, context);
}

/** The workspace set by `routes/w/[ws]/+layout.svelte`; throws when used outside it. */
export function getWorkspace(): WorkspaceContext {
  const context = getContext<WorkspaceContext | undefined>(WORKSPACE_CONTEXT);
  if (context === undefined) throw new Error('getWorkspace() called outside a workspace layout');
  return context;
}
