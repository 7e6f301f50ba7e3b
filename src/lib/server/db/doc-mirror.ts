/**
 * Keeps records in step with the entries of a loaded document's top-level maps: the live
 * board's cards (board/card-mirror.ts) and the CMDB's items and relations (cmdb/cmdb-mirror.ts).
 * The records answer queries without loading the document; they are derived data, rebuilt from
 * the document, never backed up.
 *
 * The store keeps, per workspace, the document's state when the rows were last known to hold all
 * of it (a Yjs snapshot: state vector and delete set, so a change that only deletes counts too).
 * Per loaded document:
 *
 * - on load, when the stored state is not the document's as loaded (first load after an upgrade,
 *   a crash before the last write, a rebase, a restore), every entry is written again, after the
 *   load, never inside it;
 * - after each transaction made on this node (a client of it or its server code), the entries it
 *   touched are read a moment later (`delayMs`, with whatever follows) and written or deleted;
 *   a change relayed by another node is written by that node (once across nodes,
 *   docs/ARCHITECTURE.md), and this node's unload then leaves the stored state as it was
 *   (except while a full write here, which may land after that node's, is in flight: then this
 *   node writes it too, after);
 * - when the document unloads, what is pending is read while the document still holds it and
 *   written with its final state.
 *
 * Writes run one after another per document and never inside a Yjs transaction. A failed write
 * is logged and followed by a full write a little later; until one succeeds the stored state is
 * dropped, so the next load writes everything again. `flush(name)` writes what is pending now and
 * waits for it: a REST call that changed the document answers after the rows follow.
 */
import * as Y from 'yjs';
import type { SyncExtension } from '../../../../sync-server/extensions';
import { isLocalTransaction } from '../../../../sync-server/update-origin';
import type { DocKind } from '../../shared/doc-name';
import type { Logger } from '../log';
// Byte equality, of states here.
import { sameStateVector } from '../runbooks/versions-store';

/**
 * What a write says of the stored state: the document's state (`mirrorState`) when the rows now
 * hold all of it, null when they may not (forget the stored state), undefined to leave it.
 */
export type MirroredState = Uint8Array | null | undefined;

/** A document's state as the mirror compares it: state vector and delete set. */
export function mirrorState(doc: Y.Doc): Uint8Array {
  return Y.encodeSnapshot(Y.snapshot(doc));
}

/** Keys touched per watched map. */
export type TouchedKeys = ReadonlyMap<string, ReadonlySet<string>>;

/** The records a mirror writes, for changes of shape `C` read from the document. */
export interface MirrorStore<C> {
  /** The document's state when its rows last held all of it; null when unknown. */
  state(workspaceId: string): Promise<Uint8Array | null>;
  /** Replaces every row of the workspace with `changes`, and the state, in one transaction. */
  replaceAll(workspaceId: string, changes: C, state: Uint8Array): Promise<void>;
  /** Writes `changes` and `state`, in one transaction. */
  apply(workspaceId: string, changes: C, state?: MirroredState): Promise<void>;
}

export interface DocMirrorOptions<C> {
  /** The extension's name. */
  name: string;
  kind: DocKind;
  /** What the log calls the rows ("board: … of task cards failed"). */
  area: string;
  rows: string;
  /** The top-level maps whose entries are mirrored. */
  maps: readonly string[];
  /** The changes for the touched keys, as the document holds them now. */
  read(doc: Y.Doc, touched: TouchedKeys): C;
  store: MirrorStore<C>;
  logger: Logger;
  delayMs: number;
  retryDelayMs: number;
  /** How many rows a full write wrote (for the log). */
  count(changes: C): number;
}

/** The mirror's sync extension, with the waits for its outstanding writes. */
export interface DocMirrorExtension extends SyncExtension {
  /** Resolves when no write is queued or running any more (failures are logged). */
  settled(): Promise<void>;
  /** Writes what `docName` has pending now and resolves when its writes are done. */
  flush(docName: string): Promise<void>;
  onClose(): Promise<void>;
}

function keyCount(keys: TouchedKeys): number {
  let n = 0;
  for (const set of keys.values()) n += set.size;
  return n;
}

/** Keeps a store in step with the watched maps of every loaded document of `kind`. */
export function docMirrorExtension<C>(options: DocMirrorOptions<C>): DocMirrorExtension {
  const { delayMs, retryDelayMs, logger } = options;
  /** One write after another per document (a reload's full write after the unload's). */
  const queues = new Map<string, Promise<void>>();
  /** Per loaded document: write what is pending now. */
  const flushers = new Map<string, () => void>();

  /** Queues `write` after the document's earlier writes; `failed` runs when it throws. */
  const enqueue = (
    docName: string,
    what: string,
    write: () => Promise<void>,
    failed: () => void
  ) => {
    const previous = queues.get(docName) ?? Promise.resolve();
    const next = previous.then(write).catch((error: unknown) => {
      logger.error(`${options.area}: ${what} of ${options.rows} failed`, {
        doc: docName,
        error: String(error)
      });
      failed();
    });
    queues.set(docName, next);
    void next.then(() => {
      if (queues.get(docName) === next) queues.delete(docName);
    });
  };

  const settled = async () => {
    // A write may queue another (the load check queues the full write): wait for those too.
    while (queues.size > 0) await Promise.all([...queues.values()]);
  };

  return {
    name: options.name,
    kinds: [options.kind],
    onLoad({ name, docName, doc }) {
      const { workspaceId } = docName;
      const maps = options.maps.map((mapName) => [mapName, doc.getMap<unknown>(mapName)] as const);
      const loadedState = mirrorState(doc);
      let destroyed = false;
      // Until the load check has answered, edits only collect (a full write reads them anyway);
      // a document dropped before that (a rebase on load) writes nothing: the next load decides.
      let checked = false;
      // The next write must be a full one (the check found other rows, or a write failed).
      let needsFull = false;
      // A write failed since the rows last held the whole document: the unload forgets the state.
      let failedSinceWhole = false;
      let touched = new Map<string, Set<string>>();
      let timer: NodeJS.Timeout | null = null;
      // The state the stored rows are known to hold, once known (an unload that changes nothing
      // writes nothing).
      let storedState: Uint8Array | null = null;
      // A change relayed by another node was seen and left to that node to write (once across
      // nodes): the rows may not hold this document's state until a full write here.
      let peerSeen = false;
      // Full writes read but not yet done: one may land after the origin node's write of a peer
      // change it did not read, so such a change is written here too, after it (same content).
      let fullWrites = 0;

      const touchedCount = () => keyCount(touched);
      const touch = (mapName: string, key: string) => {
        let keys = touched.get(mapName);
        if (!keys) touched.set(mapName, (keys = new Set()));
        keys.add(key);
      };
      const onFailure = (keys: TouchedKeys) => () => {
        failedSinceWhole = true;
        if (destroyed) return;
        for (const [mapName, set] of keys) for (const key of set) touch(mapName, key);
        needsFull = true;
        schedule(retryDelayMs);
      };
      const allKeys = (): TouchedKeys =>
        new Map(maps.map(([mapName, map]) => [mapName, new Set(map.keys())]));
      /** Queues a write of every entry as the document holds them now. */
      const writeAll = () => {
        needsFull = false;
        peerSeen = false;
        touched = new Map();
        const started = Date.now();
        const changes = options.read(doc, allKeys());
        const state = mirrorState(doc);
        fullWrites++;
        enqueue(
          name,
          'mirroring',
          async () => {
            try {
              await options.store.replaceAll(workspaceId, changes, state);
            } finally {
              fullWrites--;
            }
            failedSinceWhole = false;
            storedState = state;
            logger.info(`${options.area}: ${options.rows} mirrored in full`, {
              doc: name,
              rows: options.count(changes),
              ms: Date.now() - started
            });
          },
          onFailure(new Map())
        );
      };
      /** Queues the touched entries; `final` (the unload) with the document's state. */
      const writeTouched = (final: boolean) => {
        if (touchedCount() === 0 && !final) return;
        const keys = touched;
        touched = new Map();
        // Rows of peer changes are the other node's to write: this node's final state would
        // claim them; the stored state is left as it is (a later load compares and decides).
        const state = final && !peerSeen ? mirrorState(doc) : undefined;
        if (keyCount(keys) === 0 && state !== undefined && sameStateVector(state, storedState)) {
          return;
        }
        const changes = options.read(doc, keys);
        enqueue(
          name,
          'writing',
          () => options.store.apply(workspaceId, changes, failedSinceWhole && final ? null : state),
          onFailure(keys)
        );
      };
      const write = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        if (!checked || destroyed) return;
        if (needsFull) writeAll();
        else writeTouched(false);
      };
      function schedule(ms: number) {
        if (timer !== null || destroyed) return;
        timer = setTimeout(write, ms);
        timer.unref();
      }

      const observers = maps.map(([mapName, map]) => {
        const observer = (
          events: Y.YEvent<Y.AbstractType<unknown>>[],
          transaction: Y.Transaction
        ) => {
          // Written by the node where the change was made (once across nodes).
          if (!isLocalTransaction(transaction.origin) && fullWrites === 0) {
            peerSeen = true;
            return;
          }
          for (const event of events) {
            if (event instanceof Y.YMapEvent && event.target === map) {
              for (const key of event.keysChanged) touch(mapName, key);
            } else {
              const key = event.path[0];
              if (typeof key === 'string') touch(mapName, key);
            }
          }
          if (checked && touchedCount() > 0) schedule(delayMs);
        };
        map.observeDeep(observer);
        return () => map.unobserveDeep(observer);
      });
      flushers.set(name, write);
      doc.once('destroy', () => {
        for (const unobserve of observers) unobserve();
        if (flushers.get(name) === write) flushers.delete(name);
        if (timer) clearTimeout(timer);
        timer = null;
        // Read while the document still holds its content; written on the queue.
        if (checked) {
          if (needsFull) writeAll();
          else writeTouched(true);
        }
        destroyed = true;
      });

      // After the load (the client's first sync goes first): are the rows those of the document
      // as loaded? If not, everything is written again.
      enqueue(
        name,
        'checking',
        async () => {
          await new Promise((resolve) => setImmediate(resolve));
          if (destroyed) return;
          const stored = await options.store.state(workspaceId);
          if (destroyed) return;
          checked = true;
          if (sameStateVector(stored, loadedState)) {
            storedState = stored;
            if (touchedCount() > 0) schedule(delayMs);
          } else {
            writeAll();
          }
        },
        () => {
          if (destroyed) return;
          checked = true;
          needsFull = true;
          schedule(retryDelayMs);
        }
      );
    },
    settled,
    async flush(docName) {
      // Twice: a flush before the load check has answered writes nothing, the one after does.
      for (let round = 0; round < 2; round++) {
        flushers.get(docName)?.();
        while (queues.has(docName)) await queues.get(docName);
      }
    },
    onClose: settled
  };
}
