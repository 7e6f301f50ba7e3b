/**
 * The records anomaly detection reads and writes (docs/ai.md, "Anomalies"; migration 22): alert
 * occurrences by arrival with their service and the board labels of their incident, tasks by
 * creation with their labels, the notification settings and the claims of notified events.
 * Rows only; the rules are in anomalies-service.ts.
 */
import type { Selectable } from 'kysely';
import type { Locale } from '../../shared/locale';
import type { Records, RecordsDb, RecordsTransaction } from '../db/records';
import { parseJsonObject } from '../db/json-columns';
import { serviceLabelOf } from '../../shared/alerts/schema';
import type { AiAnomalySettingsTable } from '../db/schema';

/** One alert occurrence: when it first arrived, its service and its incident's board labels. */
export interface AnomalyAlertRow {
  at: number;
  service: string | null;
  labelIds: readonly string[];
}

/** One plain task: when it was created and its board labels. */
export interface AnomalyTaskRow {
  at: number;
  labelIds: readonly string[];
}

export interface AnomalySettingsRecord {
  workspaceId: string;
  notify: boolean;
  channelId: string | null;
  locale: Locale;
  activeFrom: number;
  updatedAt: string;
  updatedBy: string | null;
}

/** The claim of one event (its key). */
export interface AnomalyClaim {
  workspaceId: string;
  series: string;
  groupKind: string;
  groupValue: string;
  startAt: string;
}

/** Most ids in one `IN (…)` list. */
const IN_CHUNK = 500;

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function labelsOfJson(json: string): string[] {
  try {
    return stringArray(JSON.parse(json));
  } catch {
    return [];
  }
}

function recordOf(row: Selectable<AiAnomalySettingsTable>): AnomalySettingsRecord {
  return {
    workspaceId: row.workspace_id,
    notify: Number(row.notify) === 1,
    channelId: row.channel_id,
    locale: row.locale === 'zh-CN' ? 'zh-CN' : 'en',
    activeFrom: Number(row.active_from),
    updatedAt: row.updated_at,
    updatedBy: row.updated_by
  };
}

export class AnomalyStore {
  readonly db: RecordsDb;

  constructor(private readonly records: Records) {
    this.db = records.db;
  }

  /**
   * Alert occurrences that first arrived in [from, to) (by the index of migration 21), each
   * with its service (the value of its integration's service label, default `service`) and the
   * board labels of the incident it joined (live card, else archived).
   */
  async alerts(workspaceId: string, from: string, to: string): Promise<AnomalyAlertRow[]> {
    const [integrations, rows] = await Promise.all([
      this.db
        .selectFrom('integrations')
        .select(['id', 'settings'])
        .where('workspace_id', '=', workspaceId)
        .execute(),
      this.db
        .selectFrom('alert_occurrences')
        .select(['integration_id', 'labels', 'incident_id', 'first_received_at'])
        .where('workspace_id', '=', workspaceId)
        .where('first_received_at', '>=', from)
        .where('first_received_at', '<', to)
        .execute()
    ]);
    const serviceLabel = new Map(
      integrations.map((row) => [row.id, serviceLabelOf(parseJsonObject(row.settings))])
    );
    const incidentIds = [
      ...new Set(rows.flatMap((row) => (row.incident_id ? [row.incident_id] : [])))
    ];
    const labelsOf = await this.cardLabels(workspaceId, incidentIds);
    return rows.map((row) => {
      const labels = parseJsonObject(row.labels);
      const value = labels[serviceLabel.get(row.integration_id) ?? 'service'];
      return {
        at: Date.parse(row.first_received_at),
        service: typeof value === 'string' && value.trim() !== '' ? value.trim() : null,
        labelIds: row.incident_id ? (labelsOf.get(row.incident_id) ?? []) : []
      };
    });
  }

  /** Board label ids of cards by task id: the live card's, else the archived one's. */
  private async cardLabels(
    workspaceId: string,
    ids: readonly string[]
  ): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const part = ids.slice(i, i + IN_CHUNK);
      const [live, archived] = await Promise.all([
        this.db
          .selectFrom('task_cards')
          .select(['task_id', 'card'])
          .where('workspace_id', '=', workspaceId)
          .where('task_id', 'in', part)
          .execute(),
        this.db
          .selectFrom('archived_tasks')
          .select(['task_id', 'labels'])
          .where('workspace_id', '=', workspaceId)
          .where('task_id', 'in', part)
          .execute()
      ]);
      for (const row of archived) out.set(row.task_id, labelsOfJson(row.labels));
      for (const row of live)
        out.set(row.task_id, stringArray(parseJsonObject(row.card)['labels']));
    }
    return out;
  }

  /**
   * Plain tasks created in [from, to) with their labels: the live cards (read whole: cards
   * carry their creation time only in the card JSON) and the archived ones finished since
   * `from` (a task created in the range finished after it).
   */
  async tasks(workspaceId: string, from: string, to: string): Promise<AnomalyTaskRow[]> {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    const [live, archived] = await Promise.all([
      this.db
        .selectFrom('task_cards')
        .select(['task_id', 'card'])
        .where('workspace_id', '=', workspaceId)
        .where((eb) => eb.or([eb('kind', '=', 'task'), eb('kind', 'is', null)]))
        .execute(),
      this.db
        .selectFrom('archived_tasks')
        .select(['task_id', 'labels', 'card'])
        .where('workspace_id', '=', workspaceId)
        .where('kind', '=', 'task')
        .where('finished_at', '>=', from)
        .execute()
    ]);
    const out = new Map<string, AnomalyTaskRow>();
    const keep = (id: string, createdAt: unknown, labelIds: string[]) => {
      const at = typeof createdAt === 'string' ? Date.parse(createdAt) : NaN;
      if (Number.isFinite(at) && at >= fromMs && at < toMs) out.set(id, { at, labelIds });
    };
    for (const row of archived) {
      keep(row.task_id, parseJsonObject(row.card)['createdAt'], labelsOfJson(row.labels));
    }
    for (const row of live) {
      const card = parseJsonObject(row.card);
      keep(row.task_id, card['createdAt'], stringArray(card['labels']));
    }
    return [...out.values()];
  }

  async settings(workspaceId: string): Promise<AnomalySettingsRecord | null> {
    const row = await this.db
      .selectFrom('ai_anomaly_settings')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return row ? recordOf(row) : null;
  }

  async save(record: AnomalySettingsRecord): Promise<void> {
    const values = {
      notify: record.notify ? 1 : 0,
      channel_id: record.channelId,
      locale: record.locale,
      active_from: record.activeFrom,
      updated_at: record.updatedAt,
      updated_by: record.updatedBy
    };
    await this.db
      .insertInto('ai_anomaly_settings')
      .values({ workspace_id: record.workspaceId, ...values })
      .onConflict((conflict) => conflict.column('workspace_id').doUpdateSet(values))
      .execute();
  }

  /** The workspaces whose anomaly message is on and has a channel. */
  async notifying(): Promise<AnomalySettingsRecord[]> {
    const rows = await this.db
      .selectFrom('ai_anomaly_settings')
      .selectAll()
      .where('notify', '=', 1)
      .where('channel_id', 'is not', null)
      .orderBy('workspace_id')
      .execute();
    return rows.map(recordOf);
  }

  /**
   * Claims an event in `db` (the transaction that queues its message). True for exactly one
   * claimer: the insert of an existing key does nothing (`ON CONFLICT DO NOTHING`; on
   * PostgreSQL a concurrent insert of the same key waits for the first and then does nothing).
   */
  async claim(
    db: RecordsDb | RecordsTransaction,
    claim: AnomalyClaim,
    claimedAt: string
  ): Promise<boolean> {
    const result = await db
      .insertInto('ai_anomaly_claims')
      .values({
        workspace_id: claim.workspaceId,
        series: claim.series,
        group_kind: claim.groupKind,
        group_value: claim.groupValue,
        start_at: claim.startAt,
        claimed_at: claimedAt
      })
      .onConflict((conflict) => conflict.doNothing())
      // RETURNING names the inserted row on both databases (affected-row counts differ)
      .returning('workspace_id')
      .executeTakeFirst();
    return result !== undefined;
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: (trx: RecordsTransaction) => Promise<T>): Promise<T> {
    return this.records.db.transaction().execute(work);
  }
}
