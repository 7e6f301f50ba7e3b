/**
 * Change management's records (migration 15): changes, their items, approvals and transition
 * log, freezes, policies, incident causes and items; plus the small reads of the CMDB's mirrored
 * tables (migration 14) that conflict and "what changed" queries need. Rows in, rows out; the
 * rules are in changes-service.ts, which runs them inside `transaction` so two decisions on one
 * change happen one after the other.
 */
import type { Selectable } from 'kysely';
import {
  changePolicySchema,
  DEFAULT_CHANGE_POLICY,
  type ApprovalDecision,
  type ApprovalKind,
  type ChangePolicy,
  type ChangeRisk,
  type ChangeState,
  type ChangeType
} from '../../shared/changes/schema';
import type { Records, RecordsDb, RecordsTransaction } from '../db/records';
import type { ChangesTable, FreezesTable } from '../db/schema';

export interface ChangeRecord {
  id: string;
  workspaceId: string;
  taskKey: string | null;
  title: string;
  type: ChangeType;
  state: ChangeState;
  risk: ChangeRisk;
  impact: string;
  windowStart: string;
  windowEnd: string;
  timeZone: string;
  requesterId: string;
  approvers: string[];
  /** The state last written to the board card; '' before the card exists. */
  boardState: ChangeState | '';
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  approvedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ApprovalRecord {
  changeId: string;
  /** '' for the server's automatic approval. */
  userId: string;
  kind: ApprovalKind;
  decision: ApprovalDecision;
  role: string | null;
  comment: string | null;
  at: string;
}

export interface ChangeEventRecord {
  seq: number;
  changeId: string;
  from: ChangeState;
  to: ChangeState;
  actor: string | null;
  comment: string | null;
  at: string;
}

export interface FreezeRecord {
  id: string;
  workspaceId: string;
  startsAt: string;
  endsAt: string;
  reason: string;
  environments: string[] | null;
  createdBy: string | null;
  createdAt: string;
}

/** What change rules need of a configuration item (from the CMDB's mirrored rows). */
export interface ItemFacts {
  id: string;
  name: string;
  environment: string | null;
  criticality: string;
  owner: string | null;
}

export interface ChangeListQuery {
  from?: string;
  to?: string;
  state?: ChangeState;
  type?: ChangeType;
  limit: number;
  offset: number;
}

function strings(raw: string | null): string[] {
  if (raw === null) return [];
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

function changeOf(row: Selectable<ChangesTable>): ChangeRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    taskKey: row.task_key,
    title: row.title,
    type: row.type as ChangeType,
    state: row.state as ChangeState,
    risk: row.risk as ChangeRisk,
    impact: row.impact,
    windowStart: row.window_start,
    windowEnd: row.window_end,
    timeZone: row.time_zone,
    requesterId: row.requester_id,
    approvers: strings(row.approvers),
    boardState: row.board_state as ChangeState | '',
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
    approvedAt: row.approved_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at
  };
}

function changeRow(record: ChangeRecord): Selectable<ChangesTable> {
  return {
    id: record.id,
    workspace_id: record.workspaceId,
    task_key: record.taskKey,
    title: record.title,
    type: record.type,
    state: record.state,
    risk: record.risk,
    impact: record.impact,
    window_start: record.windowStart,
    window_end: record.windowEnd,
    time_zone: record.timeZone,
    requester_id: record.requesterId,
    approvers: JSON.stringify(record.approvers),
    board_state: record.boardState,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    submitted_at: record.submittedAt,
    approved_at: record.approvedAt,
    started_at: record.startedAt,
    finished_at: record.finishedAt
  };
}

function freezeOf(row: Selectable<FreezesTable>): FreezeRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    reason: row.reason,
    environments: row.environments === null ? null : strings(row.environments),
    createdBy: row.created_by,
    createdAt: row.created_at
  };
}

/** States that are not final, for conflict queries. */
const OPEN_STATES: readonly ChangeState[] = [
  'draft',
  'submitted',
  'approved',
  'scheduled',
  'in_progress'
];

/** The row operations, on the database or inside a transaction. */
export class ChangeRecords {
  constructor(protected readonly db: RecordsDb | RecordsTransaction) {}

  async change(workspaceId: string, id: string): Promise<ChangeRecord | null> {
    const row = await this.db
      .selectFrom('changes')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? changeOf(row) : null;
  }

  async changeByKey(workspaceId: string, key: string): Promise<ChangeRecord | null> {
    const row = await this.db
      .selectFrom('changes')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('task_key', '=', key.toUpperCase())
      .executeTakeFirst();
    return row ? changeOf(row) : null;
  }

  async changeById(id: string): Promise<ChangeRecord | null> {
    const row = await this.db
      .selectFrom('changes')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? changeOf(row) : null;
  }

  async insertChange(record: ChangeRecord, items: readonly string[]): Promise<void> {
    await this.db.insertInto('changes').values(changeRow(record)).execute();
    await this.setItems(record.workspaceId, record.id, items);
  }

  async updateChange(record: ChangeRecord): Promise<void> {
    const { id: _id, ...row } = changeRow(record);
    await this.db.updateTable('changes').set(row).where('id', '=', record.id).execute();
  }

  async setItems(workspaceId: string, changeId: string, items: readonly string[]): Promise<void> {
    await this.db.deleteFrom('change_items').where('change_id', '=', changeId).execute();
    const unique = [...new Set(items)];
    if (unique.length === 0) return;
    await this.db
      .insertInto('change_items')
      .values(
        unique.map((itemId) => ({
          change_id: changeId,
          workspace_id: workspaceId,
          item_id: itemId
        }))
      )
      .execute();
  }

  async items(changeId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('change_items')
      .select('item_id')
      .where('change_id', '=', changeId)
      .orderBy('item_id')
      .execute();
    return rows.map((row) => row.item_id);
  }

  /** The changes that name a configuration item, latest window first (the item's history). */
  async changesOnItem(
    workspaceId: string,
    itemId: string,
    limit = 100
  ): Promise<
    Array<{
      id: string;
      key: string | null;
      title: string;
      state: string;
      windowStart: string | null;
      windowEnd: string | null;
    }>
  > {
    const rows = await this.db
      .selectFrom('change_items')
      .innerJoin('changes', 'changes.id', 'change_items.change_id')
      .select(['changes.id', 'changes.task_key', 'changes.title', 'changes.state'])
      .select(['changes.window_start', 'changes.window_end'])
      .where('change_items.workspace_id', '=', workspaceId)
      .where('change_items.item_id', '=', itemId)
      .orderBy('changes.window_start', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      key: row.task_key,
      title: row.title,
      state: row.state,
      windowStart: row.window_start,
      windowEnd: row.window_end
    }));
  }

  async itemsOf(changeIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (let i = 0; i < changeIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('change_items')
        .select(['change_id', 'item_id'])
        .where('change_id', 'in', changeIds.slice(i, i + 500))
        .orderBy('item_id')
        .execute();
      for (const row of rows)
        out.set(row.change_id, [...(out.get(row.change_id) ?? []), row.item_id]);
    }
    return out;
  }

  async approvals(changeId: string): Promise<ApprovalRecord[]> {
    const rows = await this.db
      .selectFrom('change_approvals')
      .selectAll()
      .where('change_id', '=', changeId)
      .orderBy('at')
      .orderBy('user_id')
      .execute();
    return rows.map((row) => ({
      changeId: row.change_id,
      userId: row.user_id,
      kind: row.kind as ApprovalKind,
      decision: row.decision as ApprovalDecision,
      role: row.role,
      comment: row.comment,
      at: row.at
    }));
  }

  async insertApproval(record: ApprovalRecord): Promise<void> {
    await this.db
      .insertInto('change_approvals')
      .values({
        change_id: record.changeId,
        user_id: record.userId,
        kind: record.kind,
        decision: record.decision,
        role: record.role,
        comment: record.comment,
        at: record.at
      })
      .execute();
  }

  /** Adds to the transition log; answers the event's number. */
  async addEvent(event: Omit<ChangeEventRecord, 'seq'>): Promise<number> {
    const row = await this.db
      .insertInto('change_events')
      .values({
        change_id: event.changeId,
        from_state: event.from,
        to_state: event.to,
        actor: event.actor,
        comment: event.comment,
        at: event.at
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    return Number(row.seq);
  }

  async events(changeId: string): Promise<ChangeEventRecord[]> {
    const rows = await this.db
      .selectFrom('change_events')
      .selectAll()
      .where('change_id', '=', changeId)
      .orderBy('seq')
      .execute();
    return rows.map((row) => ({
      seq: Number(row.seq),
      changeId: row.change_id,
      from: row.from_state as ChangeState,
      to: row.to_state as ChangeState,
      actor: row.actor,
      comment: row.comment,
      at: row.at
    }));
  }

  /** Freezes of the workspace that overlap [start, end). */
  async freezesOverlapping(
    workspaceId: string,
    start: string,
    end: string
  ): Promise<FreezeRecord[]> {
    const rows = await this.db
      .selectFrom('freezes')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('starts_at', '<', end)
      .where('ends_at', '>', start)
      .orderBy('starts_at')
      .execute();
    return rows.map(freezeOf);
  }

  /** The items' facts as the CMDB last mirrored them; unknown ids are left out. */
  async itemFacts(workspaceId: string, ids: readonly string[]): Promise<ItemFacts[]> {
    if (ids.length === 0) return [];
    const out: ItemFacts[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('cmdb_items')
        .select(['id', 'name', 'environment', 'criticality', 'owner'])
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      out.push(...rows);
    }
    return out;
  }

  /**
   * Changes that are not final, other than `exceptId`, whose windows overlap [start, end) and
   * that touch any of `items`: each with the items it shares.
   */
  async openChangesOn(
    workspaceId: string,
    items: readonly string[],
    start: string,
    end: string,
    exceptId: string
  ): Promise<{ change: ChangeRecord; items: string[] }[]> {
    if (items.length === 0) return [];
    const byChange = new Map<string, { change: ChangeRecord; items: string[] }>();
    for (let i = 0; i < items.length; i += 500) {
      const rows = await this.db
        .selectFrom('change_items')
        .innerJoin('changes', 'changes.id', 'change_items.change_id')
        .selectAll('changes')
        .select('change_items.item_id as item_id')
        .where('change_items.workspace_id', '=', workspaceId)
        .where('change_items.item_id', 'in', items.slice(i, i + 500))
        .where('changes.id', '!=', exceptId)
        .where('changes.state', 'in', OPEN_STATES)
        .where('changes.window_start', '<', end)
        .where('changes.window_end', '>', start)
        .execute();
      for (const row of rows) {
        const { item_id, ...change } = row;
        const entry = byChange.get(change.id) ?? { change: changeOf(change), items: [] };
        entry.items.push(item_id);
        byChange.set(change.id, entry);
      }
    }
    return [...byChange.values()];
  }

  async policy(workspaceId: string): Promise<ChangePolicy> {
    const row = await this.db
      .selectFrom('change_policies')
      .select('policy')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!row) return DEFAULT_CHANGE_POLICY;
    try {
      return changePolicySchema.parse(JSON.parse(row.policy));
    } catch {
      // A damaged policy is the default, never "no rules".
      return DEFAULT_CHANGE_POLICY;
    }
  }

  async isCause(changeId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('incident_change_causes')
      .select('incident_id')
      .where('change_id', '=', changeId)
      .orderBy('incident_id')
      .execute();
    return rows.map((row) => row.incident_id);
  }
}

export class ChangesStore extends ChangeRecords {
  constructor(private readonly records: Records) {
    super(records.db);
  }

  /**
   * Runs `fn` in one transaction that no other transaction with the same `lockKey` (the
   * change's id) overlaps: two approvals of one change are decided one after the other.
   */
  transaction<T>(
    lockKey: string,
    fn: (tx: ChangeRecords, trx: RecordsTransaction) => Promise<T>
  ): Promise<T> {
    return this.records.transaction(async (trx) => {
      await this.records.queries.transactionLock(`change:${lockKey}`).execute(trx);
      return fn(new ChangeRecords(trx), trx);
    });
  }

  /** A page of changes, by window start, and how many match. */
  async listChanges(
    workspaceId: string,
    query: ChangeListQuery
  ): Promise<{ items: ChangeRecord[]; total: number }> {
    let base = this.db.selectFrom('changes').where('workspace_id', '=', workspaceId);
    if (query.from !== undefined) base = base.where('window_end', '>', query.from);
    if (query.to !== undefined) base = base.where('window_start', '<', query.to);
    if (query.state !== undefined) base = base.where('state', '=', query.state);
    if (query.type !== undefined) base = base.where('type', '=', query.type);
    const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await base
      .selectAll()
      .orderBy('window_start')
      .orderBy('id')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    return { items: rows.map(changeOf), total: Number(count?.n ?? 0) };
  }

  /** Changes whose card does not show their state (start-up, retries). */
  async changesBehindBoard(limit = 100): Promise<ChangeRecord[]> {
    const rows = await this.db
      .selectFrom('changes')
      .selectAll()
      .whereRef('board_state', '!=', 'state')
      .limit(limit)
      .execute();
    return rows.map(changeOf);
  }

  async setBoardState(id: string, state: ChangeState, taskKey: string | null): Promise<void> {
    await this.db
      .updateTable('changes')
      .set({ board_state: state, task_key: taskKey })
      .where('id', '=', id)
      .execute();
  }

  async setPolicy(
    workspaceId: string,
    policy: ChangePolicy,
    at: string,
    by: string | null
  ): Promise<void> {
    const values = { policy: JSON.stringify(policy), updated_at: at, updated_by: by };
    await this.db
      .insertInto('change_policies')
      .values({ workspace_id: workspaceId, ...values })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
      .execute();
  }

  async createFreeze(record: FreezeRecord): Promise<void> {
    await this.db
      .insertInto('freezes')
      .values({
        id: record.id,
        workspace_id: record.workspaceId,
        starts_at: record.startsAt,
        ends_at: record.endsAt,
        reason: record.reason,
        environments: record.environments === null ? null : JSON.stringify(record.environments),
        created_by: record.createdBy,
        created_at: record.createdAt
      })
      .execute();
  }

  /** Freezes that end after `after`, soonest first. */
  async listFreezes(workspaceId: string, after: string | null): Promise<FreezeRecord[]> {
    let query = this.db.selectFrom('freezes').selectAll().where('workspace_id', '=', workspaceId);
    if (after !== null) query = query.where('ends_at', '>', after);
    return (await query.orderBy('starts_at').orderBy('id').execute()).map(freezeOf);
  }

  async freeze(workspaceId: string, id: string): Promise<FreezeRecord | null> {
    const row = await this.db
      .selectFrom('freezes')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? freezeOf(row) : null;
  }

  async deleteFreeze(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('freezes')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Marks a change as a cause of an incident; false when it already was. */
  async markCause(incidentId: string, changeId: string, by: string | null, at: string) {
    const exists = await this.db
      .selectFrom('incident_change_causes')
      .select('change_id')
      .where('incident_id', '=', incidentId)
      .where('change_id', '=', changeId)
      .executeTakeFirst();
    if (exists) return false;
    await this.db
      .insertInto('incident_change_causes')
      .values({ incident_id: incidentId, change_id: changeId, marked_by: by, at })
      .execute();
    return true;
  }

  async unmarkCause(incidentId: string, changeId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('incident_change_causes')
      .where('incident_id', '=', incidentId)
      .where('change_id', '=', changeId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async causesOf(incidentId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('incident_change_causes')
      .select('change_id')
      .where('incident_id', '=', incidentId)
      .orderBy('at')
      .execute();
    return rows.map((row) => row.change_id);
  }

  /**
   * Changes on any of `items` whose window overlaps [from, to), or that moved (a transition) in
   * it: "what changed" before an incident.
   */
  async changesTouching(
    workspaceId: string,
    items: readonly string[],
    from: string,
    to: string
  ): Promise<ChangeRecord[]> {
    if (items.length === 0) return [];
    const found = new Map<string, ChangeRecord>();
    for (let i = 0; i < items.length; i += 500) {
      const chunk = items.slice(i, i + 500);
      const rows = await this.db
        .selectFrom('changes')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', (eb) =>
          eb.selectFrom('change_items').select('change_id').where('item_id', 'in', chunk)
        )
        .where((eb) =>
          eb.or([
            eb.and([eb('window_start', '<', to), eb('window_end', '>', from)]),
            eb(
              'id',
              'in',
              eb
                .selectFrom('change_events')
                .select('change_id')
                .where('at', '>=', from)
                .where('at', '<', to)
            )
          ])
        )
        .execute();
      for (const row of rows) found.set(row.id, changeOf(row));
    }
    return [...found.values()].sort((a, b) => (a.windowStart < b.windowStart ? 1 : -1));
  }

  /**
   * Changes that finished (completed, failed, rolled back) in [from, to), with whether each was
   * marked as the cause of an incident: the figures' input.
   */
  async finishedBetween(
    workspaceId: string,
    from: string,
    to: string
  ): Promise<{ change: ChangeRecord; caused: boolean }[]> {
    const rows = await this.db
      .selectFrom('changes')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('state', 'in', ['completed', 'failed', 'rolled_back'])
      .where('finished_at', '>=', from)
      .where('finished_at', '<', to)
      .execute();
    const ids = rows.map((row) => row.id);
    const caused = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const causes = await this.db
        .selectFrom('incident_change_causes')
        .select('change_id')
        .where('change_id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const cause of causes) caused.add(cause.change_id);
    }
    return rows.map((row) => ({ change: changeOf(row), caused: caused.has(row.id) }));
  }
}
