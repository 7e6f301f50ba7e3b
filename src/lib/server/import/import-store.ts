/**
 * The records of a history import (docs/import.md): the new inactive members, the archived
 * items and the incident records, written in ONE records transaction, so a failure leaves
 * nothing; and the undo of that write when the board update after it fails (the board is a
 * Yjs document: it cannot take part in a database transaction, see import-service.ts).
 */
import type { Records, RecordsTransaction } from '../db/records';
import { upsertArchivedIn, type ArchivedTask } from '../archive/archive-store';
import type { AuditAction } from '../../shared/workspaces/audit-actions';

/** A member the import creates: a user that cannot sign in, and a viewer membership. */
export interface ImportedMember {
  userId: string;
  email: string;
  name: string;
}

/** An incident record of an imported incident (id = its card's id), with its events. */
export interface ImportedIncident {
  id: string;
  title: string;
  severity: string;
  state: 'triggered' | 'acknowledged' | 'resolved';
  taskKey: string;
  assignee: string | null;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  source: string;
}

/** Everything one import writes to the records. */
export interface ImportWrite {
  workspaceId: string;
  members: ImportedMember[];
  archived: ArchivedTask[];
  incidents: ImportedIncident[];
}

/** An audit entry of the import (the table is append-only: written once the board is too). */
export interface ImportAudit {
  workspaceId: string;
  actorId: string;
  action: Extract<AuditAction, `import.${string}`>;
  target: string | null;
  details: Record<string, unknown>;
}

/** The integration id imported incidents carry: they came from no alert source. */
export const IMPORT_INTEGRATION_ID = 'import';

const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export class ImportStore {
  constructor(
    private readonly records: Records,
    private readonly clock: () => number = Date.now
  ) {}

  /** The workspace's members, active or not, with name and e-mail. */
  async members(
    workspaceId: string
  ): Promise<Array<{ userId: string; name: string; email: string; active: boolean }>> {
    const rows = await this.records.db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.user_id', 'u.name', 'u.email', 'u.active'])
      .where('m.workspace_id', '=', workspaceId)
      .execute();
    return rows.map((r) => ({
      userId: r.user_id,
      name: r.name,
      email: r.email,
      active: r.active === 1
    }));
  }

  /** Which of `emails` (lower-case) belong to some user. */
  async existingEmails(emails: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks([...new Set(emails)])) {
      if (part.length === 0) continue;
      const rows = await this.records.db
        .selectFrom('users')
        .select('email')
        .where((eb) => eb(eb.fn('lower', ['email']), 'in', part))
        .execute();
      for (const row of rows) found.add(row.email.toLowerCase());
    }
    return found;
  }

  /** Writes members, archived rows and incidents in one transaction: all or nothing. */
  async write(batch: ImportWrite): Promise<void> {
    const now = this.clock();
    await this.records.transaction(async (trx) => {
      for (const member of batch.members) {
        await trx
          .insertInto('users')
          .values({
            id: member.userId,
            email: member.email,
            name: member.name,
            password_hash: null,
            email_verified: 0,
            // Inactive: no sign-in of any kind (password, SSO, token) is accepted for it.
            active: 0,
            created_at: now,
            updated_at: now
          })
          .execute();
        await trx
          .insertInto('memberships')
          .values({
            workspace_id: batch.workspaceId,
            user_id: member.userId,
            role: 'viewer',
            created_at: now
          })
          .execute();
      }
      await upsertArchivedIn(trx, batch.archived);
      await writeIncidents(trx, batch.workspaceId, batch.incidents);
    });
  }

  /** Removes what `write` wrote (the board update after it failed). */
  async undo(batch: ImportWrite): Promise<void> {
    await this.records.transaction(async (trx) => {
      for (const part of chunks(batch.incidents.map((i) => i.id))) {
        await trx.deleteFrom('incident_events').where('incident_id', 'in', part).execute();
        await trx.deleteFrom('incidents').where('id', 'in', part).execute();
      }
      for (const part of chunks(batch.archived.map((a) => a.task.id))) {
        const rows = await trx
          .deleteFrom('archived_tasks')
          .where('workspace_id', '=', batch.workspaceId)
          .where('task_id', 'in', part)
          .returning('row_id')
          .execute();
        if (rows.length > 0) {
          await trx
            .deleteFrom('archived_task_search')
            .where(
              'rowid',
              'in',
              rows.map((r) => r.row_id)
            )
            .execute();
        }
      }
      for (const part of chunks(batch.members.map((m) => m.userId))) {
        await trx
          .deleteFrom('memberships')
          .where('workspace_id', '=', batch.workspaceId)
          .where('user_id', 'in', part)
          .execute();
        await trx.deleteFrom('users').where('id', 'in', part).execute();
      }
    });
  }

  /** Appends audit entries of an import. */
  async audit(entries: readonly ImportAudit[]): Promise<void> {
    const now = this.clock();
    for (const part of chunks(entries)) {
      if (part.length === 0) continue;
      await this.records.db
        .insertInto('audit_log')
        .values(
          part.map((e) => ({
            workspace_id: e.workspaceId,
            actor_id: e.actorId,
            actor_label: null,
            action: e.action,
            target: e.target,
            details: JSON.stringify(e.details),
            ip: null,
            user_agent: null,
            created_at: now
          }))
        )
        .execute();
    }
  }
}

async function writeIncidents(
  trx: RecordsTransaction,
  workspaceId: string,
  incidents: readonly ImportedIncident[]
): Promise<void> {
  for (const part of chunks(incidents)) {
    if (part.length === 0) continue;
    await trx
      .insertInto('incidents')
      .values(
        part.map((i) => ({
          id: i.id,
          workspace_id: workspaceId,
          integration_id: IMPORT_INTEGRATION_ID,
          dedupe_key: `import:${i.id}`,
          title: i.title,
          severity: i.severity,
          state: i.state,
          labels: '{}',
          annotations: JSON.stringify({ source: i.source }),
          opened_at: i.openedAt,
          acknowledged_at: i.acknowledgedAt,
          acknowledged_by: i.acknowledgedAt === null ? null : i.assignee,
          resolved_at: i.resolvedAt,
          resolved_by: i.resolvedAt === null ? null : i.assignee,
          closed_at: null,
          closed_by: null,
          alerts_cleared_at: null,
          reopen_count: 0,
          flapping: 0,
          // The card shows this state already: nothing for the board catch-up to write.
          board_state: i.state,
          task_key: i.taskKey,
          updated_at: i.resolvedAt ?? i.acknowledgedAt ?? i.openedAt,
          routed_channels: null,
          assignee: i.assignee,
          escalation_policy_id: null
        }))
      )
      .execute();
    const events = part.flatMap((i) => {
      const data = JSON.stringify({ imported: true, source: i.source });
      const base = { workspace_id: workspaceId, incident_id: i.id, data };
      return [
        { ...base, at: i.openedAt, type: 'opened', actor: null },
        ...(i.acknowledgedAt === null
          ? []
          : [{ ...base, at: i.acknowledgedAt, type: 'acknowledged', actor: i.assignee }]),
        ...(i.resolvedAt === null
          ? []
          : [{ ...base, at: i.resolvedAt, type: 'resolved', actor: i.assignee }])
      ];
    });
    await trx.insertInto('incident_events').values(events).execute();
  }
}
