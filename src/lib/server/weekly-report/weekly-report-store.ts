/**
 * The weekly report's records (migration 19): a workspace's settings, the claim of a week, and
 * the incidents a week's report ranks. Rows only; the rules are in weekly-report-service.ts.
 */
import type { Selectable } from 'kysely';
import type { Locale } from '../../shared/locale';
import type { Records, RecordsDb, RecordsTransaction } from '../db/records';
import type { WeeklyReportsTable } from '../db/schema';

export interface WeeklyReportRecord {
  workspaceId: string;
  enabled: boolean;
  channelId: string | null;
  weekday: number;
  hour: number;
  timeZone: string;
  locale: Locale;
  lastWeekStart: string | null;
  activeFrom: number;
  updatedAt: string;
  updatedBy: string | null;
}

/** An incident that was open during a week, as the report ranks it. */
export interface WeekIncident {
  id: string;
  key: string | null;
  title: string;
  severity: string;
  openedAt: string;
  resolvedAt: string | null;
}

function recordOf(row: Selectable<WeeklyReportsTable>): WeeklyReportRecord {
  return {
    workspaceId: row.workspace_id,
    enabled: Number(row.enabled) === 1,
    channelId: row.channel_id,
    weekday: Number(row.weekday),
    hour: Number(row.hour),
    timeZone: row.time_zone,
    locale: row.locale === 'zh-CN' ? 'zh-CN' : 'en',
    lastWeekStart: row.last_week_start,
    activeFrom: Number(row.active_from),
    updatedAt: row.updated_at,
    updatedBy: row.updated_by
  };
}

export class WeeklyReportStore {
  /** The records' database (what a message queued outside a claim is written with). */
  readonly db: RecordsDb;

  constructor(private readonly records: Records) {
    this.db = records.db;
  }

  async settings(workspaceId: string): Promise<WeeklyReportRecord | null> {
    const row = await this.db
      .selectFrom('weekly_reports')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return row ? recordOf(row) : null;
  }

  /** Writes a workspace's settings (all of them; the claim `last_week_start` is kept). */
  async save(record: WeeklyReportRecord): Promise<void> {
    const values = {
      enabled: record.enabled ? 1 : 0,
      channel_id: record.channelId,
      weekday: record.weekday,
      hour: record.hour,
      time_zone: record.timeZone,
      locale: record.locale,
      active_from: record.activeFrom,
      updated_at: record.updatedAt,
      updated_by: record.updatedBy
    };
    await this.db
      .insertInto('weekly_reports')
      .values({ workspace_id: record.workspaceId, last_week_start: null, ...values })
      .onConflict((conflict) => conflict.column('workspace_id').doUpdateSet(values))
      .execute();
  }

  /** The enabled reports that have a channel. */
  async enabled(): Promise<WeeklyReportRecord[]> {
    const rows = await this.db
      .selectFrom('weekly_reports')
      .selectAll()
      .where('enabled', '=', 1)
      .where('channel_id', 'is not', null)
      .orderBy('workspace_id')
      .execute();
    return rows.map(recordOf);
  }

  /**
   * Claims the week starting `weekStart` for the workspace's report, in `db` (the transaction
   * that queues the message): moves `last_week_start` forward only if it is before that week.
   * True for exactly one claimer: on PostgreSQL the second UPDATE waits for the first's row
   * lock and then finds the condition false; SQLite runs one writer at a time.
   */
  async claimWeek(
    db: RecordsDb | RecordsTransaction,
    workspaceId: string,
    weekStart: string
  ): Promise<boolean> {
    const result = await db
      .updateTable('weekly_reports')
      .set({ last_week_start: weekStart })
      .where('workspace_id', '=', workspaceId)
      .where('enabled', '=', 1)
      .where((eb) =>
        eb.or([eb('last_week_start', 'is', null), eb('last_week_start', '<', weekStart)])
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: (trx: RecordsTransaction) => Promise<T>): Promise<T> {
    return this.records.db.transaction().execute(work);
  }

  /** Incidents open at some time in [from, to): opened before `to`, not resolved before `from`. */
  async incidentsDuring(workspaceId: string, from: string, to: string): Promise<WeekIncident[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .select(['id', 'task_key', 'title', 'severity', 'opened_at', 'resolved_at'])
      .where('workspace_id', '=', workspaceId)
      .where('opened_at', '<', to)
      .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', from)]))
      .execute();
    return rows.map((row) => ({
      id: row.id,
      key: row.task_key,
      title: row.title,
      severity: row.severity,
      openedAt: row.opened_at,
      resolvedAt: row.resolved_at
    }));
  }
}
