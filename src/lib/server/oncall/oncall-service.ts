/**
 * On-call (docs/oncall.md): schedules (a rotation in the team's time zone, plus overrides), who
 * is on call now, each schedule's calendar feed, escalation policies, and the escalation of
 * incidents.
 *
 * Escalation: an incident of an integration with a policy starts its escalation in the intake
 * transaction that opens (or reopens) it: step 0 is due `afterMinutes` after that. The worker
 * (`tick`, every few seconds; tests call it with their own clock) takes due steps one at a time
 * under the incident's integration lock, so intake, acknowledgements and steps never interleave:
 * an incident no longer triggered (acknowledged, resolved) stops its escalation and nobody is
 * paged; otherwise each target is paged through the outbox (idempotency key per incident, round
 * and step: a step is sent once however often `tick` runs) and the step goes on the timeline.
 */
import { DomainError } from '../../shared/model/domain-error';
import { generateId } from '../../shared/model/ids';
import type {
  EscalationPolicy,
  EscalationStep,
  OnCall,
  Rotation,
  Schedule,
  StepTarget
} from '../../shared/oncall/schema';
import { hashSecret, randomToken, secretMatches } from '../auth/secrets';
import type { AlertRecords, AlertsStore } from '../alerts/alerts-store';
import type { RecordsTransaction } from '../db/records';
import type { Logger } from '../log';
import type { NotificationService } from '../notifications/notifications-service';
import type { NotificationsStore } from '../notifications/notifications-store';
import type { EscalationRecord, OncallStore, PolicyRecord, ScheduleRecord } from './oncall-store';
import { isTimeZone } from '../../shared/zoned-time';
import { onCallAt, shiftsBetween, type Override } from './rotation';

export interface MemberInfo {
  name: string;
  email: string;
}

/** A target of a step as it is paged: its channel, and the member (none for a channel). */
interface PagedTarget {
  channelId: string;
  member: MemberInfo | null;
  /** The member's user id (none for a channel). */
  userId: string | null;
}

export interface OncallServiceDeps {
  store: OncallStore;
  alerts: Pick<AlertsStore, 'transaction' | 'incidentById'>;
  channels: Pick<NotificationsStore, 'channel'>;
  notifier: Pick<NotificationService, 'enqueueTo' | 'kick'>;
  /** The workspace's members by user id. */
  members(workspaceId: string): Promise<Map<string, MemberInfo>>;
  logger: Logger;
  now?: () => number;
  /** How often the escalation worker looks for due steps. */
  tickMs?: number;
}

/** How far ahead the calendar feed lists shifts. */
const FEED_DAYS = 90;

function feedPath(workspaceId: string, scheduleId: string, token: string): string {
  return `/api/v1/workspaces/${workspaceId}/oncall/schedules/${scheduleId}/feed.ics?token=${token}`;
}

function icsTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** ICS text: commas, semicolons and backslashes escaped, lines folded at 75 octets. */
function icsText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

function fold(line: string): string {
  const out: string[] = [];
  let rest = line;
  while (Buffer.byteLength(rest, 'utf8') > 75) {
    let cut = 75;
    while (Buffer.byteLength(rest.slice(0, cut), 'utf8') > 75) cut -= 1;
    out.push(rest.slice(0, cut));
    rest = ` ${rest.slice(cut)}`;
  }
  out.push(rest);
  return out.join('\r\n');
}

export class OncallService {
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private ticking: Promise<number> | null = null;

  constructor(private readonly deps: OncallServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  // ------------------------------------------------------------------------------------------
  // Schedules

  private async checkRotation(workspaceId: string, timeZone: string, rotation: Rotation) {
    if (!isTimeZone(timeZone)) {
      throw new DomainError('invalid_input', `unknown time zone ${JSON.stringify(timeZone)}`, {
        details: [{ path: 'timeZone', message: 'an IANA time zone such as Asia/Shanghai' }]
      });
    }
    const members = await this.deps.members(workspaceId);
    const strangers = rotation.participants.filter((id) => !members.has(id));
    if (strangers.length > 0) {
      throw new DomainError('invalid_input', 'every participant must be a member', {
        details: [
          { path: 'rotation.participants', message: `not members: ${strangers.join(', ')}` }
        ]
      });
    }
  }

  private async requireSchedule(workspaceId: string, id: string): Promise<ScheduleRecord> {
    const schedule = await this.deps.store.schedule(id);
    if (!schedule || schedule.workspaceId !== workspaceId) {
      throw new DomainError('not_found', `schedule ${JSON.stringify(id)} not found`);
    }
    return schedule;
  }

  async createSchedule(
    workspaceId: string,
    input: { name: string; timeZone: string; rotation: Rotation },
    actorId: string | null
  ): Promise<{ schedule: Schedule; feedToken: string }> {
    await this.checkRotation(workspaceId, input.timeZone, input.rotation);
    const feedToken = randomToken(40);
    const record: ScheduleRecord = {
      id: generateId(),
      workspaceId,
      name: input.name,
      timeZone: input.timeZone,
      rotation: input.rotation,
      feedTokenHash: hashSecret(feedToken),
      createdAt: this.iso(),
      createdBy: actorId
    };
    await this.deps.store.createSchedule(record);
    return { schedule: await this.scheduleBody(record, feedToken), feedToken };
  }

  private async overridesOf(schedule: ScheduleRecord, after: number): Promise<Override[]> {
    const rows = await this.deps.store.overrides(schedule.id, new Date(after).toISOString());
    return rows.map((row) => ({
      userId: row.userId,
      start: Date.parse(row.startsAt),
      end: Date.parse(row.endsAt)
    }));
  }

  /** Who `schedule` has on call at `at` (now by default), with their name. */
  async onCall(workspaceId: string, scheduleId: string, at?: number): Promise<OnCall | null> {
    const schedule = await this.requireSchedule(workspaceId, scheduleId);
    return this.onCallOf(schedule, at ?? this.now());
  }

  private async onCallOf(schedule: ScheduleRecord, at: number): Promise<OnCall | null> {
    const shift = onCallAt(
      schedule.rotation,
      schedule.timeZone,
      await this.overridesOf(schedule, at),
      at
    );
    if (!shift) return null;
    const members = await this.deps.members(schedule.workspaceId);
    const member = members.get(shift.userId);
    return {
      userId: shift.userId,
      name: member?.name || member?.email || shift.userId,
      from: new Date(shift.start).toISOString(),
      until: new Date(shift.end).toISOString()
    };
  }

  private async scheduleBody(record: ScheduleRecord, feedToken?: string): Promise<Schedule> {
    const now = this.now();
    const overrides = await this.deps.store.overrides(record.id, new Date(now).toISOString());
    return {
      id: record.id,
      name: record.name,
      timeZone: record.timeZone,
      rotation: record.rotation,
      overrides: overrides.map((o) => ({
        id: o.id,
        userId: o.userId,
        start: o.startsAt,
        end: o.endsAt
      })),
      onCallNow: await this.onCallOf(record, now),
      feedPath: feedPath(record.workspaceId, record.id, feedToken ?? '<token>'),
      createdAt: record.createdAt
    };
  }

  async listSchedules(workspaceId: string): Promise<Schedule[]> {
    const records = await this.deps.store.listSchedules(workspaceId);
    return Promise.all(records.map((record) => this.scheduleBody(record)));
  }

  async getSchedule(workspaceId: string, id: string): Promise<Schedule> {
    return this.scheduleBody(await this.requireSchedule(workspaceId, id));
  }

  async updateSchedule(
    workspaceId: string,
    id: string,
    patch: { name?: string; timeZone?: string; rotation?: Rotation }
  ): Promise<Schedule> {
    const current = await this.requireSchedule(workspaceId, id);
    await this.checkRotation(
      workspaceId,
      patch.timeZone ?? current.timeZone,
      patch.rotation ?? current.rotation
    );
    await this.deps.store.updateSchedule(id, patch);
    return this.getSchedule(workspaceId, id);
  }

  /** A new calendar feed address; the old one stops working. */
  async rotateFeedToken(workspaceId: string, id: string): Promise<string> {
    await this.requireSchedule(workspaceId, id);
    const token = randomToken(40);
    await this.deps.store.setFeedTokenHash(id, hashSecret(token));
    return feedPath(workspaceId, id, token);
  }

  async deleteSchedule(workspaceId: string, id: string): Promise<void> {
    await this.requireSchedule(workspaceId, id);
    const used = (await this.deps.store.listPolicies(workspaceId)).filter((policy) =>
      policy.steps.some((step) =>
        step.targets.some((t) => t.type === 'schedule' && t.scheduleId === id)
      )
    );
    if (used.length > 0) {
      throw new DomainError(
        'conflict',
        `the schedule is used by escalation policies: ${used.map((p) => p.name).join(', ')}`
      );
    }
    await this.deps.store.deleteSchedule(id);
  }

  async addOverride(
    workspaceId: string,
    scheduleId: string,
    input: { userId: string; start: string; end: string },
    actorId: string | null
  ): Promise<Schedule> {
    await this.requireSchedule(workspaceId, scheduleId);
    if (!(await this.deps.members(workspaceId)).has(input.userId)) {
      throw new DomainError('invalid_input', 'the person on call must be a member', {
        details: [{ path: 'userId', message: 'not a member of this workspace' }]
      });
    }
    await this.deps.store.addOverride({
      id: generateId(),
      workspaceId,
      scheduleId,
      userId: input.userId,
      startsAt: new Date(input.start).toISOString(),
      endsAt: new Date(input.end).toISOString(),
      createdAt: this.iso(),
      createdBy: actorId
    });
    return this.getSchedule(workspaceId, scheduleId);
  }

  async deleteOverride(workspaceId: string, scheduleId: string, id: string): Promise<void> {
    await this.requireSchedule(workspaceId, scheduleId);
    if (!(await this.deps.store.deleteOverride(scheduleId, id))) {
      throw new DomainError('not_found', `override ${JSON.stringify(id)} not found`);
    }
  }

  /** Everyone on call now, per schedule: what the app's "on call now" shows. */
  async onCallNow(workspaceId: string) {
    const schedules = await this.deps.store.listSchedules(workspaceId);
    const now = this.now();
    return Promise.all(
      schedules.map(async (schedule) => ({
        scheduleId: schedule.id,
        scheduleName: schedule.name,
        onCall: await this.onCallOf(schedule, now)
      }))
    );
  }

  /** The schedule as an iCalendar feed, when `token` is its feed token; else `not_found`. */
  async feed(workspaceId: string, scheduleId: string, token: string): Promise<string> {
    const schedule = await this.deps.store.schedule(scheduleId);
    if (
      !schedule ||
      schedule.workspaceId !== workspaceId ||
      !secretMatches(token, schedule.feedTokenHash)
    ) {
      throw new DomainError('not_found', 'no such calendar feed');
    }
    const now = this.now();
    const from = now - 7 * 86_400_000;
    const to = now + FEED_DAYS * 86_400_000;
    const members = await this.deps.members(workspaceId);
    const name = (id: string) => members.get(id)?.name || members.get(id)?.email || id;
    const events: string[] = [];
    const stamp = icsTime(now);
    for (const shift of shiftsBetween(schedule.rotation, schedule.timeZone, from, to)) {
      events.push(
        'BEGIN:VEVENT',
        `UID:${schedule.id}-${shift.start}@runboard`,
        `DTSTAMP:${stamp}`,
        `DTSTART:${icsTime(shift.start)}`,
        `DTEND:${icsTime(shift.end)}`,
        `SUMMARY:${icsText(`${schedule.name}: ${name(shift.userId)}`)}`,
        'END:VEVENT'
      );
    }
    for (const override of await this.overridesOf(schedule, from)) {
      events.push(
        'BEGIN:VEVENT',
        `UID:${schedule.id}-override-${override.start}-${override.userId}@runboard`,
        `DTSTAMP:${stamp}`,
        `DTSTART:${icsTime(override.start)}`,
        `DTEND:${icsTime(override.end)}`,
        `SUMMARY:${icsText(`${schedule.name}: ${name(override.userId)} (override)`)}`,
        'END:VEVENT'
      );
    }
    return [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Runboard//On-call//EN',
      'CALSCALE:GREGORIAN',
      `X-WR-CALNAME:${icsText(schedule.name)}`,
      `X-WR-TIMEZONE:${schedule.timeZone}`,
      ...events,
      'END:VCALENDAR',
      ''
    ]
      .map(fold)
      .join('\r\n');
  }

  // ------------------------------------------------------------------------------------------
  // Escalation policies

  private async checkSteps(workspaceId: string, steps: readonly EscalationStep[]) {
    const members = await this.deps.members(workspaceId);
    const problems: { path: string; message: string }[] = [];
    for (const [i, step] of steps.entries()) {
      for (const [j, target] of step.targets.entries()) {
        const path = `steps.${i}.targets.${j}`;
        if (!(await this.deps.channels.channel(workspaceId, target.channelId))) {
          problems.push({ path: `${path}.channelId`, message: 'no such channel' });
        }
        if (target.type === 'schedule') {
          const schedule = await this.deps.store.schedule(target.scheduleId);
          if (!schedule || schedule.workspaceId !== workspaceId) {
            problems.push({ path: `${path}.scheduleId`, message: 'no such schedule' });
          }
        }
        if (target.type === 'user' && !members.has(target.userId)) {
          problems.push({ path: `${path}.userId`, message: 'not a member' });
        }
      }
    }
    if (problems.length > 0) {
      throw new DomainError('invalid_input', 'the steps name what does not exist', {
        details: problems
      });
    }
  }

  private policyBody(record: PolicyRecord): EscalationPolicy {
    return { id: record.id, name: record.name, steps: record.steps, createdAt: record.createdAt };
  }

  private async requirePolicy(workspaceId: string, id: string): Promise<PolicyRecord> {
    const policy = await this.deps.store.policy(id);
    if (!policy || policy.workspaceId !== workspaceId) {
      throw new DomainError('not_found', `escalation policy ${JSON.stringify(id)} not found`);
    }
    return policy;
  }

  async createPolicy(
    workspaceId: string,
    input: { name: string; steps: EscalationStep[] }
  ): Promise<EscalationPolicy> {
    await this.checkSteps(workspaceId, input.steps);
    const record: PolicyRecord = {
      id: generateId(),
      workspaceId,
      name: input.name,
      steps: input.steps,
      createdAt: this.iso()
    };
    await this.deps.store.createPolicy(record);
    return this.policyBody(record);
  }

  async listPolicies(workspaceId: string): Promise<EscalationPolicy[]> {
    return (await this.deps.store.listPolicies(workspaceId)).map((p) => this.policyBody(p));
  }

  async getPolicy(workspaceId: string, id: string): Promise<EscalationPolicy> {
    return this.policyBody(await this.requirePolicy(workspaceId, id));
  }

  /** Whether `id` is a policy of the workspace (integration settings refer to one). */
  async hasPolicy(workspaceId: string, id: string): Promise<boolean> {
    const policy = await this.deps.store.policy(id);
    return policy !== null && policy.workspaceId === workspaceId;
  }

  async updatePolicy(
    workspaceId: string,
    id: string,
    patch: { name?: string; steps?: EscalationStep[] }
  ): Promise<EscalationPolicy> {
    await this.requirePolicy(workspaceId, id);
    if (patch.steps) await this.checkSteps(workspaceId, patch.steps);
    await this.deps.store.updatePolicy(id, patch);
    return this.getPolicy(workspaceId, id);
  }

  async deletePolicy(workspaceId: string, id: string): Promise<void> {
    await this.requirePolicy(workspaceId, id);
    await this.deps.store.deletePolicy(id);
  }

  // ------------------------------------------------------------------------------------------
  // Escalation

  /**
   * Starts (a reopen: restarts) an incident's escalation, in the transaction that opened it.
   * Nothing happens for a policy that no longer exists.
   */
  async startEscalation(
    trx: RecordsTransaction,
    incident: { id: string; workspaceId: string },
    policyId: string,
    at: string
  ): Promise<void> {
    const policy = await this.deps.store.policy(policyId, trx);
    if (!policy || policy.workspaceId !== incident.workspaceId || policy.steps.length === 0) return;
    const startedAt = Date.parse(at);
    await this.deps.store.startEscalation(trx, {
      incidentId: incident.id,
      workspaceId: incident.workspaceId,
      policyId,
      startedAt,
      nextStep: 0,
      nextAt: startedAt + policy.steps[0]!.afterMinutes * 60_000,
      updatedAt: at
    });
  }

  /** Starts the worker: due steps are taken every `tickMs`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.tick().catch((error: unknown) => {
        this.deps.logger.error('oncall: escalation round failed', { error: String(error) });
      });
    }, this.deps.tickMs ?? 5_000);
    this.timer.unref();
    void this.tick().catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** Takes every due step; returns how many people or channels were paged. */
  tick(): Promise<number> {
    this.ticking ??= this.takeDue().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async takeDue(): Promise<number> {
    let paged = 0;
    for (const due of await this.deps.store.dueEscalations(this.now())) {
      const incident = await this.deps.alerts.incidentById(due.incidentId);
      const policy = await this.deps.store.policy(due.policyId);
      const step = policy?.steps[due.nextStep];
      if (!incident || !step) {
        await this.deps.store.advanceEscalation(this.deps.store.db, due.incidentId, {
          nextStep: due.nextStep,
          nextAt: null,
          updatedAt: this.iso()
        });
        continue;
      }
      // Who the step pages is read before the transaction: inside it only its own
      // connection may be used (SQLite has one).
      const members = await this.deps.members(incident.workspaceId);
      const targets: PagedTarget[] = [];
      for (const target of step.targets) {
        const person = await this.personOf(incident.workspaceId, target, this.now());
        const member = person === null ? undefined : members.get(person);
        if (target.type !== 'channel' && !member) continue;
        targets.push({
          channelId: target.channelId,
          member: member ?? null,
          userId: member ? person : null
        });
      }
      paged += await this.deps.alerts.transaction(incident.integrationId, (tx, trx) =>
        this.takeStep(tx, trx, due, policy!, targets)
      );
    }
    if (paged > 0) this.deps.notifier.kick();
    return paged;
  }

  /** Pages `targets` for the step `due` names, if it is still due under the lock. */
  private async takeStep(
    tx: AlertRecords,
    trx: RecordsTransaction,
    due: EscalationRecord,
    policy: PolicyRecord,
    targets: readonly PagedTarget[]
  ): Promise<number> {
    const now = this.now();
    const at = new Date(now).toISOString();
    // Read again under the lock: an acknowledgement or another tick may have come first.
    const escalation = await this.deps.store.escalation(due.incidentId, trx);
    if (
      !escalation ||
      escalation.round !== due.round ||
      escalation.nextStep !== due.nextStep ||
      escalation.nextAt === null ||
      escalation.nextAt > now
    ) {
      return 0;
    }
    const incident = await tx.incident(escalation.workspaceId, due.incidentId);
    if (!incident || incident.state !== 'triggered') {
      await this.deps.store.advanceEscalation(trx, due.incidentId, {
        nextStep: escalation.nextStep,
        nextAt: null,
        updatedAt: at
      });
      return 0;
    }
    const paged: string[] = [];
    // Who was paged, by user id: the on-call load per person of the reports (docs/kpis.md).
    const pagedUsers: string[] = [];
    for (const [index, target] of targets.entries()) {
      const key = `escalation:${due.incidentId}:${escalation.round}:${escalation.nextStep}:${index}`;
      const name = target.member ? target.member.name || target.member.email : null;
      await this.deps.notifier.enqueueTo(trx, incident.workspaceId, target.channelId, {
        event: 'incident.escalated',
        idempotencyKey: key,
        payload: {
          incidentId: due.incidentId,
          at,
          step: escalation.nextStep + 1,
          ...(target.member && name ? { paged: [name], to: [target.member.email] } : {})
        }
      });
      paged.push(name ?? `channel:${target.channelId}`);
      if (target.userId !== null) pagedUsers.push(target.userId);
    }
    await tx.addEvent(incident.workspaceId, due.incidentId, {
      at,
      type: 'escalated',
      actor: null,
      data: { step: escalation.nextStep + 1, paged, pagedUsers }
    });
    const nextStep = escalation.nextStep + 1;
    const next = policy.steps[nextStep];
    await this.deps.store.advanceEscalation(trx, due.incidentId, {
      nextStep,
      nextAt: next ? escalation.startedAt + next.afterMinutes * 60_000 : null,
      updatedAt: at
    });
    return paged.length;
  }

  /** The member a target pages at `now`: the schedule's person on call, or the user. */
  private async personOf(workspaceId: string, target: StepTarget, now: number) {
    if (target.type === 'user') return target.userId;
    if (target.type === 'channel') return null;
    const schedule = await this.deps.store.schedule(target.scheduleId);
    if (!schedule || schedule.workspaceId !== workspaceId) return null;
    const shift = onCallAt(
      schedule.rotation,
      schedule.timeZone,
      await this.overridesOf(schedule, now),
      now
    );
    return shift?.userId ?? null;
  }
}
