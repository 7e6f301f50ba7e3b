/**
 * Alert intake and the incident lifecycle (docs/alerts.md). Framework-free: the REST layer
 * (alerts-api.ts) authorises the caller, this decides.
 *
 * Intake is idempotent because Alertmanager is repetitive by design: it re-sends a whole group
 * every `group_interval`, and deliveries may overlap or arrive out of order. So a delivery is
 * decided in one records transaction per integration (`AlertsStore.transaction`): an alert
 * occurrence is a row per (fingerprint, startsAt), re-sends update it, and an incident is opened
 * only by an occurrence that did not exist before. 50 identical deliveries at once give one
 * incident.
 *
 * An incident is a board task of kind incident with the incident's id. The rows are the truth;
 * the card follows them: after the transaction the card is created or moved to show the state,
 * and `board_state` records what the card shows, so a card the process did not finish writing
 * (a crash, a failed write) is written again by `catchUpBoard` at start.
 */
import type * as Y from 'yjs';
import {
  DEFAULT_GENERIC_MAPPING,
  canMoveIncident,
  matchesLabels,
  integrationSettingsSchema,
  type Incident,
  type IncidentEvent,
  type IncidentItem,
  type IncidentState,
  type Integration,
  type IntegrationSettings,
  type IntegrationType,
  type LabelMatcher,
  type MaintenanceWindow,
  type SentMessage,
  type RunbookStep,
  type Severity
} from '../../shared/alerts/schema';
import {
  acknowledgeIncident,
  archiveTask,
  getTask,
  listColumns,
  moveTask,
  updateTask
} from '../../shared/board/board-model';
import type { Priority, TaskLinkInput } from '../../shared/board/schema';
import { MAX_CI_LINKS, ciNamesOf } from './ci-links';
import { boardDocName, ledgerDocName } from '../../shared/doc-name';
import { writeIncidentFacts, type IncidentFact } from '../../shared/alerts/ledger';
import { DomainError } from '../../shared/model/domain-error';
import { generateId } from '../../shared/model/ids';
import { serverOrigin } from '../../../../sync-server/update-origin';
import { hashSecret, randomToken, secretMatches } from '../auth/secrets';
import { RateLimiter, takeToken, type RateLimit, type SharedRateLimits } from '../auth/rate-limit';
import type { BoardDocs } from '../board/board-extension';
import { CardFollower } from '../board/card-follower';
import type { BoardService } from '../board/board-service';
import type { TaskActivityStore } from '../board/activity-store';
import type { Logger } from '../log';
import type { RecordsTransaction } from '../db/records';
import type { NotificationService } from '../notifications/notifications-service';
import type { OncallService } from '../oncall/oncall-service';
import type { RunbookIndex } from '../runbooks/runbooks-store';
import type { NotificationEvent } from '../../shared/notifications/schema';
import { parseDelivery, type IncomingAlert } from './payloads';
import type { CardChange } from './alerts-extension';
import {
  occurrenceBody,
  type AlertRecords,
  type AlertsStore,
  type IncidentRecord,
  type IntegrationRecord,
  type MaintenanceWindowRecord,
  type OccurrenceRecord
} from './alerts-store';

/** Limits of alert intake, with units in their names. */
export const alertDefaults = {
  /** Largest delivery body. */
  maxDeliveryBytes: 1024 * 1024,
  /**
   * Deliveries one integration may make: a burst, refilled over a minute (3,000 a minute: 50 a
   * second, 5,000 alerts a second at Alertmanager's 100 per delivery).
   */
  deliveriesPerIntegration: { burst: 3_000, refillMs: 60_000 } satisfies RateLimit,
  /** A third reopen within this window marks an incident flapping. */
  flappingWindowMs: 60 * 60_000,
  /** A re-sent alert that changed nothing rewrites its row at most this often. */
  receivedRefreshMs: 60_000,
  flappingReopens: 2
};

/** The secret's prefix: tells a reader which kind of credential it is. */
export const INTEGRATION_SECRET_PREFIX = 'rbi_';

const SEVERITY_WORDS: Readonly<Record<string, Severity>> = {
  critical: 'critical',
  crit: 'critical',
  fatal: 'critical',
  emergency: 'critical',
  disaster: 'critical',
  page: 'critical',
  p1: 'critical',
  sev1: 'critical',
  high: 'high',
  error: 'high',
  major: 'high',
  p2: 'high',
  sev2: 'high',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  average: 'warning',
  minor: 'warning',
  p3: 'warning',
  sev3: 'warning',
  info: 'info',
  informational: 'info',
  low: 'info',
  none: 'info',
  ok: 'info',
  p4: 'info',
  p5: 'info',
  sev4: 'info'
};

const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  critical: 4,
  high: 3,
  warning: 2,
  info: 1
};

const SEVERITY_PRIORITY: Readonly<Record<Severity, Priority>> = {
  critical: 'urgent',
  high: 'high',
  warning: 'medium',
  info: 'low'
};

/** The severity a label value names; `warning` when it names none. */
export function severityOf(value: string | undefined): Severity {
  return (value && SEVERITY_WORDS[value.trim().toLowerCase()]) || 'warning';
}

/**
 * The incident title from the alerts that opened it: the alert name, the summary they share,
 * and where (the instance, service or job they share).
 */
export function incidentTitle(alerts: readonly IncomingAlert[]): string {
  const labels = commonLabels(alerts.map((alert) => alert.labels));
  const annotations = commonLabels(alerts.map((alert) => alert.annotations));
  const name = labels['alertname'] ?? alerts[0]?.labels['alertname'] ?? 'Alert';
  const summary = annotations['summary'] ?? annotations['title'];
  const where = labels['instance'] ?? labels['service'] ?? labels['job'];
  const base = summary && summary !== name ? `${name}: ${summary}` : name;
  const title = where && !base.includes(where) ? `${base} (${where})` : base;
  return title.replace(/\s+/g, ' ').trim().slice(0, 300) || 'Alert';
}

export interface IntakeResult {
  /** Alerts in the delivery. */
  alerts: number;
  /** Occurrences this delivery created (re-sends create none). */
  newOccurrences: number;
  /** Incidents opened, reopened or resolved by it, by id. */
  opened: string[];
  reopened: string[];
  resolved: string[];
  truncatedAlerts: number;
}

/** What intake changed in one transaction, for the card writes and the hooks after it. */
interface IntakeChanges extends IntakeResult {
  touched: Set<string>;
  /** Incidents opened or reopened, and incidents resolved, as written (for `lifecycle`). */
  openedRecords: IncidentRecord[];
  resolvedRecords: IncidentRecord[];
}

/**
 * The incident lifecycle as it happens, told after each commit (the metrics, wired in the
 * composition root). Synchronous and cheap; a hook that throws is logged, never fails the call.
 */
export interface IncidentLifecycleHooks {
  /** `count` new alert occurrences arrived in an accepted delivery. */
  onAlertReceived(workspaceId: string, count: number): void;
  /** An incident was opened or reopened. */
  onIncidentOpened(workspaceId: string, incident: IncidentRecord): void;
  /** An incident was acknowledged (a person resolving an unacknowledged one acknowledges it). */
  onIncidentAcknowledged(workspaceId: string, incident: IncidentRecord): void;
  /** An open incident was resolved, by a person or automatically. */
  onIncidentResolved(workspaceId: string, incident: IncidentRecord): void;
}

export interface IncidentView extends Incident {
  events: IncidentEvent[];
  /** The notifications sent (or being sent) about it. */
  notifications: SentMessage[];
  /** Runbook steps checked on its card while it was handled, oldest first. */
  runbookSteps: RunbookStep[];
  /** The configuration items its alerts name. */
  items: IncidentItem[];
}

/** Timeline events that are messages too. */
const NOTIFIED_EVENTS: Partial<Record<IncidentEvent['type'], NotificationEvent>> = {
  opened: 'incident.opened',
  acknowledged: 'incident.acknowledged',
  resolved: 'incident.resolved',
  reopened: 'incident.reopened',
  closed: 'incident.closed'
};

export interface AlertsServiceDeps {
  store: AlertsStore;
  /** Runbooks linked to new incidents by their alert matchers (runbooks-store.ts). */
  runbooks?: Pick<RunbookIndex, 'match'>;
  /**
   * Configuration items by name (cmdb-store.ts), linked to new incidents whose labels name
   * them (ci-links.ts); and their names for the incident page.
   */
  items?: {
    byNames(workspaceId: string, names: readonly string[]): Promise<IncidentItem[]>;
    labels(workspaceId: string, ids: readonly string[]): Promise<IncidentItem[]>;
  };
  /** What integration settings may name. */
  directory?: {
    hasChannel(workspaceId: string, id: string): Promise<boolean>;
    isMember(workspaceId: string, userId: string): Promise<boolean>;
  };
  /** The card's activity (board/activity-store.ts): runbook steps done during the incident. */
  taskActivity?: Pick<TaskActivityStore, 'latest'>;
  /** The messages sent about an incident (notifications-store.ts). */
  sentMessages?: (incidentId: string) => Promise<SentMessage[]>;
  /** Starts incidents' escalations (oncall-service.ts). */
  escalations?: Pick<OncallService, 'startEscalation' | 'hasPolicy'>;
  /** Queues messages with the facts (notifications-service.ts). */
  notifier?: Pick<NotificationService, 'enqueue' | 'kick'>;
  board: Pick<BoardService, 'createTask'>;
  docs: () => Pick<BoardDocs, 'transact'>;
  logger: Logger;
  now?: () => number;
  /** Deliveries one integration may make (default `alertDefaults`; tests: fewer). */
  deliveriesPerIntegration?: RateLimit;
  /** Buckets shared by every node (Redis); absent: this node's own. */
  rateLimits?: SharedRateLimits | null;
  /**
   * An incident was opened by intake, its card written (automatic remediation, composition
   * root). Called without waiting: it never holds up or fails the delivery.
   */
  onIncidentOpened?(workspaceId: string, incident: IncidentRecord): Promise<void>;
  /** Told of alerts received and incidents opened, acknowledged and resolved (metrics). */
  lifecycle?: IncidentLifecycleHooks;
}

function integrationBody(record: IntegrationRecord): Integration {
  return {
    id: record.id,
    type: record.type,
    name: record.name,
    settings: record.settings,
    createdAt: record.createdAt,
    lastReceivedAt: record.lastReceivedAt,
    hookPath: `/api/v1/hooks/${record.type}/${record.id}`
  };
}

function windowBody(record: MaintenanceWindowRecord): MaintenanceWindow {
  return {
    id: record.id,
    integrationId: record.integrationId,
    matchers: record.matchers,
    start: record.startsAt,
    end: record.endsAt,
    reason: record.reason,
    createdAt: record.createdAt,
    createdBy: record.createdBy
  };
}

function notFound(what: string, ref: string): DomainError {
  return new DomainError('not_found', `${what} ${JSON.stringify(ref)} not found`);
}

export class AlertsService {
  private readonly limiter: RateLimiter;
  private readonly now: () => number;
  /** Set when a transaction queued messages: the worker is woken after it commits. */
  private queued = false;
  /** The incident cards: created, then moved to show the incident's state (board/card-follower.ts). */
  private readonly cards: CardFollower<IncidentState, IncidentRecord>;

  constructor(private readonly deps: AlertsServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.limiter = new RateLimiter(
      deps.deliveriesPerIntegration ?? alertDefaults.deliveriesPerIntegration,
      this.now
    );
    this.cards = new CardFollower<IncidentState, IncidentRecord>({
      name: 'alerts',
      load: (id) => this.deps.store.incidentById(id),
      create: (incident) => this.createCard(incident),
      show: (doc, incident) => showState(doc, incident.id, incident.state),
      saved: (incident, key) => this.deps.store.setBoardState(incident.id, incident.state, key),
      after: (ids) => this.mirrorLedger(ids),
      docs: () => this.deps.docs(),
      logger: deps.logger
    });
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  // ------------------------------------------------------------------------------------------
  // Integrations

  async createIntegration(
    workspaceId: string,
    input: { type: IntegrationType; name: string; settings?: IntegrationSettings },
    actorId: string | null
  ): Promise<{ integration: Integration; secret: string }> {
    const secret = `${INTEGRATION_SECRET_PREFIX}${randomToken(52)}`;
    const settings = integrationSettingsSchema.parse(input.settings ?? {});
    if (input.type === 'generic') settings.mapping ??= DEFAULT_GENERIC_MAPPING;
    await this.checkSettings(workspaceId, settings);
    const record = {
      id: generateId(),
      workspaceId,
      type: input.type,
      name: input.name,
      secretHash: hashSecret(secret),
      settings,
      createdAt: this.iso(),
      createdBy: actorId
    };
    await this.deps.store.createIntegration(record);
    return { integration: integrationBody({ ...record, lastReceivedAt: null }), secret };
  }

  async listIntegrations(workspaceId: string): Promise<Integration[]> {
    return (await this.deps.store.listIntegrations(workspaceId)).map(integrationBody);
  }

  async getIntegration(workspaceId: string, id: string): Promise<Integration> {
    const record = await this.deps.store.integration(id);
    if (!record || record.workspaceId !== workspaceId) throw notFound('integration', id);
    return integrationBody(record);
  }

  async updateIntegration(
    workspaceId: string,
    id: string,
    patch: { name?: string; settings?: IntegrationSettings }
  ): Promise<Integration> {
    const current = await this.getIntegration(workspaceId, id);
    const settings = patch.settings
      ? integrationSettingsSchema.parse(patch.settings)
      : current.settings;
    if (current.type === 'generic') settings.mapping ??= DEFAULT_GENERIC_MAPPING;
    await this.checkSettings(workspaceId, settings);
    await this.deps.store.updateIntegration(workspaceId, id, { name: patch.name, settings });
    return this.getIntegration(workspaceId, id);
  }

  /** A new secret; the old one stops working at once. */
  async rotateSecret(workspaceId: string, id: string): Promise<string> {
    await this.getIntegration(workspaceId, id);
    const secret = `${INTEGRATION_SECRET_PREFIX}${randomToken(52)}`;
    await this.deps.store.updateIntegration(workspaceId, id, { secretHash: hashSecret(secret) });
    return secret;
  }

  async deleteIntegration(workspaceId: string, id: string): Promise<void> {
    if (!(await this.deps.store.deleteIntegration(workspaceId, id))) {
      throw notFound('integration', id);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Intake

  /**
   * The integration a hook names, when the secret is its own: unknown (or of another type) →
   * `not_found`, a missing or wrong secret → `invalid_secret`, too many deliveries →
   * `rate_limited`. Checked before the body is read.
   */
  async authenticateHook(
    type: IntegrationType,
    id: string,
    secret: string | null
  ): Promise<IntegrationRecord> {
    const integration = await this.deps.store.integration(id);
    if (!integration || integration.type !== type) throw notFound('integration', id);
    if (secret === null || !secretMatches(secret, integration.secretHash)) {
      throw new DomainError('invalid_secret', 'the integration secret is missing or wrong');
    }
    const waitMs = await takeToken(
      this.deps.rateLimits,
      'intake-integration',
      this.limiter,
      integration.id
    );
    if (waitMs > 0) {
      throw new DomainError('rate_limited', 'too many deliveries for this integration', {
        retryAfterMs: waitMs
      });
    }
    return integration;
  }

  /** Takes one delivery: validates it whole first (a bad one changes nothing), then decides. */
  async receive(integration: IntegrationRecord, body: unknown): Promise<IntakeResult> {
    const delivery = parseDelivery(
      integration.type,
      body,
      integration.settings.mapping ?? DEFAULT_GENERIC_MAPPING
    );
    const now = this.iso();
    const changes = await this.deps.store.transaction(integration.id, (tx, trx) =>
      this.decide(tx, trx, integration, delivery.alerts, now)
    );
    changes.truncatedAlerts = delivery.truncatedAlerts;
    if (delivery.truncatedAlerts > 0) {
      // Alertmanager's max_alerts left some out: their incidents are incomplete until re-sent.
      this.deps.logger.warn('alerts: a delivery left alerts out (max_alerts)', {
        integration: integration.id,
        truncatedAlerts: delivery.truncatedAlerts
      });
    }
    await this.deps.store.touchIntegration(integration.id, now);
    // Cards first: a message names the incident by the key its card gets.
    await this.writeCards([...changes.touched]).finally(() => this.wakeNotifier());
    this.tell((hooks) => {
      const ws = integration.workspaceId;
      hooks.onAlertReceived(ws, changes.newOccurrences);
      for (const incident of changes.openedRecords) hooks.onIncidentOpened(ws, incident);
      for (const incident of changes.resolvedRecords) hooks.onIncidentResolved(ws, incident);
    });
    if (changes.opened.length > 0) this.announceOpened(integration.workspaceId, changes.opened);
    const {
      touched: _touched,
      openedRecords: _opened,
      resolvedRecords: _resolved,
      ...result
    } = changes;
    return result;
  }

  /** Tells the lifecycle hooks, if any; a failing hook is logged and forgotten. */
  private tell(fn: (hooks: IncidentLifecycleHooks) => void): void {
    const hooks = this.deps.lifecycle;
    if (!hooks) return;
    try {
      fn(hooks);
    } catch (error) {
      this.deps.logger.error('alerts: a lifecycle hook failed', { error: String(error) });
    }
  }

  /** Hands incidents just opened to `onIncidentOpened`, in the background, logging failures. */
  private announceOpened(workspaceId: string, ids: readonly string[]): void {
    const hook = this.deps.onIncidentOpened;
    if (!hook) return;
    void (async () => {
      for (const id of ids) {
        try {
          const incident = await this.deps.store.incident(workspaceId, id);
          if (incident) await hook(workspaceId, incident);
        } catch (error) {
          this.deps.logger.error('alerts: the incident-opened hook failed', {
            incident: id,
            error: String(error)
          });
        }
      }
    })();
  }

  private dedupeKey(integration: IntegrationRecord, alert: IncomingAlert): string {
    return integration.settings.groupBy === 'group' && alert.groupKey !== null
      ? `group:${alert.groupKey}`
      : `alert:${alert.fingerprint}`;
  }

  private async decide(
    tx: AlertRecords,
    trx: RecordsTransaction,
    integration: IntegrationRecord,
    alerts: IncomingAlert[],
    now: string
  ): Promise<IntakeChanges> {
    const changes: IntakeChanges = {
      alerts: alerts.length,
      newOccurrences: 0,
      opened: [],
      reopened: [],
      resolved: [],
      truncatedAlerts: 0,
      touched: new Set(),
      openedRecords: [],
      resolvedRecords: []
    };
    const groups = new Map<string, IncomingAlert[]>();
    for (const alert of alerts) {
      const key = this.dedupeKey(integration, alert);
      groups.set(key, [...(groups.get(key) ?? []), alert]);
    }
    const windows = await tx.activeWindows(integration.workspaceId, integration.id, now);
    // Every occurrence of the delivery's fingerprints, in one query.
    const rows = new DeliveryRows(
      await tx.occurrencesOf(integration.id, [...new Set(alerts.map((a) => a.fingerprint))])
    );
    for (const [key, group] of groups) {
      await this.decideGroup(tx, trx, integration, key, group, rows, windows, now, changes);
    }
    return changes;
  }

  /**
   * One alert against the delivery's rows: the occurrence it is (found, or new), and what
   * changed. Nothing is written here; `rows.flush` writes what changed.
   */
  private classify(
    rows: DeliveryRows,
    integration: IntegrationRecord,
    alert: IncomingAlert,
    now: string
  ): { occurrence: OccurrenceRecord; created: boolean; resolved: OccurrenceRecord[] } {
    const known = rows.of(alert.fingerprint);
    let startsAt = alert.startsAt;
    let existing: OccurrenceRecord | undefined;
    if (startsAt === null) {
      // No start time: the fingerprint's current occurrence, or a new one from now.
      const latest = known[0];
      if (latest && (latest.status === 'firing' || alert.status === 'resolved')) existing = latest;
      startsAt = existing?.startsAt ?? now;
    } else {
      existing = known.find((occurrence) => occurrence.startsAt === startsAt);
    }
    if (existing) {
      // Only firing → resolved: a late firing re-send never un-resolves an occurrence.
      const resolvedNow = existing.status === 'firing' && alert.status === 'resolved';
      const changed =
        resolvedNow ||
        JSON.stringify(existing.labels) !== JSON.stringify(alert.labels) ||
        JSON.stringify(existing.annotations) !== JSON.stringify(alert.annotations) ||
        (alert.generatorUrl !== null && alert.generatorUrl !== existing.generatorUrl) ||
        Date.parse(now) - Date.parse(existing.lastReceivedAt) >= alertDefaults.receivedRefreshMs;
      if (changed) {
        Object.assign(existing, {
          status: resolvedNow ? 'resolved' : existing.status,
          endsAt: resolvedNow ? alert.endsAt : existing.endsAt,
          labels: alert.labels,
          annotations: alert.annotations,
          generatorUrl: alert.generatorUrl ?? existing.generatorUrl,
          lastReceivedAt: now
        });
        rows.touch(existing);
      }
      return { occurrence: existing, created: false, resolved: resolvedNow ? [existing] : [] };
    }
    const occurrence: OccurrenceRecord = {
      integrationId: integration.id,
      fingerprint: alert.fingerprint,
      startsAt,
      workspaceId: integration.workspaceId,
      incidentId: null,
      status: alert.status,
      endsAt: alert.status === 'resolved' ? alert.endsAt : null,
      labels: alert.labels,
      annotations: alert.annotations,
      generatorUrl: alert.generatorUrl,
      firstReceivedAt: now,
      lastReceivedAt: now,
      heldBy: null
    };
    // One fingerprint is one alert: a later start means the earlier occurrence ended then
    // (Alertmanager replaced it, or its resolve was never delivered).
    const resolved: OccurrenceRecord[] = [];
    if (occurrence.status === 'firing') {
      for (const older of known) {
        if (older.status === 'firing' && older.startsAt < startsAt) {
          Object.assign(older, { status: 'resolved', endsAt: startsAt, lastReceivedAt: now });
          rows.touch(older);
          resolved.push(older);
        }
      }
    }
    rows.add(occurrence);
    return { occurrence, created: true, resolved };
  }

  private async decideGroup(
    tx: AlertRecords,
    trx: RecordsTransaction,
    integration: IntegrationRecord,
    dedupeKey: string,
    alerts: IncomingAlert[],
    rows: DeliveryRows,
    windows: readonly MaintenanceWindowRecord[],
    now: string,
    changes: IntakeChanges
  ): Promise<void> {
    const fired: { alert: IncomingAlert; occurrence: OccurrenceRecord }[] = [];
    const resolvedNow: OccurrenceRecord[] = [];
    const unattached: OccurrenceRecord[] = [];
    for (const alert of alerts) {
      const result = this.classify(rows, integration, alert, now);
      const occurrence = result.occurrence;
      if (result.created) changes.newOccurrences += 1;
      resolvedNow.push(...result.resolved);
      if (occurrence.status === 'firing' && occurrence.incidentId === null) {
        // Maintenance holds a firing alert back; once no window covers it, it fires for real.
        const holding = windows.find((window) => matchesLabels(window.matchers, alert.labels));
        if (holding) {
          if (occurrence.heldBy !== holding.id) {
            occurrence.heldBy = holding.id;
            rows.touch(occurrence);
          }
          continue;
        }
        if (result.created || occurrence.heldBy !== null) {
          if (occurrence.heldBy !== null) {
            occurrence.heldBy = null;
            rows.touch(occurrence);
          }
          fired.push({ alert, occurrence });
        }
      }
      if (occurrence.incidentId === null && occurrence.heldBy === null) unattached.push(occurrence);
    }

    let incident = await tx.latestIncident(integration.id, dedupeKey);
    const ws = integration.workspaceId;
    const severityLabel = integration.settings.severityLabel;
    if (fired.length > 0) {
      const worst = fired
        .map(({ alert }) => severityOf(alert.labels[severityLabel]))
        .reduce((a, b) => (SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a));
      const open = incident?.state === 'triggered' || incident?.state === 'acknowledged';
      const windowStart = new Date(
        Date.parse(now) - integration.settings.reopenWindowMinutes * 60_000
      ).toISOString();
      if (incident && open) {
        // Firing again in an open incident: it is not cleared any more; severity only rises.
        incident = {
          ...incident,
          alertsClearedAt: null,
          severity:
            SEVERITY_RANK[worst] > SEVERITY_RANK[incident.severity] ? worst : incident.severity,
          updatedAt: now
        };
        await tx.updateIncident(incident);
      } else if (
        incident &&
        incident.state === 'resolved' &&
        incident.resolvedAt !== null &&
        incident.resolvedAt >= windowStart
      ) {
        const since = new Date(Date.parse(now) - alertDefaults.flappingWindowMs).toISOString();
        const recentReopens = await tx.countEvents(incident.id, 'reopened', since);
        const flapping = incident.flapping || recentReopens >= alertDefaults.flappingReopens;
        incident = {
          ...incident,
          state: 'triggered',
          acknowledgedAt: null,
          acknowledgedBy: null,
          resolvedAt: null,
          resolvedBy: null,
          alertsClearedAt: null,
          reopenCount: incident.reopenCount + 1,
          flapping,
          severity:
            SEVERITY_RANK[worst] > SEVERITY_RANK[incident.severity] ? worst : incident.severity,
          updatedAt: now
        };
        await tx.updateIncident(incident);
        await this.record(tx, trx, incident, {
          at: now,
          type: 'reopened',
          actor: null,
          data: { reopenCount: incident.reopenCount }
        });
        if (flapping && recentReopens === alertDefaults.flappingReopens) {
          await this.record(tx, trx, incident, {
            at: now,
            type: 'flapping',
            actor: null,
            data: { reopens: recentReopens + 1 }
          });
        }
        changes.reopened.push(incident.id);
        changes.openedRecords.push(incident);
        await this.startEscalation(
          trx,
          integration,
          incident,
          now,
          incident.escalationPolicyId ?? undefined
        );
      } else {
        const first = fired[0]!.alert;
        // The first routing rule the alerts' shared labels match (or the first alert's).
        const common = commonLabels(fired.map(({ alert }) => alert.labels));
        const rule = integration.settings.rules.find((candidate) =>
          matchesLabels(candidate.match, { ...first.labels, ...common })
        );
        const severity = rule?.severity ?? worst;
        incident = {
          id: generateId(),
          workspaceId: ws,
          integrationId: integration.id,
          dedupeKey,
          title: incidentTitle(fired.map(({ alert }) => alert)),
          severity,
          state: 'triggered',
          labels: { ...common, ...rule?.labels },
          annotations: first.annotations,
          openedAt: now,
          acknowledgedAt: null,
          acknowledgedBy: null,
          resolvedAt: null,
          resolvedBy: null,
          closedAt: null,
          closedBy: null,
          alertsClearedAt: null,
          reopenCount: 0,
          flapping: false,
          boardState: '',
          taskKey: null,
          updatedAt: now,
          routedChannels: rule?.channels ?? null,
          assignee: rule?.assignee ?? null,
          escalationPolicyId: rule?.escalationPolicyId ?? null
        };
        await tx.insertIncident(incident);
        await this.record(tx, trx, incident, {
          at: now,
          type: 'opened',
          actor: null,
          data: {
            fingerprints: fired.map(({ alert }) => alert.fingerprint),
            severity,
            ...(rule ? { rule: integration.settings.rules.indexOf(rule) + 1 } : {})
          }
        });
        changes.opened.push(incident.id);
        changes.openedRecords.push(incident);
        await this.startEscalation(
          trx,
          integration,
          incident,
          now,
          incident.escalationPolicyId ?? undefined
        );
      }
    }

    // Occurrences of this group that belong to no incident yet join the current one.
    if (incident) {
      for (const occurrence of unattached) {
        occurrence.incidentId = incident.id;
        rows.touch(occurrence);
      }
    }
    await rows.flush(tx);
    if (!incident && resolvedNow.length === 0) return;

    if (incident && !changes.opened.includes(incident.id)) {
      for (const { alert, occurrence } of fired) {
        await this.record(tx, trx, incident, {
          at: now,
          type: 'alert_firing',
          actor: null,
          data: { fingerprint: alert.fingerprint, startsAt: occurrence.startsAt }
        });
      }
    }
    if (incident && fired.length > 0) changes.touched.add(incident.id);

    // Resolved alerts go on the timeline of the incident they belong to (after a change of
    // grouping, not the group's current one), which resolves once none of its alerts fires.
    const byIncident = new Map<string, OccurrenceRecord[]>();
    for (const occurrence of resolvedNow) {
      if (occurrence.incidentId === null) continue;
      byIncident.set(occurrence.incidentId, [
        ...(byIncident.get(occurrence.incidentId) ?? []),
        occurrence
      ]);
    }
    for (const [incidentId, resolved] of byIncident) {
      let owner = incident?.id === incidentId ? incident : await tx.incident(ws, incidentId);
      if (!owner) continue;
      for (const occurrence of resolved) {
        await this.record(tx, trx, owner, {
          at: now,
          type: 'alert_resolved',
          actor: null,
          data: { fingerprint: occurrence.fingerprint, endsAt: occurrence.endsAt }
        });
      }
      changes.touched.add(owner.id);
      const open = owner.state === 'triggered' || owner.state === 'acknowledged';
      if (!open || owner.alertsClearedAt !== null || (await tx.hasFiring(owner.id))) continue;
      if (integration.settings.autoResolve === 'resolve') {
        owner = { ...owner, state: 'resolved', resolvedAt: now, resolvedBy: null, updatedAt: now };
        await tx.updateIncident(owner);
        await this.record(tx, trx, owner, {
          at: now,
          type: 'resolved',
          actor: null,
          // The severity at the event: the reports group MTTR by it, as the metric does.
          data: { automatic: true, severity: owner.severity }
        });
        changes.resolved.push(owner.id);
        changes.resolvedRecords.push(owner);
      } else {
        owner = { ...owner, alertsClearedAt: now, updatedAt: now };
        await tx.updateIncident(owner);
        await this.record(tx, trx, owner, {
          at: now,
          type: 'alerts_cleared',
          actor: null,
          data: {}
        });
      }
      if (incident?.id === owner.id) incident = owner;
    }
  }

  /**
   * Adds an event to the incident's timeline and, for the events channels get, queues the
   * message in the same transaction (idempotency key: the incident and the event's number).
   */
  private async record(
    tx: AlertRecords,
    trx: RecordsTransaction,
    incident: Pick<IncidentRecord, 'id' | 'workspaceId' | 'routedChannels'>,
    event: Pick<IncidentEvent, 'at' | 'type' | 'actor' | 'data'>
  ): Promise<void> {
    const { id: incidentId, workspaceId } = incident;
    const seq = await tx.addEvent(workspaceId, incidentId, event);
    const notification = NOTIFIED_EVENTS[event.type];
    if (notification === undefined || !this.deps.notifier) return;
    await this.deps.notifier.enqueue(
      trx,
      workspaceId,
      notification,
      `incident:${incidentId}:${seq}`,
      {
        incidentId,
        actorId: event.actor,
        automatic: event.data['automatic'] === true,
        comment: typeof event.data['comment'] === 'string' ? event.data['comment'] : null,
        ...(typeof event.data['user'] === 'string'
          ? { actorName: `${event.data['user']} (${String(event.data['via'] ?? 'chat')})` }
          : {}),
        at: event.at
      },
      incident.routedChannels ?? undefined
    );
    this.queued = true;
  }

  // ------------------------------------------------------------------------------------------
  // Maintenance windows

  async createWindow(
    workspaceId: string,
    input: {
      integrationId?: string;
      matchers: LabelMatcher[];
      start: string;
      end: string;
      reason: string;
    },
    actorId: string | null
  ): Promise<MaintenanceWindow> {
    if (input.integrationId !== undefined)
      await this.getIntegration(workspaceId, input.integrationId);
    const record: MaintenanceWindowRecord = {
      id: generateId(),
      workspaceId,
      integrationId: input.integrationId ?? null,
      matchers: input.matchers,
      startsAt: new Date(input.start).toISOString(),
      endsAt: new Date(input.end).toISOString(),
      reason: input.reason,
      createdAt: this.iso(),
      createdBy: actorId
    };
    await this.deps.store.createWindow(record);
    return windowBody(record);
  }

  /** Current and coming windows, soonest first. */
  async listWindows(workspaceId: string): Promise<MaintenanceWindow[]> {
    return (await this.deps.store.listWindows(workspaceId, this.iso())).map(windowBody);
  }

  /** Ends a window now; alerts it held open incidents at their next delivery. */
  async endWindow(workspaceId: string, id: string): Promise<void> {
    if (!(await this.deps.store.endWindow(workspaceId, id, this.iso()))) {
      throw notFound('maintenance window', id);
    }
  }

  /** Firing alerts that maintenance holds back, newest first. */
  async heldAlerts(workspaceId: string, page: { limit: number; offset: number }) {
    const held = await this.deps.store.heldOccurrences(workspaceId, page);
    return { items: held.items.map(occurrenceBody), total: held.total };
  }

  // ------------------------------------------------------------------------------------------
  // Incidents

  private async findIncident(workspaceId: string, ref: string): Promise<IncidentRecord> {
    const incident =
      (await this.deps.store.incident(workspaceId, ref)) ??
      (await this.deps.store.incidentByKey(workspaceId, ref));
    if (!incident) throw notFound('incident', ref);
    return incident;
  }

  /** A page of incidents, newest first, and how many match; occurrences read in one query. */
  async listIncidents(
    workspaceId: string,
    query: { state?: IncidentState | 'open'; limit?: number; offset?: number }
  ): Promise<{ items: Incident[]; total: number }> {
    const page = await this.deps.store.listIncidents(workspaceId, query);
    const occurrences = await this.deps.store.occurrencesOfIncidents(
      page.items.map((incident) => incident.id)
    );
    return {
      items: page.items.map((incident) =>
        this.incidentBodyOf(incident, occurrences.get(incident.id) ?? [])
      ),
      total: page.total
    };
  }

  async getIncident(workspaceId: string, ref: string): Promise<IncidentView> {
    const incident = await this.findIncident(workspaceId, ref);
    return {
      ...(await this.incidentBody(incident)),
      events: await this.deps.store.events(incident.id),
      notifications: (await this.deps.sentMessages?.(incident.id)) ?? [],
      runbookSteps: await this.runbookSteps(workspaceId, incident.id),
      items: await this.itemsOf(workspaceId, incident.id)
    };
  }

  private async itemsOf(workspaceId: string, incidentId: string): Promise<IncidentItem[]> {
    const ids = await this.deps.store.itemsOf(incidentId);
    if (ids.length === 0 || !this.deps.items) return [];
    return (await this.deps.items.labels(workspaceId, ids)).sort((a, b) =>
      a.name.localeCompare(b.name)
    );
  }

  private async runbookSteps(workspaceId: string, taskId: string): Promise<RunbookStep[]> {
    const entries = (await this.deps.taskActivity?.latest(workspaceId, taskId, 500)) ?? [];
    return entries
      .filter((e) => e.action === 'run_step_checked' || e.action === 'run_step_unchecked')
      .map((e) => ({
        at: e.at,
        by: e.by,
        step: typeof e.to === 'string' ? e.to : '',
        done: e.action === 'run_step_checked'
      }))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  private async incidentBody(incident: IncidentRecord): Promise<Incident> {
    return this.incidentBodyOf(incident, await this.deps.store.occurrences(incident.id));
  }

  private incidentBodyOf(incident: IncidentRecord, occurrences: OccurrenceRecord[]): Incident {
    return {
      id: incident.id,
      key: incident.taskKey,
      title: incident.title,
      state: incident.state,
      severity: incident.severity,
      integrationId: incident.integrationId,
      labels: incident.labels,
      annotations: incident.annotations,
      openedAt: incident.openedAt,
      acknowledgedAt: incident.acknowledgedAt,
      acknowledgedBy: incident.acknowledgedBy,
      resolvedAt: incident.resolvedAt,
      resolvedBy: incident.resolvedBy,
      closedAt: incident.closedAt,
      alertsClearedAt: incident.alertsClearedAt,
      reopenCount: incident.reopenCount,
      flapping: incident.flapping,
      occurrences: occurrences.map(occurrenceBody)
    };
  }

  /**
   * A person moves the incident: acknowledge, resolve, or close (after review). Moves the
   * lifecycle forbids → `invalid_transition`; doing what is already done answers the incident
   * as it is (a retried request, a second responder).
   */
  async transition(
    workspaceId: string,
    ref: string,
    to: Exclude<IncidentState, 'triggered'>,
    /** The member; null for someone outside Runboard (a chat button: `via`). */
    actorId: string | null,
    comment?: string,
    via?: { channel: string; user: string }
  ): Promise<IncidentView> {
    const found = await this.findIncident(workspaceId, ref);
    const now = this.iso();
    const moved = await this.deps.store.transaction(found.integrationId, async (tx, trx) => {
      const incident = await tx.incident(workspaceId, found.id);
      if (!incident) throw notFound('incident', ref);
      if (incident.state === to) return null;
      if (!canMoveIncident(incident.state, to)) {
        throw new DomainError(
          'invalid_transition',
          `an incident that is ${incident.state} cannot become ${to}`,
          { details: { from: incident.state, to } }
        );
      }
      const next: IncidentRecord = { ...incident, state: to, updatedAt: now };
      if (to === 'acknowledged')
        Object.assign(next, { acknowledgedAt: now, acknowledgedBy: actorId });
      if (to === 'resolved') {
        Object.assign(next, { resolvedAt: now, resolvedBy: actorId });
        // Resolved without an acknowledgement: the resolution acknowledged it too (MTTA).
        if (next.acknowledgedAt === null) {
          Object.assign(next, { acknowledgedAt: now, acknowledgedBy: actorId });
        }
      }
      if (to === 'closed') Object.assign(next, { closedAt: now, closedBy: actorId });
      await tx.updateIncident(next);
      await this.record(tx, trx, incident, {
        at: now,
        type: to,
        actor: actorId,
        data: {
          // The severity at the event: the reports group MTTA and MTTR by it, as the metric does.
          ...(to === 'closed' ? {} : { severity: next.severity }),
          ...(comment ? { comment } : {}),
          ...(via ? { via: via.channel, user: via.user } : {})
        }
      });
      return { before: incident, after: next };
    });
    if (moved) {
      const { before, after } = moved;
      this.tell((hooks) => {
        if (before.acknowledgedAt === null && after.acknowledgedAt !== null) {
          hooks.onIncidentAcknowledged(workspaceId, after);
        }
        if (to === 'resolved') hooks.onIncidentResolved(workspaceId, after);
      });
      await this.writeCards([found.id], actorId).finally(() => this.wakeNotifier());
    }
    return this.getIncident(workspaceId, found.id);
  }

  private async startEscalation(
    trx: RecordsTransaction,
    integration: IntegrationRecord,
    incident: IncidentRecord,
    now: string,
    rulePolicyId?: string
  ): Promise<void> {
    const policyId = rulePolicyId ?? integration.settings.escalationPolicyId;
    if (policyId === undefined || !this.deps.escalations) return;
    await this.deps.escalations.startEscalation(trx, incident, policyId, now);
  }

  /** Refuses settings that name an escalation policy the workspace does not have. */
  /** Refuses settings that name a policy, channel or member the workspace does not have. */
  private async checkSettings(workspaceId: string, settings: IntegrationSettings): Promise<void> {
    const problems: { path: string; message: string }[] = [];
    const policyExists = async (id: string) =>
      this.deps.escalations !== undefined &&
      (await this.deps.escalations.hasPolicy(workspaceId, id));
    if (settings.escalationPolicyId && !(await policyExists(settings.escalationPolicyId))) {
      problems.push({ path: 'settings.escalationPolicyId', message: 'no such escalation policy' });
    }
    for (const [i, rule] of settings.rules.entries()) {
      const path = `settings.rules.${i}`;
      if (rule.escalationPolicyId && !(await policyExists(rule.escalationPolicyId))) {
        problems.push({ path: `${path}.escalationPolicyId`, message: 'no such escalation policy' });
      }
      for (const [j, channelId] of (rule.channels ?? []).entries()) {
        if (
          this.deps.directory &&
          !(await this.deps.directory.hasChannel(workspaceId, channelId))
        ) {
          problems.push({ path: `${path}.channels.${j}`, message: 'no such channel' });
        }
      }
      if (
        rule.assignee &&
        this.deps.directory &&
        !(await this.deps.directory.isMember(workspaceId, rule.assignee))
      ) {
        problems.push({ path: `${path}.assignee`, message: 'not a member' });
      }
    }
    if (problems.length > 0) {
      throw new DomainError('invalid_input', 'the settings name what does not exist', {
        details: problems
      });
    }
  }

  private wakeNotifier(): void {
    if (!this.queued) return;
    this.queued = false;
    this.deps.notifier?.kick();
  }

  /**
   * A member changed an incident's card on the board (alerts-extension.ts): acknowledging it or
   * moving it into a done column asks for that move; anything the lifecycle does not allow
   * (a resolved incident dragged back, a card moved to another stage) puts the card back where
   * the incident's state shows it. Incident tasks made by hand have no incident: left alone.
   */
  async cardChanged(
    workspaceId: string,
    taskId: string,
    change: CardChange,
    actorId: string
  ): Promise<void> {
    const incident = await this.deps.store.incident(workspaceId, taskId);
    if (!incident || incident.boardState === '') return;
    const to =
      change === 'acknowledged' ? 'acknowledged' : change === 'resolved' ? 'resolved' : null;
    if (to !== null && canMoveIncident(incident.state, to)) {
      await this.transition(workspaceId, taskId, to, actorId);
      return;
    }
    if (to === incident.state) return;
    await this.writeCards([taskId], null, { force: true });
  }

  /** Adds a note to the incident's timeline. */
  async addNote(
    workspaceId: string,
    ref: string,
    text: string,
    actorId: string
  ): Promise<IncidentView> {
    const found = await this.findIncident(workspaceId, ref);
    await this.deps.store.transaction(found.integrationId, (tx, trx) =>
      this.record(tx, trx, found, {
        at: this.iso(),
        type: 'note',
        actor: actorId,
        data: { comment: text }
      })
    );
    return this.getIncident(workspaceId, found.id);
  }

  /** The review runbook an incident has, if one was started. */
  async reviewOf(workspaceId: string, ref: string): Promise<string | null> {
    const incident = await this.findIncident(workspaceId, ref);
    const started = (await this.deps.store.events(incident.id)).find(
      (event) => event.type === 'review_started'
    );
    const id = started?.data['runbookId'];
    return typeof id === 'string' ? id : null;
  }

  /** Notes the review runbook on the timeline and links it from the incident's card. */
  async noteReview(
    workspaceId: string,
    ref: string,
    runbookId: string,
    actorId: string
  ): Promise<void> {
    const found = await this.findIncident(workspaceId, ref);
    await this.deps.store.transaction(found.integrationId, async (tx, trx) => {
      await this.record(tx, trx, found, {
        at: this.iso(),
        type: 'review_started',
        actor: actorId,
        data: { runbookId }
      });
    });
    await this.deps
      .docs()
      .transact(
        boardDocName(workspaceId),
        (doc: Y.Doc) => {
          const task = getTask(doc, found.id);
          if (!task || task.links.some((l) => l.type === 'runbook' && l.target === runbookId)) {
            return;
          }
          updateTask(doc, found.id, {
            links: [
              ...task.links.map(({ type, target }) => ({ type, target })),
              { type: 'runbook', target: runbookId }
            ]
          });
        },
        serverOrigin(actorId)
      )
      .catch((error: unknown) => {
        // The card may be archived: the timeline still names the review.
        this.deps.logger.info('alerts: review not linked on the card', {
          incident: found.id,
          error: String(error)
        });
      });
  }

  // ------------------------------------------------------------------------------------------
  // The board cards

  /** Writes the cards of `ids` (one at a time, process-wide), then mirrors them to the ledger. */
  private writeCards(
    ids: readonly string[],
    actorId: string | null = null,
    options: { force?: boolean } = {}
  ): Promise<void> {
    return this.cards.write(ids, actorId, options);
  }

  /** Writes every card that does not show its incident's state (start-up, retries). */
  async catchUpBoard(): Promise<number> {
    const behind = await this.deps.store.incidentsBehindBoard();
    await this.writeCards(behind.map((incident) => incident.id));
    return behind.length;
  }

  /** Mirrors the incidents' facts into their workspaces' ledger documents (read-only there). */
  private async mirrorLedger(ids: readonly string[]): Promise<void> {
    const byWorkspace = new Map<string, IncidentFact[]>();
    for (const id of new Set(ids)) {
      const incident = await this.deps.store.incidentById(id);
      if (!incident) continue;
      // Counted in the database: intake calls this after every delivery that changed something.
      const counts = await this.deps.store.occurrenceCounts(id);
      const facts = byWorkspace.get(incident.workspaceId) ?? [];
      facts.push({
        id: incident.id,
        key: incident.taskKey,
        title: incident.title,
        state: incident.state,
        severity: incident.severity,
        openedAt: incident.openedAt,
        acknowledgedAt: incident.acknowledgedAt,
        acknowledgedBy: incident.acknowledgedBy,
        resolvedAt: incident.resolvedAt,
        closedAt: incident.closedAt,
        alerts: counts.alerts,
        firing: counts.firing,
        flapping: incident.flapping,
        updatedAt: incident.updatedAt
      });
      byWorkspace.set(incident.workspaceId, facts);
    }
    for (const [workspaceId, facts] of byWorkspace) {
      try {
        await this.deps
          .docs()
          .transact(ledgerDocName(workspaceId), (doc: Y.Doc) =>
            writeIncidentFacts(doc, facts, this.now())
          );
      } catch (error) {
        // The ledger is a mirror: the next change of these incidents writes them again.
        this.deps.logger.warn('alerts: ledger not written', {
          workspace: workspaceId,
          error: String(error)
        });
      }
    }
  }

  /** Creates the card of a new incident, with its alert and runbook links; answers its key. */
  private async createCard(incident: IncidentRecord): Promise<string | null> {
    const ws = incident.workspaceId;
    const links: TaskLinkInput[] = [
      ...new Set((await this.deps.store.occurrences(incident.id)).map((o) => o.fingerprint))
    ]
      .slice(0, 20)
      .map((fingerprint) => ({ type: 'alert', target: fingerprint }));
    // Enrichment: runbooks whose alert matchers name the service or alert name.
    // Which labels name the service and the alert is the integration's to say.
    const settings = (await this.deps.store.integration(incident.integrationId))?.settings;
    const service = incident.labels[settings?.serviceLabel ?? 'service'];
    const alertname = incident.labels[settings?.alertnameLabel ?? 'alertname'];
    const runbooks = this.deps.runbooks
      ? await this.deps.runbooks.match(ws, {
          ...(service ? { service } : {}),
          ...(alertname ? { alertname } : {})
        })
      : [];
    for (const runbook of runbooks.slice(0, 5)) {
      links.push({ type: 'runbook', target: runbook.id });
    }
    // The configuration items its labels name: linked on the card and recorded, so "what
    // changed" and the item's history find the incident.
    const items =
      settings && this.deps.items
        ? (await this.deps.items.byNames(ws, ciNamesOf(incident.labels, settings))).slice(
            0,
            MAX_CI_LINKS
          )
        : [];
    await this.deps.store.linkItems(
      incident.id,
      items.map((item) => item.id)
    );
    for (const item of items) links.push({ type: 'ci', target: item.id });
    const task = await this.deps.board.createTask(
      ws,
      {
        title: incident.title,
        kind: 'incident',
        priority: SEVERITY_PRIORITY[incident.severity],
        links,
        ...(incident.assignee ? { assignee: incident.assignee } : {})
      },
      null,
      { id: incident.id }
    );
    return task.key;
  }
}

/**
 * The occurrences one delivery touches: read in one query, changed in memory, written once per
 * group (one insert for the new, an update for each changed row).
 */
class DeliveryRows {
  private readonly byFingerprint = new Map<string, OccurrenceRecord[]>();
  private inserts: OccurrenceRecord[] = [];
  private readonly dirty = new Set<OccurrenceRecord>();

  constructor(existing: readonly OccurrenceRecord[]) {
    for (const occurrence of existing) {
      const list = this.byFingerprint.get(occurrence.fingerprint) ?? [];
      list.push(occurrence);
      this.byFingerprint.set(occurrence.fingerprint, list);
    }
    for (const list of this.byFingerprint.values()) {
      list.sort((a, b) => (a.startsAt < b.startsAt ? 1 : a.startsAt > b.startsAt ? -1 : 0));
    }
  }

  /** The fingerprint's occurrences, latest start first. */
  of(fingerprint: string): OccurrenceRecord[] {
    return this.byFingerprint.get(fingerprint) ?? [];
  }

  add(occurrence: OccurrenceRecord): void {
    const list = this.of(occurrence.fingerprint);
    list.unshift(occurrence);
    list.sort((a, b) => (a.startsAt < b.startsAt ? 1 : a.startsAt > b.startsAt ? -1 : 0));
    this.byFingerprint.set(occurrence.fingerprint, list);
    this.inserts.push(occurrence);
  }

  touch(occurrence: OccurrenceRecord): void {
    if (!this.inserts.includes(occurrence)) this.dirty.add(occurrence);
  }

  async flush(tx: AlertRecords): Promise<void> {
    const inserts = this.inserts;
    this.inserts = [];
    await tx.insertOccurrences(inserts);
    for (const occurrence of this.dirty) await tx.updateOccurrence(occurrence);
    this.dirty.clear();
  }
}

/** The entries every one of `labelSets` shares. */
function commonLabels(labelSets: readonly Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = labelSets;
  if (!first) return {};
  return Object.fromEntries(
    Object.entries(first).filter(([name, value]) => rest.every((labels) => labels[name] === value))
  );
}

/** Moves the card to the column of `state`: todo, in progress, done; closed archives it. */
function showState(doc: Y.Doc, id: string, state: IncidentState): void {
  const task = getTask(doc, id);
  if (!task) throw new DomainError('not_found', `task ${id} is not on the board`);
  const columns = listColumns(doc);
  const category =
    state === 'triggered' ? 'todo' : state === 'acknowledged' ? 'in_progress' : 'done';
  const current = columns.find((column) => column.id === task.status);
  if (state === 'acknowledged') acknowledgeIncident(doc, id);
  if (current?.category !== category) {
    const target = columns.find((column) => column.category === category);
    if (target) moveTask(doc, id, { status: target.id });
  }
  if (state === 'closed' && task.archivedAt === null) archiveTask(doc, id);
}
