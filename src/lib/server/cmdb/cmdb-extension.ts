/**
 * What the server does with every loaded `<ws>.cmdb` (ARCHITECTURE "The CMDB"):
 *
 * - **The mirror** (`cmdbMirrorExtension`): items and relations written to `cmdb_items` and
 *   `cmdb_relations` a moment after each change (db/doc-mirror.ts), for queries that must not
 *   load the document.
 * - **History** (`cmdbExtension`): who changed which field of an item, before and after, and
 *   which relations were added or removed, derived from each applied transaction and its origin
 *   (the websocket user, or the REST caller), never written by a client. Rows are inserted in
 *   batches after the transaction, never inside it.
 * - **No cycles**, even from devices that were offline: a relation a client adds that closes a
 *   cycle is removed again by the server right after the transaction, and the refusal recorded
 *   on the item's history. (The pages check before writing; two devices can still each add half
 *   of a cycle offline.) The REST API checks before it writes (cmdb-service.ts).
 */
import type * as Y from 'yjs';
import { isLocalOrigin, toUpdateOrigin } from '../../../../sync-server/update-origin';
import type { SyncExtension } from '../../../../sync-server/extensions';
import {
  CMDB_ITEMS,
  CMDB_RELATIONS,
  CmdbGraph,
  itemsMap,
  parseItemValue,
  parseRelationId,
  readItem,
  relationsMap
} from '../../shared/cmdb/cmdb-doc';
import type { CiRelation, CiValue } from '../../shared/cmdb/schema';
import { docMirrorExtension, type DocMirrorExtension, type TouchedKeys } from '../db/doc-mirror';
import type { Logger } from '../log';
import { actorOf } from '../board/activity-recorder';
import type { CmdbChanges, CmdbStore, HistoryRecord } from './cmdb-store';

/** How long touched entries wait to be mirrored with what follows. */
export const CMDB_WRITE_DELAY_MS = 200;
/** How long a failed mirror write waits before the document is written in full. */
export const CMDB_RETRY_DELAY_MS = 5_000;
/** How long history waits to be inserted with what follows. */
const HISTORY_DELAY_MS = 100;

/** The origin of the server's removal of refused relations: recorded as refused, not removed. */
const REPAIR_ORIGIN = Object.freeze({ kind: 'server' as const });

/** The items and relations `touched` names, as the document holds them now. */
export function readCmdbChanges(doc: Y.Doc, touched: TouchedKeys): CmdbChanges {
  const changes: CmdbChanges = { items: [], removedItems: [], relations: [], removedRelations: [] };
  for (const id of touched.get(CMDB_ITEMS) ?? []) {
    const item = readItem(doc, id);
    if (item) changes.items.push(item);
    else changes.removedItems.push(id);
  }
  const relations = relationsMap(doc);
  for (const key of touched.get(CMDB_RELATIONS) ?? []) {
    const relation = relations.has(key) ? parseRelationId(key) : null;
    if (relation) changes.relations.push(relation);
    else changes.removedRelations.push(key);
  }
  return changes;
}

export interface CmdbMirrorDeps {
  store: Pick<CmdbStore, 'state' | 'replaceAll' | 'apply'>;
  logger: Logger;
  delayMs?: number;
  retryDelayMs?: number;
}

/** Keeps `cmdb_items` and `cmdb_relations` in step with every loaded CMDB. */
export function cmdbMirrorExtension(deps: CmdbMirrorDeps): DocMirrorExtension {
  return docMirrorExtension<CmdbChanges>({
    name: 'cmdb-mirror',
    kind: 'cmdb',
    area: 'cmdb',
    rows: 'items and relations',
    maps: [CMDB_ITEMS, CMDB_RELATIONS],
    read: readCmdbChanges,
    count: (changes) => changes.items.length + changes.relations.length,
    store: deps.store,
    logger: deps.logger,
    delayMs: deps.delayMs ?? CMDB_WRITE_DELAY_MS,
    retryDelayMs: deps.retryDelayMs ?? CMDB_RETRY_DELAY_MS
  });
}

/** Fields whose change the history records, in this order (attributes per key). */
const HISTORY_FIELDS = ['type', 'name', 'environment', 'criticality', 'owner', 'tags'] as const;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The history entries of one item's change from `before` to `after` (null: absent). */
export function itemHistory(
  itemId: string,
  before: CiValue | null,
  after: CiValue | null,
  at: string,
  actorId: string | null
): HistoryRecord[] {
  if (before === null && after === null) return [];
  if (before === null) return [{ itemId, at, actorId, action: 'created', to: after?.name }];
  if (after === null) return [{ itemId, at, actorId, action: 'deleted', from: before.name }];
  const out: HistoryRecord[] = [];
  for (const field of HISTORY_FIELDS) {
    if (!same(before[field], after[field])) {
      out.push({
        itemId,
        at,
        actorId,
        action: 'updated',
        field,
        from: before[field],
        to: after[field]
      });
    }
  }
  const keys = new Set([...Object.keys(before.attributes), ...Object.keys(after.attributes)]);
  for (const key of [...keys].sort()) {
    const from = before.attributes[key] ?? null;
    const to = after.attributes[key] ?? null;
    if (!same(from, to)) {
      out.push({ itemId, at, actorId, action: 'updated', field: `attributes.${key}`, from, to });
    }
  }
  return out;
}

/** The history entries of a relation added or removed: one on each end. */
function relationHistory(
  relation: CiRelation,
  action: 'related' | 'unrelated' | 'refused',
  at: string,
  actorId: string | null
): HistoryRecord[] {
  return [
    {
      itemId: relation.from,
      at,
      actorId,
      action,
      field: relation.type,
      to: { item: relation.to, direction: 'out' }
    },
    {
      itemId: relation.to,
      at,
      actorId,
      action,
      field: relation.type,
      to: { item: relation.from, direction: 'in' }
    }
  ];
}

export interface CmdbExtensionDeps {
  store: Pick<CmdbStore, 'addHistory'>;
  logger: Logger;
  now?: () => number;
}

export interface CmdbExtension extends SyncExtension {
  /** Resolves when every recorded entry is written. */
  settled(): Promise<void>;
  onClose(): Promise<void>;
}

/** History and the cycle repair of every loaded CMDB (see the file's comment). */
export function cmdbExtension(deps: CmdbExtensionDeps): CmdbExtension {
  const now = deps.now ?? Date.now;
  let pending: Array<{ workspaceId: string; entries: HistoryRecord[] }> = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  const write = () => {
    timer = null;
    const batch = pending;
    pending = [];
    writing = writing.then(async () => {
      const byWorkspace = new Map<string, HistoryRecord[]>();
      for (const { workspaceId, entries } of batch) {
        byWorkspace.set(workspaceId, [...(byWorkspace.get(workspaceId) ?? []), ...entries]);
      }
      for (const [workspaceId, entries] of byWorkspace) {
        try {
          await deps.store.addHistory(workspaceId, entries);
        } catch (error) {
          deps.logger.error('cmdb: writing item history failed', {
            workspace: workspaceId,
            entries: entries.length,
            error: String(error)
          });
        }
      }
    });
  };
  const record = (workspaceId: string, entries: HistoryRecord[]) => {
    if (entries.length === 0) return;
    pending.push({ workspaceId, entries });
    if (timer === null) {
      timer = setTimeout(write, HISTORY_DELAY_MS);
      timer.unref();
    }
  };
  const settled = async () => {
    if (timer !== null) {
      clearTimeout(timer);
      write();
    }
    await writing;
  };

  return {
    name: 'cmdb',
    kinds: ['cmdb'],
    onLoad({ docName, doc }) {
      const { workspaceId } = docName;
      const items = itemsMap(doc);
      const relations = relationsMap(doc);
      const graph = CmdbGraph.ofDoc(doc);
      // Refused relations still in the document until the repair removes them: not in `graph`.
      const outsideGraph = new Set<string>();
      let destroyed = false;

      const onItems = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
        const origin = toUpdateOrigin(transaction.origin);
        // Recorded by the node where the change was made (once across nodes).
        if (!isLocalOrigin(origin)) return;
        const actorId = actorOf(origin);
        if (actorId === undefined) return;
        const at = new Date(now()).toISOString();
        const entries: HistoryRecord[] = [];
        for (const [id, change] of event.changes.keys) {
          const before = change.action === 'add' ? null : parseItemValue(change.oldValue);
          const after = change.action === 'delete' ? null : parseItemValue(items.get(id));
          entries.push(...itemHistory(id, before, after, at, actorId));
        }
        record(workspaceId, entries);
      };

      const onRelations = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
        const origin = toUpdateOrigin(transaction.origin);
        const actorId = actorOf(origin);
        const repair = transaction.origin === REPAIR_ORIGIN;
        // A peer's relations only follow into the graph in memory: the node where they were
        // made recorded their history and removed the refused ones (once across nodes).
        const at = new Date(now()).toISOString();
        const entries: HistoryRecord[] = [];
        // Keys a client wrote that are no relation at all (only a broken or hostile client
        // writes one), and relations that close a cycle: both removed again.
        const dropped: string[] = [];
        const added: CiRelation[] = [];
        for (const [key, change] of event.changes.keys) {
          const relation = parseRelationId(key);
          if (relation === null) {
            if (change.action !== 'delete' && origin.kind === 'client') dropped.push(key);
            continue;
          }
          if (change.action === 'delete') {
            if (!outsideGraph.delete(key)) graph.remove(relation.from, relation.to);
            if (actorId !== undefined && !repair) {
              entries.push(...relationHistory(relation, 'unrelated', at, actorId));
            }
          } else if (change.action === 'add') {
            added.push(relation);
          }
        }
        // The server checked its own relations before writing them; a client's are checked here.
        let refused: CiRelation[] = [];
        if (origin.kind === 'client') refused = graph.addAcyclic(added);
        else for (const relation of added) graph.add(relation.from, relation.to);
        const refusedIds = new Set(refused.map((r) => r.id));
        for (const id of refusedIds) outsideGraph.add(id);
        if (actorId !== undefined) {
          for (const relation of added) {
            if (!refusedIds.has(relation.id)) {
              entries.push(...relationHistory(relation, 'related', at, actorId));
            }
          }
        }
        record(workspaceId, entries);
        if (refused.length === 0 && dropped.length === 0) return;
        // After this transaction: a change made inside an observer would join it.
        setImmediate(() => {
          if (destroyed) return;
          doc.transact(() => {
            for (const key of dropped) relations.delete(key);
            for (const relation of refused) relations.delete(relation.id);
          }, REPAIR_ORIGIN);
          record(
            workspaceId,
            refused.flatMap((relation) => relationHistory(relation, 'refused', at, actorId ?? null))
          );
          deps.logger.info('cmdb: relations a client added were removed', {
            workspace: workspaceId,
            cycles: refused.map((r) => r.id),
            malformed: dropped.length
          });
        });
      };

      items.observe(onItems);
      relations.observe(onRelations);
      doc.once('destroy', () => {
        destroyed = true;
        items.unobserve(onItems);
        relations.unobserve(onRelations);
      });
    },
    settled,
    onClose: settled
  };
}
