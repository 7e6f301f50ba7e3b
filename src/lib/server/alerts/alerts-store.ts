/**
 * Alert intake's records (migration 10): integrations, incidents, alert occurrences and the
 * incident timeline. Rows in, rows out; the rules (dedupe, reopen, lifecycle) are in
 * alerts-service.ts, which runs them inside `transaction` so concurrent deliveries of one
 * integration decide one after another.
 */
import type { Selectable } from 'kysely';
import type {
  IncidentEvent,
  IncidentState,
  IntegrationSettings,
  IntegrationType,
  Occurrence,
  Severity
} from '../../shared/alerts/schema';
import {
  integrationSettingsSchema,
  labelMatcherSchema,
  type LabelMatcher
} from '../../shared/alerts/schema';
import type { Records, RecordsDb, RecordsTransaction } from '../db/records';
import type {
  AlertOccurrencesTable,
  IncidentsTable,
  IntegrationsTable,
  MaintenanceWindowsTable
} from '../db/schema';

export interface IntegrationRecord {
  id: string;
  workspaceId: string;
  type: IntegrationType;
  name: string;
  secretHash: Uint8Array;
  settings: IntegrationSettings;
  createdAt: string;
  createdBy: string | null;
  lastReceivedAt: string | null;
}

export interface IncidentRecord {
  id: string;
  workspaceId: string;
  integrationId: string;
  dedupeKey: string;
  title: string;
  severity: Severity;
  state: IncidentState;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  openedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  closedAt: string | null;
  closedBy: string | null;
  alertsClearedAt: string | null;
  reopenCount: number;
  flapping: boolean;
  /** The state last written to the board card; '' before the card exists. */
  boardState: IncidentState | '';
  taskKey: string | null;
  updatedAt: string;
  /** The channels a routing rule chose for its messages; null: every channel. */
  routedChannels: string[] | null;
  /** The member a routing rule assigned the card to. */
  assignee: string | null;
  /** The escalation policy a routing rule chose; null: the integration's. */
  escalationPolicyId: string | null;
}

export interface OccurrenceRecord {
  integrationId: string;
  fingerprint: string;
  startsAt: string;
  workspaceId: string;
  incidentId: string | null;
  status: 'firing' | 'resolved';
  endsAt: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorUrl: string | null;
  firstReceivedAt: string;
  lastReceivedAt: string;
  /** The maintenance window that held it back; null when not held. */
  heldBy: string | null;
}

export interface MaintenanceWindowRecord {
  id: string;
  workspaceId: string;
  integrationId: string | null;
  matchers: LabelMatcher[];
  startsAt: string;
  endsAt: string;
  reason: string;
  createdAt: string;
  createdBy: string | null;
}

export interface IncidentListQuery {
  state?: IncidentState | 'open';
  limit?: number;
  offset?: number;
}

function parseObject(raw: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(raw);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, string>;
    }
  } catch {
    // A damaged row reads as empty rather than failing the page.
  }
  return {};
}

function integrationOf(row: Selectable<IntegrationsTable>): IntegrationRecord {
  let settings: IntegrationSettings;
  try {
    settings = integrationSettingsSchema.parse(JSON.parse(row.settings));
  } catch {
    settings = integrationSettingsSchema.parse({});
  }
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    type: row.type as IntegrationType,
    name: row.name,
    secretHash: row.secret_hash,
    settings,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastReceivedAt: row.last_received_at
  };
}

function incidentOf(row: Selectable<IncidentsTable>): IncidentRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    integrationId: row.integration_id,
    dedupeKey: row.dedupe_key,
    title: row.title,
    severity: row.severity as Severity,
    state: row.state as IncidentState,
    labels: parseObject(row.labels),
    annotations: parseObject(row.annotations),
    openedAt: row.opened_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    closedAt: row.closed_at,
    closedBy: row.closed_by,
    alertsClearedAt: row.alerts_cleared_at,
    reopenCount: row.reopen_count,
    flapping: row.flapping === 1,
    boardState: row.board_state as IncidentState | '',
    taskKey: row.task_key,
    updatedAt: row.updated_at,
    routedChannels: row.routed_channels === null ? null : jsonStrings(row.routed_channels),
    assignee: row.assignee,
    escalationPolicyId: row.escalation_policy_id
  };
}

function jsonStrings(raw: string): string[] {
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

function windowOf(row: Selectable<MaintenanceWindowsTable>): MaintenanceWindowRecord {
  const matchers = labelMatcherSchema.array().safeParse(JSON.parse(row.matchers));
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    integrationId: row.integration_id,
    // A window whose matchers no longer parse matches nothing rather than everything.
    matchers: matchers.success ? matchers.data : [{ name: '__never__', op: '=', value: '\u0000' }],
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    reason: row.reason,
    createdAt: row.created_at,
    createdBy: row.created_by
  };
}

function occurrenceOf(row: Selectable<AlertOccurrencesTable>): OccurrenceRecord {
  return {
    integrationId: row.integration_id,
    fingerprint: row.fingerprint,
    startsAt: row.starts_at,
    workspaceId: row.workspace_id,
    incidentId: row.incident_id,
    status: row.status as 'firing' | 'resolved',
    endsAt: row.ends_at,
    labels: parseObject(row.labels),
    annotations: parseObject(row.annotations),
    generatorUrl: row.generator_url,
    firstReceivedAt: row.first_received_at,
    lastReceivedAt: row.last_received_at,
    heldBy: row.held_by
  };
}

/** An occurrence as the API shows it. */
export function occurrenceBody(record: OccurrenceRecord): Occurrence {
  return {
    fingerprint: record.fingerprint,
    startsAt: record.startsAt,
    ...(record.endsAt === null ? {} : { endsAt: record.endsAt }),
    status: record.status,
    labels: record.labels,
    annotations: record.annotations,
    ...(record.generatorUrl === null ? {} : { generatorURL: record.generatorUrl }),
    lastReceivedAt: record.lastReceivedAt,
    ...(record.heldBy === null ? {} : { heldBy: record.heldBy })
  };
}

function incidentRow(record: IncidentRecord): Selectable<IncidentsTable> {
  return {
    id: record.id,
    workspace_id: record.workspaceId,
    integration_id: record.integrationId,
    dedupe_key: record.dedupeKey,
    title: record.title,
    severity: record.severity,
    state: record.state,
    labels: JSON.stringify(record.labels),
    annotations: JSON.stringify(record.annotations),
    opened_at: record.openedAt,
    acknowledged_at: record.acknowledgedAt,
    acknowledged_by: record.acknowledgedBy,
    resolved_at: record.resolvedAt,
    resolved_by: record.resolvedBy,
    closed_at: record.closedAt,
    closed_by: record.closedBy,
    alerts_cleared_at: record.alertsClearedAt,
    reopen_count: record.reopenCount,
    flapping: record.flapping ? 1 : 0,
    board_state: record.boardState,
    task_key: record.taskKey,
    updated_at: record.updatedAt,
    routed_channels: record.routedChannels === null ? null : JSON.stringify(record.routedChannels),
    assignee: record.assignee,
    escalation_policy_id: record.escalationPolicyId
  };
}

function occurrenceRow(record: OccurrenceRecord): Selectable<AlertOccurrencesTable> {
  return {
    integration_id: record.integrationId,
    fingerprint: record.fingerprint,
    starts_at: record.startsAt,
    workspace_id: record.workspaceId,
    incident_id: record.incidentId,
    status: record.status,
    ends_at: record.endsAt,
    labels: JSON.stringify(record.labels),
    annotations: JSON.stringify(record.annotations),
    generator_url: record.generatorUrl,
    first_received_at: record.firstReceivedAt,
    last_received_at: record.lastReceivedAt,
    held_by: record.heldBy
  };
}

/** The row operations, on the database or inside a transaction. */
export class AlertRecords {
  constructor(protected readonly db: RecordsDb | RecordsTransaction) {}

  async integration(id: string): Promise<IntegrationRecord | null> {
    const row = await this.db
      .selectFrom('integrations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? integrationOf(row) : null;
  }

  async incident(workspaceId: string, id: string): Promise<IncidentRecord | null> {
    const row = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? incidentOf(row) : null;
  }

  /** The newest incident of a dedupe key. */
  async latestIncident(integrationId: string, dedupeKey: string): Promise<IncidentRecord | null> {
    const row = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('dedupe_key', '=', dedupeKey)
      .orderBy('opened_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? incidentOf(row) : null;
  }

  async insertIncident(record: IncidentRecord): Promise<void> {
    await this.db.insertInto('incidents').values(incidentRow(record)).execute();
  }

  async updateIncident(record: IncidentRecord): Promise<void> {
    const { id: _id, ...row } = incidentRow(record);
    await this.db.updateTable('incidents').set(row).where('id', '=', record.id).execute();
  }

  async occurrence(
    integrationId: string,
    fingerprint: string,
    startsAt: string
  ): Promise<OccurrenceRecord | null> {
    const row = await this.db
      .selectFrom('alert_occurrences')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('fingerprint', '=', fingerprint)
      .where('starts_at', '=', startsAt)
      .executeTakeFirst();
    return row ? occurrenceOf(row) : null;
  }

  /** The latest occurrence of a fingerprint (sources that send no start time). */
  async latestOccurrence(
    integrationId: string,
    fingerprint: string
  ): Promise<OccurrenceRecord | null> {
    const row = await this.db
      .selectFrom('alert_occurrences')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('fingerprint', '=', fingerprint)
      .orderBy('starts_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? occurrenceOf(row) : null;
  }

  /** Inserts occurrences, a few hundred rows per statement. */
  async insertOccurrences(records: readonly OccurrenceRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 200) {
      await this.db
        .insertInto('alert_occurrences')
        .values(records.slice(i, i + 200).map(occurrenceRow))
        .execute();
    }
  }

  /** Every occurrence of the fingerprints, in one query per few hundred. */
  async occurrencesOf(
    integrationId: string,
    fingerprints: readonly string[]
  ): Promise<OccurrenceRecord[]> {
    const out: OccurrenceRecord[] = [];
    for (let i = 0; i < fingerprints.length; i += 500) {
      const rows = await this.db
        .selectFrom('alert_occurrences')
        .selectAll()
        .where('integration_id', '=', integrationId)
        .where('fingerprint', 'in', fingerprints.slice(i, i + 500))
        .execute();
      out.push(...rows.map(occurrenceOf));
    }
    return out;
  }

  async updateOccurrence(record: OccurrenceRecord): Promise<void> {
    const { integration_id: _i, fingerprint: _f, starts_at: _s, ...row } = occurrenceRow(record);
    await this.db
      .updateTable('alert_occurrences')
      .set(row)
      .where('integration_id', '=', record.integrationId)
      .where('fingerprint', '=', record.fingerprint)
      .where('starts_at', '=', record.startsAt)
      .execute();
  }

  /** Records the configuration items an incident is about (migration 15's `incident_items`). */
  async linkItems(incidentId: string, itemIds: readonly string[]): Promise<void> {
    if (itemIds.length === 0) return;
    await this.db
      .insertInto('incident_items')
      .values(itemIds.map((itemId) => ({ incident_id: incidentId, item_id: itemId })))
      .onConflict((oc) => oc.columns(['incident_id', 'item_id']).doNothing())
      .execute();
  }

  /** The incidents about a configuration item, latest first (the item's history). */
  async incidentsOnItem(
    workspaceId: string,
    itemId: string,
    limit = 100
  ): Promise<
    Array<{ id: string; key: string | null; title: string; state: string; openedAt: string }>
  > {
    const rows = await this.db
      .selectFrom('incident_items')
      .innerJoin('incidents', 'incidents.id', 'incident_items.incident_id')
      .select(['incidents.id', 'incidents.task_key', 'incidents.title', 'incidents.state'])
      .select('incidents.opened_at')
      .where('incidents.workspace_id', '=', workspaceId)
      .where('incident_items.item_id', '=', itemId)
      .orderBy('incidents.opened_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      key: row.task_key,
      title: row.title,
      state: row.state,
      openedAt: row.opened_at
    }));
  }

  /** The configuration items recorded for an incident. */
  async itemsOf(incidentId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('incident_items')
      .select('item_id')
      .where('incident_id', '=', incidentId)
      .orderBy('item_id')
      .execute();
    return rows.map((row) => row.item_id);
  }

  /** The occurrences of an incident, oldest first. */
  async occurrences(incidentId: string): Promise<OccurrenceRecord[]> {
    const rows = await this.db
      .selectFrom('alert_occurrences')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('starts_at')
      .orderBy('fingerprint')
      .execute();
    return rows.map(occurrenceOf);
  }

  async addEvent(
    workspaceId: string,
    incidentId: string,
    event: Pick<IncidentEvent, 'at' | 'type' | 'actor' | 'data'>
  ): Promise<number> {
    const row = await this.db
      .insertInto('incident_events')
      .values({
        workspace_id: workspaceId,
        incident_id: incidentId,
        at: event.at,
        type: event.type,
        actor: event.actor,
        data: JSON.stringify(event.data)
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    return Number(row.seq);
  }

  /** The occurrences of several incidents, oldest first per incident. */
  async occurrencesOfIncidents(ids: readonly string[]): Promise<Map<string, OccurrenceRecord[]>> {
    const out = new Map<string, OccurrenceRecord[]>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('alert_occurrences')
        .selectAll()
        .where('incident_id', 'in', ids.slice(i, i + 500))
        .orderBy('starts_at')
        .orderBy('fingerprint')
        .execute();
      for (const row of rows) {
        const occurrence = occurrenceOf(row);
        const list = out.get(occurrence.incidentId!) ?? [];
        list.push(occurrence);
        out.set(occurrence.incidentId!, list);
      }
    }
    return out;
  }

  /** How many alerts an incident has, and how many of them fire (the ledger's figures). */
  async occurrenceCounts(incidentId: string): Promise<{ alerts: number; firing: number }> {
    const rows = await this.db
      .selectFrom('alert_occurrences')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('incident_id', '=', incidentId)
      .groupBy('status')
      .execute();
    const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
    return { alerts: count('firing') + count('resolved'), firing: count('firing') };
  }

  /** Whether an alert of the incident still fires. */
  async hasFiring(incidentId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('alert_occurrences')
      .select('fingerprint')
      .where('incident_id', '=', incidentId)
      .where('status', '=', 'firing')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Maintenance windows of the workspace in force at `at` for `integrationId`. */
  async activeWindows(
    workspaceId: string,
    integrationId: string,
    at: string
  ): Promise<MaintenanceWindowRecord[]> {
    const rows = await this.db
      .selectFrom('maintenance_windows')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('starts_at', '<=', at)
      .where('ends_at', '>', at)
      .where((eb) =>
        eb.or([eb('integration_id', 'is', null), eb('integration_id', '=', integrationId)])
      )
      .orderBy('created_at')
      .execute();
    return rows.map(windowOf);
  }

  /** Events of the incident of a type since `since` (flapping). */
  async countEvents(incidentId: string, type: IncidentEvent['type'], since: string) {
    const row = await this.db
      .selectFrom('incident_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('incident_id', '=', incidentId)
      .where('type', '=', type)
      .where('at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

export interface NewIntegration {
  id: string;
  workspaceId: string;
  type: IntegrationType;
  name: string;
  secretHash: Uint8Array;
  settings: IntegrationSettings;
  createdAt: string;
  createdBy: string | null;
}

export class AlertsStore extends AlertRecords {
  constructor(private readonly records: Records) {
    super(records.db);
  }

  /**
   * Runs `fn` in one transaction that no other transaction with the same `lockKey` overlaps
   * (one integration's deliveries decide one after another, on either database).
   */
  transaction<T>(
    lockKey: string,
    fn: (tx: AlertRecords, trx: RecordsTransaction) => Promise<T>
  ): Promise<T> {
    return this.records.transaction(async (trx) => {
      await this.records.queries.transactionLock(lockKey).execute(trx);
      return fn(new AlertRecords(trx), trx);
    });
  }

  async createIntegration(integration: NewIntegration): Promise<void> {
    await this.db
      .insertInto('integrations')
      .values({
        id: integration.id,
        workspace_id: integration.workspaceId,
        type: integration.type,
        name: integration.name,
        secret_hash: integration.secretHash,
        settings: JSON.stringify(integration.settings),
        created_at: integration.createdAt,
        created_by: integration.createdBy,
        last_received_at: null
      })
      .execute();
  }

  async listIntegrations(workspaceId: string): Promise<IntegrationRecord[]> {
    const rows = await this.db
      .selectFrom('integrations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(integrationOf);
  }

  async updateIntegration(
    workspaceId: string,
    id: string,
    patch: { name?: string; settings?: IntegrationSettings; secretHash?: Uint8Array }
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('integrations')
      .set({
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.settings === undefined ? {} : { settings: JSON.stringify(patch.settings) }),
        ...(patch.secretHash === undefined ? {} : { secret_hash: patch.secretHash })
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Removes an integration; its incidents and occurrences stay (they are history). */
  async deleteIntegration(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('integrations')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async touchIntegration(id: string, at: string): Promise<void> {
    await this.db
      .updateTable('integrations')
      .set({ last_received_at: at })
      .where('id', '=', id)
      .execute();
  }

  async createWindow(window: MaintenanceWindowRecord): Promise<void> {
    await this.db
      .insertInto('maintenance_windows')
      .values({
        id: window.id,
        workspace_id: window.workspaceId,
        integration_id: window.integrationId,
        matchers: JSON.stringify(window.matchers),
        starts_at: window.startsAt,
        ends_at: window.endsAt,
        reason: window.reason,
        created_at: window.createdAt,
        created_by: window.createdBy
      })
      .execute();
  }

  /** Windows that end after `after`, soonest first. */
  async listWindows(workspaceId: string, after: string): Promise<MaintenanceWindowRecord[]> {
    const rows = await this.db
      .selectFrom('maintenance_windows')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('ends_at', '>', after)
      .orderBy('starts_at')
      .orderBy('id')
      .execute();
    return rows.map(windowOf);
  }

  /** Ends a window now (it stays in the history of the alerts it held). */
  async endWindow(workspaceId: string, id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('maintenance_windows')
      .set({ ends_at: at })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .where('ends_at', '>', at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** A page of the firing alerts held back by maintenance, newest first, with their number. */
  async heldOccurrences(workspaceId: string, page: { limit: number; offset: number }) {
    const select = this.db
      .selectFrom('alert_occurrences')
      .where('workspace_id', '=', workspaceId)
      .where('held_by', 'is not', null)
      .where('status', '=', 'firing')
      .where('incident_id', 'is', null);
    const rows = await select
      .selectAll()
      .orderBy('last_received_at', 'desc')
      .orderBy('fingerprint')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const counted = await select
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { items: rows.map(occurrenceOf), total: Number(counted.n) };
  }

  async incidentById(id: string): Promise<IncidentRecord | null> {
    const row = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? incidentOf(row) : null;
  }

  async incidentByKey(workspaceId: string, key: string): Promise<IncidentRecord | null> {
    const row = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      // Keys are upper-case (board-store.ts): `ops-12` finds OPS-12.
      .where('task_key', '=', key.toUpperCase())
      .executeTakeFirst();
    return row ? incidentOf(row) : null;
  }

  /** A page of the workspace's incidents, newest first, with the number matching. */
  async listIncidents(workspaceId: string, query: IncidentListQuery = {}) {
    let select = this.db.selectFrom('incidents').where('workspace_id', '=', workspaceId);
    if (query.state === 'open') select = select.where('state', 'in', ['triggered', 'acknowledged']);
    else if (query.state !== undefined) select = select.where('state', '=', query.state);
    const rows = await select
      .selectAll()
      .orderBy('opened_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit ?? 100)
      .offset(query.offset ?? 0)
      .execute();
    const counted = await select
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { items: rows.map(incidentOf), total: Number(counted.n) };
  }

  /** Incidents whose card does not show their state yet (a write the process did not finish). */
  async incidentsBehindBoard(limit = 100): Promise<IncidentRecord[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .selectAll()
      .whereRef('board_state', '<>', 'state')
      .orderBy('updated_at')
      .limit(limit)
      .execute();
    return rows.map(incidentOf);
  }

  async setBoardState(id: string, state: IncidentState, taskKey: string | null): Promise<void> {
    await this.db
      .updateTable('incidents')
      .set({ board_state: state, ...(taskKey === null ? {} : { task_key: taskKey }) })
      .where('id', '=', id)
      .execute();
  }

  async events(incidentId: string): Promise<IncidentEvent[]> {
    const rows = await this.db
      .selectFrom('incident_events')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('seq')
      .execute();
    return rows.map((row) => ({
      seq: Number(row.seq),
      at: row.at,
      type: row.type as IncidentEvent['type'],
      actor: row.actor,
      data: parseObject(row.data)
    }));
  }
}
