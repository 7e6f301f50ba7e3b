/**
 * On-call records (migration 12): schedules, overrides, escalation policies and the escalation
 * of each incident. Rows only; the rules are in oncall-service.ts and escalation-service.ts.
 */
import type { Selectable } from 'kysely';
import {
  escalationStepSchema,
  rotationSchema,
  type EscalationStep,
  type Rotation
} from '../../shared/oncall/schema';
import type { Records, RecordsDb, RecordsTransaction } from '../db/records';
import type {
  EscalationPoliciesTable,
  IncidentEscalationsTable,
  OncallSchedulesTable
} from '../db/schema';

export interface ScheduleRecord {
  id: string;
  workspaceId: string;
  name: string;
  timeZone: string;
  rotation: Rotation;
  feedTokenHash: Uint8Array;
  createdAt: string;
  createdBy: string | null;
}

export interface OverrideRecord {
  id: string;
  workspaceId: string;
  scheduleId: string;
  userId: string;
  startsAt: string;
  endsAt: string;
  createdAt: string;
  createdBy: string | null;
}

export interface PolicyRecord {
  id: string;
  workspaceId: string;
  name: string;
  steps: EscalationStep[];
  createdAt: string;
}

export interface EscalationRecord {
  incidentId: string;
  workspaceId: string;
  policyId: string;
  round: number;
  startedAt: number;
  nextStep: number;
  nextAt: number | null;
  updatedAt: string;
}

function scheduleOf(row: Selectable<OncallSchedulesTable>): ScheduleRecord {
  const rotation = rotationSchema.safeParse(JSON.parse(row.rotation));
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    timeZone: row.time_zone,
    rotation: rotation.success
      ? rotation.data
      : {
          participants: [],
          handoff: 'weekly',
          handoffTime: '09:00',
          handoffWeekday: 1,
          startDate: '1970-01-01'
        },
    feedTokenHash: row.feed_token_hash,
    createdAt: row.created_at,
    createdBy: row.created_by
  };
}

function policyOf(row: Selectable<EscalationPoliciesTable>): PolicyRecord {
  const steps = escalationStepSchema.array().safeParse(JSON.parse(row.steps));
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    steps: steps.success ? steps.data : [],
    createdAt: row.created_at
  };
}

function escalationOf(row: Selectable<IncidentEscalationsTable>): EscalationRecord {
  return {
    incidentId: row.incident_id,
    workspaceId: row.workspace_id,
    policyId: row.policy_id,
    round: row.round,
    startedAt: Number(row.started_at),
    nextStep: row.next_step,
    nextAt: row.next_at === null ? null : Number(row.next_at),
    updatedAt: row.updated_at
  };
}

export class OncallStore {
  readonly db: RecordsDb;

  constructor(records: Records) {
    this.db = records.db;
  }

  // Schedules ---------------------------------------------------------------------------------

  async createSchedule(schedule: ScheduleRecord): Promise<void> {
    await this.db
      .insertInto('oncall_schedules')
      .values({
        id: schedule.id,
        workspace_id: schedule.workspaceId,
        name: schedule.name,
        time_zone: schedule.timeZone,
        rotation: JSON.stringify(schedule.rotation),
        feed_token_hash: schedule.feedTokenHash,
        created_at: schedule.createdAt,
        created_by: schedule.createdBy
      })
      .execute();
  }

  async schedule(id: string): Promise<ScheduleRecord | null> {
    const row = await this.db
      .selectFrom('oncall_schedules')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? scheduleOf(row) : null;
  }

  async listSchedules(workspaceId: string): Promise<ScheduleRecord[]> {
    const rows = await this.db
      .selectFrom('oncall_schedules')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(scheduleOf);
  }

  async updateSchedule(
    id: string,
    patch: { name?: string; timeZone?: string; rotation?: Rotation }
  ): Promise<void> {
    await this.db
      .updateTable('oncall_schedules')
      .set({
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.timeZone === undefined ? {} : { time_zone: patch.timeZone }),
        ...(patch.rotation === undefined ? {} : { rotation: JSON.stringify(patch.rotation) })
      })
      .where('id', '=', id)
      .execute();
  }

  async setFeedTokenHash(id: string, hash: Uint8Array): Promise<void> {
    await this.db
      .updateTable('oncall_schedules')
      .set({ feed_token_hash: hash })
      .where('id', '=', id)
      .execute();
  }

  async deleteSchedule(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('oncall_overrides').where('schedule_id', '=', id).execute();
      await trx.deleteFrom('oncall_schedules').where('id', '=', id).execute();
    });
  }

  // Overrides ---------------------------------------------------------------------------------

  async addOverride(override: OverrideRecord): Promise<void> {
    await this.db
      .insertInto('oncall_overrides')
      .values({
        id: override.id,
        workspace_id: override.workspaceId,
        schedule_id: override.scheduleId,
        user_id: override.userId,
        starts_at: override.startsAt,
        ends_at: override.endsAt,
        created_at: override.createdAt,
        created_by: override.createdBy
      })
      .execute();
  }

  /** Overrides of a schedule that end after `after` (ISO), oldest first. */
  async overrides(scheduleId: string, after: string): Promise<OverrideRecord[]> {
    const rows = await this.db
      .selectFrom('oncall_overrides')
      .selectAll()
      .where('schedule_id', '=', scheduleId)
      .where('ends_at', '>', after)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      workspaceId: row.workspace_id,
      scheduleId: row.schedule_id,
      userId: row.user_id,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      createdAt: row.created_at,
      createdBy: row.created_by
    }));
  }

  async deleteOverride(scheduleId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('oncall_overrides')
      .where('schedule_id', '=', scheduleId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  // Escalation policies -----------------------------------------------------------------------

  async createPolicy(policy: PolicyRecord): Promise<void> {
    await this.db
      .insertInto('escalation_policies')
      .values({
        id: policy.id,
        workspace_id: policy.workspaceId,
        name: policy.name,
        steps: JSON.stringify(policy.steps),
        created_at: policy.createdAt
      })
      .execute();
  }

  async policy(
    id: string,
    db: RecordsDb | RecordsTransaction = this.db
  ): Promise<PolicyRecord | null> {
    const row = await db
      .selectFrom('escalation_policies')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? policyOf(row) : null;
  }

  async listPolicies(workspaceId: string): Promise<PolicyRecord[]> {
    const rows = await this.db
      .selectFrom('escalation_policies')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(policyOf);
  }

  async updatePolicy(id: string, patch: { name?: string; steps?: EscalationStep[] }) {
    await this.db
      .updateTable('escalation_policies')
      .set({
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.steps === undefined ? {} : { steps: JSON.stringify(patch.steps) })
      })
      .where('id', '=', id)
      .execute();
  }

  async deletePolicy(id: string): Promise<void> {
    await this.db.deleteFrom('escalation_policies').where('id', '=', id).execute();
  }

  // Escalations -------------------------------------------------------------------------------

  /** Starts (or restarts, one round later) the escalation of an incident, in `db`. */
  async startEscalation(
    db: RecordsDb | RecordsTransaction,
    start: Omit<EscalationRecord, 'round'>
  ): Promise<void> {
    const existing = await db
      .selectFrom('incident_escalations')
      .select('round')
      .where('incident_id', '=', start.incidentId)
      .executeTakeFirst();
    const row = {
      workspace_id: start.workspaceId,
      policy_id: start.policyId,
      round: (existing?.round ?? 0) + 1,
      started_at: start.startedAt,
      next_step: start.nextStep,
      next_at: start.nextAt,
      updated_at: start.updatedAt
    };
    if (existing) {
      await db
        .updateTable('incident_escalations')
        .set(row)
        .where('incident_id', '=', start.incidentId)
        .execute();
    } else {
      await db
        .insertInto('incident_escalations')
        .values({ incident_id: start.incidentId, ...row })
        .execute();
    }
  }

  async escalation(
    incidentId: string,
    db: RecordsDb | RecordsTransaction = this.db
  ): Promise<EscalationRecord | null> {
    const row = await db
      .selectFrom('incident_escalations')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .executeTakeFirst();
    return row ? escalationOf(row) : null;
  }

  /** Escalations with a step due at `now`, soonest first. */
  async dueEscalations(now: number, limit = 50): Promise<EscalationRecord[]> {
    const rows = await this.db
      .selectFrom('incident_escalations')
      .selectAll()
      .where('next_at', 'is not', null)
      .where('next_at', '<=', now)
      .orderBy('next_at')
      .limit(limit)
      .execute();
    return rows.map(escalationOf);
  }

  async advanceEscalation(
    db: RecordsDb | RecordsTransaction,
    incidentId: string,
    next: { nextStep: number; nextAt: number | null; updatedAt: string }
  ): Promise<void> {
    await db
      .updateTable('incident_escalations')
      .set({ next_step: next.nextStep, next_at: next.nextAt, updated_at: next.updatedAt })
      .where('incident_id', '=', incidentId)
      .execute();
  }
}
