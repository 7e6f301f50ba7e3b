/**
 * The records a report reads (docs/kpis.md): only the rows of its range, by the indexes of
 * migrations 10, 17 and 21 (incidents by opening and by resolution, timeline events by type and
 * time, alert occurrences by arrival, changes and automation runs by finish, archived tasks by
 * finish). Rows in, rows out; the figures are computed in reports-service.ts in one pass over
 * them.
 *
 * The filters (service, label, team, severity) are applied here, to the rows, so every figure
 * computed from them respects them (report-filters.ts says what each one matches).
 */
import type { ExpressionBuilder, Expression, SqlBool } from 'kysely';
import type { Records, RecordsDb } from '../db/records';
import { parseJsonObject } from '../db/json-columns';
import { serviceLabelOf } from '../../shared/alerts/schema';
import type { RecordsSchema } from '../db/schema';
import {
  cardHasLabel,
  cardHasService,
  cardMatches,
  incidentMatches,
  type ReportFilters,
  type ReportScope
} from './report-filters';

export type { ReportFilters, ReportScope } from './report-filters';

/** An incident with what the figures read of it: its times, grouping and timeline. */
export interface ReportIncident {
  id: string;
  key: string | null;
  title: string;
  /** The current severity (the timeline's events carry the severity at the event). */
  severity: string;
  /** The value of its service label, else the name of a linked CI of type service. */
  service: string | null;
  /** The name of the escalation policy it was routed to (rule, else integration). */
  team: string | null;
  openedAt: string;
  /** The final resolution; null while open (a reopen clears it). */
  resolvedAt: string | null;
  /** Marked as caused by at least one change. */
  causedByChange: boolean;
  /** Alert occurrences that joined it. */
  alerts: number;
  /**
   * Its `acknowledged`, `resolved` and `reopened` events, in order (actor null: the server;
   * severity: as recorded at the event, null for events older than that record).
   */
  events: {
    type: 'acknowledged' | 'resolved' | 'reopened';
    at: string;
    actor: string | null;
    severity: string | null;
  }[];
}

export interface ReportChange {
  id: string;
  key: string | null;
  title: string;
  state: string;
  submittedAt: string | null;
  finishedAt: string;
  /** Marked as the cause of at least one incident. */
  caused: boolean;
}

export interface ReportRun {
  id: string;
  title: string;
  state: string;
  finishedAt: string;
}

/** A plain task's lifecycle times as its card holds them. */
export interface ReportTask {
  id: string;
  key: string | null;
  title: string;
  startedAt: string | null;
  /** The last move to done; null while not in a done column. */
  doneAt: string | null;
  /** The first move to done (kept when the task leaves done); null for older cards. */
  resolvedAt: string | null;
  dueAt: string | null;
  /** On the live board (else archived). */
  live: boolean;
}

/** A page sent to a person by an escalation step. */
export interface ReportPage {
  incidentId: string;
  at: string;
  /** The member's user id; for pages recorded before ids were, the name that was paged. */
  person: string;
}

interface CardFields {
  key?: unknown;
  title?: unknown;
  kind?: unknown;
  startedAt?: unknown;
  doneAt?: unknown;
  resolvedAt?: unknown;
  dueAt?: unknown;
  labels?: unknown;
  links?: unknown;
}

type IncidentWhere = (eb: ExpressionBuilder<RecordsSchema, 'incidents'>) => Expression<SqlBool>;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Most ids in one `IN (…)` list: far below both databases' parameter limits. */
const IN_CHUNK = 500;

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += IN_CHUNK) out.push(values.slice(i, i + IN_CHUNK));
  return out;
}

export class ReportsStore {
  private readonly db: RecordsDb;
  constructor(records: Records) {
    this.db = records.db;
  }

  /**
   * What the filters of one report need from the workspace's small tables, read once: each
   * integration's service label and escalation policy, the policies' names, and the CIs of type
   * service named by the `service` filter.
   */
  async scope(workspaceId: string, filters: ReportFilters): Promise<ReportScope> {
    const [integrations, policies] = await Promise.all([
      this.db
        .selectFrom('integrations')
        .select(['id', 'settings'])
        .where('workspace_id', '=', workspaceId)
        .execute(),
      this.db
        .selectFrom('escalation_policies')
        .select(['id', 'name'])
        .where('workspace_id', '=', workspaceId)
        .execute()
    ]);
    const serviceItems = new Set<string>();
    if (filters.service !== undefined) {
      const rows = await this.db
        .selectFrom('cmdb_items')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('type', '=', 'service')
        .where('name_lower', '=', filters.service.trim().toLowerCase())
        .execute();
      for (const row of rows) serviceItems.add(row.id);
    }
    return {
      workspaceId,
      filters,
      integrations: new Map(
        integrations.map((row) => {
          const settings = parseJsonObject(row.settings);
          return [
            row.id,
            {
              serviceLabel: serviceLabelOf(settings),
              policyId: text(settings['escalationPolicyId'])
            }
          ];
        })
      ),
      policies: new Map(policies.map((row) => [row.id, row.name])),
      serviceItems
    };
  }

  /**
   * Incidents of the scope's workspace that `where` selects and the filters match, each with
   * its service, team, cause, alert count and timeline (`detail`; else those are empty).
   */
  async incidents(scope: ReportScope, where: IncidentWhere, detail = true) {
    const rows = await this.db
      .selectFrom('incidents')
      .select([
        'id',
        'task_key',
        'title',
        'severity',
        'labels',
        'integration_id',
        'escalation_policy_id',
        'opened_at',
        'resolved_at'
      ])
      .where('workspace_id', '=', scope.workspaceId)
      .where(where)
      .execute();
    const ids = rows.map((row) => row.id);
    // The CIs of type service they are linked to, by id (the service when no label names one).
    const serviceCi = new Map<string, string>();
    const cardLabels = new Map<string, string[]>();
    // The linked services are needed for the groups (detail) or to match the service filter.
    const needServices = detail || scope.filters.service !== undefined;
    for (const part of chunks(ids)) {
      const links = !needServices
        ? []
        : await this.db
            .selectFrom('incident_items')
            .innerJoin('cmdb_items', 'cmdb_items.id', 'incident_items.item_id')
            .select(['incident_items.incident_id', 'cmdb_items.id', 'cmdb_items.name'])
            .where('cmdb_items.workspace_id', '=', scope.workspaceId)
            .where('cmdb_items.type', '=', 'service')
            .where('incident_items.incident_id', 'in', part)
            .orderBy('cmdb_items.name')
            .execute();
      for (const link of links) {
        if (scope.serviceItems.has(link.id)) serviceCi.set(link.incident_id, link.name);
        else if (!serviceCi.has(link.incident_id)) serviceCi.set(link.incident_id, link.name);
      }
      if (scope.filters.labelIds !== undefined) {
        const cards = await this.db
          .selectFrom('task_cards')
          .select(['task_id', 'card'])
          .where('workspace_id', '=', scope.workspaceId)
          .where('task_id', 'in', part)
          .execute();
        for (const card of cards) {
          const labels = (parseJsonObject(card.card) as CardFields).labels;
          cardLabels.set(
            card.task_id,
            Array.isArray(labels) ? labels.filter((l) => typeof l === 'string') : []
          );
        }
      }
    }
    const incidents: ReportIncident[] = [];
    const byId = new Map<string, ReportIncident>();
    for (const row of rows) {
      const integration = scope.integrations.get(row.integration_id);
      const labels = parseJsonObject(row.labels);
      const policyId = row.escalation_policy_id ?? integration?.policyId ?? null;
      const incident: ReportIncident = {
        id: row.id,
        key: row.task_key,
        title: row.title,
        severity: row.severity,
        service:
          text(labels[integration?.serviceLabel ?? 'service']) ?? serviceCi.get(row.id) ?? null,
        team: policyId === null ? null : (scope.policies.get(policyId) ?? null),
        openedAt: row.opened_at,
        resolvedAt: row.resolved_at,
        causedByChange: false,
        alerts: 0,
        events: []
      };
      const matched = incidentMatches(scope, {
        severity: incident.severity,
        service: incident.service,
        serviceCi: serviceCi.get(row.id) ?? null,
        policyId,
        team: incident.team,
        labels: cardLabels.get(row.id) ?? []
      });
      if (!matched) continue;
      incidents.push(incident);
      byId.set(incident.id, incident);
    }
    if (!detail || incidents.length === 0) return incidents;
    for (const part of chunks([...byId.keys()])) {
      const [events, alerts, causes] = await Promise.all([
        this.db
          .selectFrom('incident_events')
          .select(['incident_id', 'type', 'at', 'actor', 'data'])
          .where('incident_id', 'in', part)
          .where('type', 'in', ['acknowledged', 'resolved', 'reopened'])
          .orderBy('seq')
          .execute(),
        this.db
          .selectFrom('alert_occurrences')
          .select(['incident_id', (eb) => eb.fn.countAll<number | string>().as('n')])
          .where('incident_id', 'in', part)
          .groupBy('incident_id')
          .execute(),
        this.db
          .selectFrom('incident_change_causes')
          .select('incident_id')
          .distinct()
          .where('incident_id', 'in', part)
          .execute()
      ]);
      for (const event of events) {
        const data = event.type === 'reopened' ? {} : parseJsonObject(event.data);
        byId.get(event.incident_id)?.events.push({
          type: event.type as 'acknowledged' | 'resolved' | 'reopened',
          at: event.at,
          actor: event.actor,
          severity: text(data['severity'])
        });
      }
      for (const row of alerts) {
        const incident = row.incident_id === null ? undefined : byId.get(row.incident_id);
        if (incident) incident.alerts = Number(row.n);
      }
      for (const row of causes) {
        const incident = byId.get(row.incident_id);
        if (incident) incident.causedByChange = true;
      }
    }
    return incidents;
  }

  /** Incidents opened in [from, to), with their detail. */
  incidentsOpened(scope: ReportScope, from: string, to: string): Promise<ReportIncident[]> {
    return this.incidents(scope, (eb) =>
      eb.and([eb('opened_at', '>=', from), eb('opened_at', '<', to)])
    );
  }

  /** Incidents whose final resolution is in [from, to). */
  async incidentsResolved(scope: ReportScope, from: string, to: string): Promise<number> {
    const rows = await this.incidents(
      scope,
      (eb) => eb.and([eb('resolved_at', '>=', from), eb('resolved_at', '<', to)]),
      false
    );
    return rows.length;
  }

  /** Incidents opened before `at` and not resolved by then. */
  async incidentsOpenAt(scope: ReportScope, at: string): Promise<number> {
    const rows = await this.incidents(
      scope,
      (eb) =>
        eb.and([
          eb('opened_at', '<', at),
          eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', at)])
        ]),
      false
    );
    return rows.length;
  }

  /**
   * The people paged by escalation steps in [from, to), one page per person and step, of the
   * incidents the filters match.
   */
  async pages(scope: ReportScope, from: string, to: string): Promise<ReportPage[]> {
    const events = await this.db
      .selectFrom('incident_events')
      .select(['incident_id', 'at', 'data'])
      .where('workspace_id', '=', scope.workspaceId)
      .where('type', '=', 'escalated')
      .where('at', '>=', from)
      .where('at', '<', to)
      .execute();
    if (events.length === 0) return [];
    const matching = await this.matchingIncidents(
      scope,
      events.map((e) => e.incident_id)
    );
    const pages: ReportPage[] = [];
    for (const event of events) {
      if (!matching.has(event.incident_id)) continue;
      const data = parseJsonObject(event.data);
      const users = Array.isArray(data['pagedUsers']) ? data['pagedUsers'] : null;
      // Before user ids were recorded, `paged` named the people (and channels as channel:<id>).
      const people =
        users ??
        (Array.isArray(data['paged']) ? data['paged'] : []).filter(
          (entry) => typeof entry === 'string' && !entry.startsWith('channel:')
        );
      for (const person of people) {
        if (typeof person === 'string' && person !== '') {
          pages.push({ incidentId: event.incident_id, at: event.at, person });
        }
      }
    }
    return pages;
  }

  /** The ids among `ids` of incidents the filters match (all of them when there are none). */
  private async matchingIncidents(scope: ReportScope, ids: string[]): Promise<Set<string>> {
    const unique = [...new Set(ids)];
    if (!filtered(scope.filters)) return new Set(unique);
    const found = new Set<string>();
    for (const part of chunks(unique)) {
      const rows = await this.incidents(scope, (eb) => eb('id', 'in', part), false);
      for (const row of rows) found.add(row.id);
    }
    return found;
  }

  /**
   * Alert occurrences that first arrived in each of `buckets` ([start, end) pairs): all of the
   * workspace's without incident filters (as runboard_alerts_received_total counts them, held
   * ones included); with them, only those of the incidents the filters match. One indexed count
   * per bucket.
   */
  async alertsReceived(
    scope: ReportScope,
    buckets: readonly [string, string][]
  ): Promise<number[]> {
    const counts: number[] = [];
    if (!filtered(scope.filters)) {
      for (const [start, end] of buckets) {
        const row = await this.db
          .selectFrom('alert_occurrences')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('workspace_id', '=', scope.workspaceId)
          .where('first_received_at', '>=', start)
          .where('first_received_at', '<', end)
          .executeTakeFirstOrThrow();
        counts.push(Number(row.n));
      }
      return counts;
    }
    const perBucket: { incidentId: string; n: number }[][] = [];
    for (const [start, end] of buckets) {
      const rows = await this.db
        .selectFrom('alert_occurrences')
        .select(['incident_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('workspace_id', '=', scope.workspaceId)
        .where('first_received_at', '>=', start)
        .where('first_received_at', '<', end)
        .where('incident_id', 'is not', null)
        .groupBy('incident_id')
        .execute();
      perBucket.push(rows.map((row) => ({ incidentId: row.incident_id!, n: Number(row.n) })));
    }
    const matching = await this.matchingIncidents(
      scope,
      perBucket.flat().map((row) => row.incidentId)
    );
    for (const rows of perBucket) {
      counts.push(rows.reduce((sum, row) => (matching.has(row.incidentId) ? sum + row.n : sum), 0));
    }
    return counts;
  }

  /**
   * Changes that reached a final state in [from, to), each with whether it caused an incident;
   * the service filter matches a change by its CIs of type service, the label filter by its
   * card's labels. (Changes have no severity or team: those filters leave them out of nothing.)
   */
  async changesFinished(scope: ReportScope, from: string, to: string): Promise<ReportChange[]> {
    const rows = await this.db
      .selectFrom('changes')
      .select(['id', 'task_key', 'title', 'state', 'submitted_at', 'finished_at'])
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
      .where('workspace_id', '=', scope.workspaceId)
      .where('finished_at', '>=', from)
      .where('finished_at', '<', to)
      .execute();
    let kept = rows;
    const { service, labelIds } = scope.filters;
    if (service !== undefined || labelIds !== undefined) {
      const ids = rows.map((row) => row.id);
      const withService = new Set<string>();
      const labelled = new Set<string>();
      for (const part of chunks(ids)) {
        if (service !== undefined && scope.serviceItems.size > 0) {
          const items = await this.db
            .selectFrom('change_items')
            .select('change_id')
            .where('workspace_id', '=', scope.workspaceId)
            .where('change_id', 'in', part)
            .where('item_id', 'in', [...scope.serviceItems])
            .execute();
          for (const item of items) withService.add(item.change_id);
        }
        // A change's card has the change's id (changes-service.ts).
        const cards = await this.db
          .selectFrom('task_cards')
          .select(['task_id', 'card'])
          .where('workspace_id', '=', scope.workspaceId)
          .where('task_id', 'in', part)
          .execute();
        for (const card of cards) {
          const parsed = parseJsonObject(card.card);
          if (cardHasService(scope, parsed)) withService.add(card.task_id);
          if (cardHasLabel(scope, parsed)) labelled.add(card.task_id);
        }
      }
      kept = rows.filter(
        (row) =>
          (service === undefined || withService.has(row.id)) &&
          (labelIds === undefined || labelled.has(row.id))
      );
    }
    return kept.map((row) => ({
      id: row.id,
      key: row.task_key,
      title: row.title,
      state: row.state,
      submittedAt: row.submitted_at,
      finishedAt: row.finished_at!,
      caused: Boolean(row.caused)
    }));
  }

  /** Automation runs that ended in [from, to) (not filtered: a run has no service or label). */
  async runsFinished(scope: ReportScope, from: string, to: string): Promise<ReportRun[]> {
    const rows = await this.db
      .selectFrom('automation_runs')
      .select(['id', 'job_name', 'state', 'finished_at'])
      .where('workspace_id', '=', scope.workspaceId)
      .where('finished_at', '>=', from)
      .where('finished_at', '<', to)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      title: row.job_name,
      state: row.state,
      finishedAt: row.finished_at!
    }));
  }

  /**
   * Plain tasks (kind `task`) of a range [from, to): the cards of the live board (its mirror,
   * task_cards) and the archived tasks finished since `from` (a task is in one or the other).
   *
   * Without a service or label filter and without `levelRows`, only the live cards that can
   * count in a figure of the range are read (first completed in it, or due in it), by index,
   * and the levels at `to` (work in progress, overdue) of the live cards are counted by the
   * database: a board of 100,000 cards is not read whole. Otherwise every card that is not
   * done by `from` or is due since `from` is read (and with a filter, parsed and matched).
   */
  async tasks(
    scope: ReportScope,
    from: string,
    to: string,
    levelRows = false
  ): Promise<{
    live: ReportTask[];
    archived: ReportTask[];
    levels: { workInProgress: number; overdue: number } | null;
  }> {
    const { service, labelIds } = scope.filters;
    const byCard = service !== undefined || labelIds !== undefined;
    const narrow = !byCard && !levelRows;
    const plain = (eb: ExpressionBuilder<RecordsSchema, 'task_cards'>) =>
      eb.or([eb('kind', '=', 'task'), eb('kind', 'is', null)]);
    const columns = [
      'task_id',
      'key_upper',
      'started_at',
      'done_at',
      'resolved_at',
      'due_at'
    ] as const;
    const cards = () =>
      this.db
        .selectFrom('task_cards')
        .select(columns)
        .where('workspace_id', '=', scope.workspaceId)
        .where(plain);
    type CardRow = Awaited<ReturnType<ReturnType<typeof cards>['execute']>>[number] & {
      card?: string;
    };
    let rows: CardRow[];
    if (narrow) {
      // Three range reads, each by its own index (one OR of them is not, on either database).
      const parts = await Promise.all([
        cards().where('resolved_at', '>=', from).where('resolved_at', '<', to).execute(),
        cards()
          .where('done_at', '>=', from)
          .where('done_at', '<', to)
          .where('resolved_at', 'is', null)
          .execute(),
        cards().where('due_at', '>=', from).where('due_at', '<', to).execute()
      ]);
      const byId = new Map<string, CardRow>();
      for (const part of parts) for (const row of part) byId.set(row.task_id, row);
      rows = [...byId.values()];
    } else {
      rows = await cards()
        .$if(byCard, (qb) => qb.select('card'))
        .where((eb) =>
          eb.or([eb('done_at', 'is', null), eb('done_at', '>=', from), eb('due_at', '>=', from)])
        )
        .execute();
    }
    let levels: { workInProgress: number; overdue: number } | null = null;
    if (narrow) {
      // Not done by `to` (not in a done column, or done only after it), in one pass over the
      // index task_cards_levels (migration 21), which holds every column read here.
      const row = await this.db
        .selectFrom('task_cards')
        .select((eb) => [
          eb.fn
            .sum<number | string | null>(
              eb.case().when('started_at', '<', to).then(1).else(0).end()
            )
            .as('wip'),
          eb.fn
            .sum<number | string | null>(eb.case().when('due_at', '<', to).then(1).else(0).end())
            .as('overdue')
        ])
        .where('workspace_id', '=', scope.workspaceId)
        .where((eb) => eb.or([eb('done_at', 'is', null), eb('done_at', '>=', to)]))
        .where(plain)
        .executeTakeFirstOrThrow();
      levels = { workInProgress: Number(row.wip ?? 0), overdue: Number(row.overdue ?? 0) };
    }
    const live: ReportTask[] = [];
    for (const row of rows) {
      let title = '';
      if (byCard) {
        const card = parseJsonObject(row.card ?? '{}');
        if (!cardMatches(scope, card)) continue;
        title = text(card['title']) ?? '';
      }
      live.push({
        id: row.task_id,
        key: row.key_upper,
        title,
        startedAt: text(row.started_at),
        doneAt: text(row.done_at),
        resolvedAt: text(row.resolved_at),
        dueAt: text(row.due_at),
        live: true
      });
    }
    const archivedRows = await this.db
      .selectFrom('archived_tasks')
      .select(['task_id', 'task_key', 'title', 'finished_at', 'card'])
      .where('workspace_id', '=', scope.workspaceId)
      .where('kind', '=', 'task')
      .where('finished_at', '>=', from)
      .execute();
    const archived: ReportTask[] = [];
    for (const row of archivedRows) {
      const card = parseJsonObject(row.card) as CardFields & Record<string, unknown>;
      if (byCard && !cardMatches(scope, card)) continue;
      archived.push({
        id: row.task_id,
        key: row.task_key,
        title: row.title,
        startedAt: text(card.startedAt),
        doneAt: text(card.doneAt) ?? row.finished_at,
        resolvedAt: text(card.resolvedAt),
        dueAt: text(card.dueAt),
        live: false
      });
    }
    return { live, archived, levels };
  }

  /** Titles of live cards by task id (the drill-down names what it lists). */
  async cardTitles(workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
    const titles = new Map<string, string>();
    for (const part of chunks(ids)) {
      const rows = await this.db
        .selectFrom('task_cards')
        .select(['task_id', 'card'])
        .where('workspace_id', '=', workspaceId)
        .where('task_id', 'in', part)
        .execute();
      for (const row of rows)
        titles.set(row.task_id, text(parseJsonObject(row.card)['title']) ?? '');
    }
    return titles;
  }
}

/** Whether any filter that selects incidents is set. */
function filtered(filters: ReportFilters): boolean {
  return (
    filters.service !== undefined ||
    filters.labelIds !== undefined ||
    filters.team !== undefined ||
    filters.severity !== undefined
  );
}
