/**
 * The records a report reads (docs/kpis.md): only the rows of its range, by the indexes of
 * migrations 10 and 17 (incidents by opening and by resolution, changes and automation runs by
 * finish, archived tasks by finish). Rows in, rows out; the figures are computed in
 * reports-service.ts in one pass over them.
 */
import type { Records, RecordsDb } from '../db/records';

/** An incident opened in the range, with its acknowledgement and resolution events in order. */
export interface ReportIncident {
  id: string;
  severity: string;
  openedAt: string;
  /** The final resolution; null while open (a reopen clears it). */
  resolvedAt: string | null;
  /** Its `acknowledged` and `resolved` events, in order (actor null: the server). */
  events: { type: 'acknowledged' | 'resolved'; at: string; actor: string | null }[];
}

export interface ReportChange {
  id: string;
  state: string;
  submittedAt: string | null;
  finishedAt: string;
  /** Marked as the cause of at least one incident. */
  caused: boolean;
}

/** A plain task's lifecycle times as its card holds them. */
export interface ReportTask {
  id: string;
  startedAt: string | null;
  doneAt: string | null;
  dueAt: string | null;
}

interface CardTimes {
  kind?: unknown;
  startedAt?: unknown;
  doneAt?: unknown;
  dueAt?: unknown;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export class ReportsStore {
  private readonly db: RecordsDb;
  constructor(private readonly records: Records) {
    this.db = records.db;
  }

  /** Incidents of `workspaceId` opened in [from, to), with their ack/resolve events. */
  async incidentsOpened(workspaceId: string, from: string, to: string): Promise<ReportIncident[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .select(['id', 'severity', 'opened_at', 'resolved_at'])
      .where('workspace_id', '=', workspaceId)
      .where('opened_at', '>=', from)
      .where('opened_at', '<', to)
      .execute();
    const byId = new Map<string, ReportIncident>();
    for (const row of rows) {
      byId.set(row.id, {
        id: row.id,
        severity: row.severity,
        openedAt: row.opened_at,
        resolvedAt: row.resolved_at,
        events: []
      });
    }
    if (byId.size === 0) return [];
    const events = await this.db
      .selectFrom('incident_events')
      .innerJoin('incidents', 'incidents.id', 'incident_events.incident_id')
      .select([
        'incident_events.incident_id',
        'incident_events.type',
        'incident_events.at',
        'incident_events.actor'
      ])
      .where('incidents.workspace_id', '=', workspaceId)
      .where('incidents.opened_at', '>=', from)
      .where('incidents.opened_at', '<', to)
      .where('incident_events.type', 'in', ['acknowledged', 'resolved'])
      .orderBy('incident_events.seq')
      .execute();
    for (const event of events) {
      byId.get(event.incident_id)?.events.push({
        type: event.type as 'acknowledged' | 'resolved',
        at: event.at,
        actor: event.actor
      });
    }
    return [...byId.values()];
  }

  /** Incidents whose final resolution is in [from, to). */
  async incidentsResolved(workspaceId: string, from: string, to: string): Promise<number> {
    const row = await this.db
      .selectFrom('incidents')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('resolved_at', '>=', from)
      .where('resolved_at', '<', to)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Incidents opened before `at` and not resolved by then. */
  async incidentsOpenAt(workspaceId: string, at: string): Promise<number> {
    const row = await this.db
      .selectFrom('incidents')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('opened_at', '<', at)
      .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', at)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Changes that reached a final state in [from, to), each with whether it caused an incident. */
  async changesFinished(workspaceId: string, from: string, to: string): Promise<ReportChange[]> {
    const rows = await this.db
      .selectFrom('changes')
      .select(['id', 'state', 'submitted_at', 'finished_at'])
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('incident_change_causes')
              .select('incident_change_causes.change_id')
              .whereRef('incident_change_causes.change_id', '=', 'changes.id')
          )
          .as('caused')
      )
      .where('workspace_id', '=', workspaceId)
      .where('finished_at', '>=', from)
      .where('finished_at', '<', to)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      state: row.state,
      submittedAt: row.submitted_at,
      finishedAt: row.finished_at!,
      caused: Boolean(row.caused)
    }));
  }

  /** Automation runs that ended in [from, to), counted by state. */
  async runsFinished(workspaceId: string, from: string, to: string): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('automation_runs')
      .select(['state', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('workspace_id', '=', workspaceId)
      .where('finished_at', '>=', from)
      .where('finished_at', '<', to)
      .groupBy('state')
      .execute();
    return new Map(rows.map((row) => [row.state, Number(row.n)]));
  }

  /**
   * Plain tasks (kind `task`): every card of the live board (its mirror, task_cards), and the
   * archived tasks finished in [from, to). A task is in one or the other.
   */
  async tasks(
    workspaceId: string,
    from: string,
    to: string
  ): Promise<{ live: ReportTask[]; archived: ReportTask[] }> {
    // The four fields are read by the database (a JSON function per row), not parsed here: a
    // board of 100,000 cards is read in a fraction of the time. Tasks done before `from` cannot
    // count in any figure (done in the range, or not done by `to`) and are left out.
    // The card's kind and times are columns (migration 17); tasks done before `from` cannot
    // count in any figure (done in the range, or not done by `to`) and are not read.
    const rows = await this.db
      .selectFrom('task_cards')
      .select(['task_id', 'kind', 'started_at', 'done_at', 'due_at'])
      .where('workspace_id', '=', workspaceId)
      .where((eb) => eb.or([eb('kind', '=', 'task'), eb('kind', 'is', null)]))
      .where((eb) => eb.or([eb('done_at', 'is', null), eb('done_at', '>=', from)]))
      .execute();
    const live: ReportTask[] = [];
    for (const row of rows) {
      live.push({
        id: row.task_id,
        startedAt: text(row.started_at),
        doneAt: text(row.done_at),
        dueAt: text(row.due_at)
      });
    }
    const archivedRows = await this.db
      .selectFrom('archived_tasks')
      .select(['task_id', 'finished_at', 'card'])
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'task')
      .where('finished_at', '>=', from)
      .where('finished_at', '<', to)
      .execute();
    const archived = archivedRows.map((row) => {
      const card = JSON.parse(row.card) as CardTimes;
      return {
        id: row.task_id,
        startedAt: text(card.startedAt),
        doneAt: text(card.doneAt) ?? row.finished_at,
        dueAt: text(card.dueAt)
      };
    });
    return { live, archived };
  }
}
