/**
 * What the report filters match (docs/kpis.md, "Filters"), as Runboard records things today:
 *
 * - `service`: an incident's service is the value of its integration's service label
 *   (`settings.serviceLabel`, default `service`), else a linked CI of type service; the filter
 *   matches either (the CI by name, case-insensitive). A task or change matches by a board label
 *   of that name or a link to (change: an item that is) a CI of type service of that name.
 * - `label`: a board label (by name or id) on the card of the task, incident or change.
 * - `team`: the escalation policy an incident was routed to (the routing rule's, else the
 *   integration's), by name (case-insensitive) or id: the on-call team that is paged for it.
 *   Tasks, changes and runs have no team.
 * - `severity`: the incident's current severity. Tasks, changes and runs have none.
 *
 * Pure functions over rows and the scope the store reads once per report.
 */

export interface ReportFilters {
  service?: string | undefined;
  /** The `label` filter as given (a board label's name or id). */
  label?: string | undefined;
  /** Board label ids the `label` filter names (resolved by reports-api.ts); [] matches nothing. */
  labelIds?: readonly string[] | undefined;
  /** Board label ids whose name is the `service` filter's (tasks carry services as labels). */
  serviceLabelIds?: readonly string[] | undefined;
  team?: string | undefined;
  severity?: string | undefined;
}

/** What matching needs of the workspace, read once per report (reports-store.ts `scope`). */
export interface ReportScope {
  workspaceId: string;
  filters: ReportFilters;
  /** Per integration id: the label naming the service, and its escalation policy. */
  integrations: ReadonlyMap<string, { serviceLabel: string; policyId: string | null }>;
  /** Escalation policy names by id. */
  policies: ReadonlyMap<string, string>;
  /** Ids of the CIs of type service the `service` filter names. */
  serviceItems: ReadonlySet<string>;
}

function same(a: string | null, b: string): boolean {
  return a !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Whether an incident with these properties passes the filters. */
export function incidentMatches(
  scope: ReportScope,
  incident: {
    severity: string;
    service: string | null;
    serviceCi: string | null;
    policyId: string | null;
    team: string | null;
    labels: readonly string[];
  }
): boolean {
  const { service, labelIds, team, severity } = scope.filters;
  if (severity !== undefined && incident.severity !== severity) return false;
  if (
    service !== undefined &&
    !same(incident.service, service) &&
    !same(incident.serviceCi, service)
  ) {
    return false;
  }
  if (team !== undefined && incident.policyId !== team && !same(incident.team, team)) return false;
  if (labelIds !== undefined && !incident.labels.some((label) => labelIds.includes(label))) {
    return false;
  }
  return true;
}

function cardLabels(card: Record<string, unknown>): string[] {
  return Array.isArray(card['labels'])
    ? card['labels'].filter((label): label is string => typeof label === 'string')
    : [];
}

/** Whether a board card (parsed JSON) passes the label filter (true without one). */
export function cardHasLabel(scope: ReportScope, card: Record<string, unknown>): boolean {
  const { labelIds } = scope.filters;
  return labelIds === undefined || cardLabels(card).some((label) => labelIds.includes(label));
}

/**
 * Whether a board card passes the service filter by its labels or CI links (true without one).
 */
export function cardHasService(scope: ReportScope, card: Record<string, unknown>): boolean {
  const { service, serviceLabelIds } = scope.filters;
  if (service === undefined) return true;
  if (cardLabels(card).some((label) => serviceLabelIds?.includes(label) ?? false)) return true;
  const links = Array.isArray(card['links']) ? (card['links'] as unknown[]) : [];
  return links.some((link) => {
    if (link === null || typeof link !== 'object') return false;
    const { type, target } = link as { type?: unknown; target?: unknown };
    return type === 'ci' && typeof target === 'string' && scope.serviceItems.has(target);
  });
}

/** Whether a board card (task card, parsed JSON) passes the service and label filters. */
export function cardMatches(scope: ReportScope, card: Record<string, unknown>): boolean {
  return cardHasLabel(scope, card) && cardHasService(scope, card);
}
