/**
 * What the metrics read from the records at scrape time (metrics-service.ts): the workspaces,
 * whose series start at zero, and the one level that is current state, open incidents per
 * workspace. Everything else is counted as the events happen; nothing here runs on a timer.
 */
import type { RecordsDb } from '../db/records';

/** Incident states that count as open (alerts-service.ts: triggered → acknowledged → resolved). */
const OPEN_INCIDENT_STATES = ['triggered', 'acknowledged'] as const;

export class MetricsStore {
  constructor(private readonly db: RecordsDb) {}

  /**
   * Every workspace's id with its open incidents (0 for none), in one query: a count per
   * workspace by the index on (workspace_id, resolved_at), since an open incident has no
   * resolution (a reopen clears it). Read at every scrape (metrics-service.ts), so every node of
   * a scaled-out deployment reports the same level and new or deleted workspaces show at once.
   */
  async openIncidentsByWorkspace(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('workspaces')
      .select((eb) => [
        'workspaces.id',
        eb
          .selectFrom('incidents')
          .select((sub) => sub.fn.countAll<number | string>().as('n'))
          .whereRef('incidents.workspace_id', '=', 'workspaces.id')
          .where('incidents.resolved_at', 'is', null)
          .where('incidents.state', 'in', [...OPEN_INCIDENT_STATES])
          .as('open')
      ])
      .execute();
    return new Map(rows.map((row) => [row.id, Number(row.open ?? 0)]));
  }
}
