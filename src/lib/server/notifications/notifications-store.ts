/**
 * Notification channels and the outbox (migration 11), on the records layer. Rows only: the
 * delivery rules (backoff, dead letters) are in notifications-service.ts. `enqueue` takes the
 * caller's transaction, so a message is written together with the fact it tells.
 */
import type { ExpressionBuilder, Selectable } from 'kysely';
import type { Locale } from '../../shared/locale';
import type {
  ChannelType,
  MessageEvent,
  NotificationEvent,
  OutboxState
} from '../../shared/notifications/schema';
import { generateId } from '../../shared/model/ids';
import type { Records, RecordsDb, RecordsTransaction } from '../db/records';
import type { NotificationChannelsTable, OutboxTable, RecordsSchema } from '../db/schema';

export interface ChannelRecord {
  id: string;
  workspaceId: string;
  type: ChannelType;
  name: string;
  /** Sealed. */
  url: string | null;
  /** Sealed. */
  secret: string | null;
  recipients: string[];
  events: NotificationEvent[];
  locale: Locale;
  baseUrl: string;
  createdAt: string;
  createdBy: string | null;
}

export interface OutboxRecord {
  id: string;
  workspaceId: string;
  channelId: string;
  event: MessageEvent;
  idempotencyKey: string;
  payload: Record<string, unknown>;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  lockedUntil: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

function jsonArray<T>(raw: string): T[] {
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

function channelOf(row: Selectable<NotificationChannelsTable>): ChannelRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    type: row.type as ChannelType,
    name: row.name,
    url: row.url,
    secret: row.secret,
    recipients: jsonArray<string>(row.recipients),
    events: jsonArray<NotificationEvent>(row.events),
    locale: row.locale as Locale,
    baseUrl: row.base_url,
    createdAt: row.created_at,
    createdBy: row.created_by
  };
}

function outboxOf(row: Selectable<OutboxTable>): OutboxRecord {
  let payload: Record<string, unknown> = {};
  try {
    payload = JSON.parse(row.payload) as Record<string, unknown>;
  } catch {
    // Rendered as an empty message rather than blocking the queue.
  }
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    event: row.event as MessageEvent,
    idempotencyKey: row.idempotency_key,
    payload,
    state: row.state as OutboxState,
    attempts: row.attempts,
    nextAttemptAt: Number(row.next_attempt_at),
    lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at
  };
}

export interface NewMessage {
  workspaceId: string;
  event: MessageEvent;
  /** Unique per channel: the same fact enqueued twice is one message. */
  idempotencyKey: string;
  payload: Record<string, unknown>;
  createdAt: string;
  nextAttemptAt: number;
}

export class NotificationsStore {
  private readonly db: RecordsDb;

  constructor(private readonly records: Records) {
    this.db = records.db;
  }

  async createChannel(channel: ChannelRecord): Promise<void> {
    await this.db
      .insertInto('notification_channels')
      .values({
        id: channel.id,
        workspace_id: channel.workspaceId,
        type: channel.type,
        name: channel.name,
        url: channel.url,
        secret: channel.secret,
        recipients: JSON.stringify(channel.recipients),
        events: JSON.stringify(channel.events),
        locale: channel.locale,
        base_url: channel.baseUrl,
        created_at: channel.createdAt,
        created_by: channel.createdBy
      })
      .execute();
  }

  async channel(workspaceId: string, id: string): Promise<ChannelRecord | null> {
    const row = await this.db
      .selectFrom('notification_channels')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? channelOf(row) : null;
  }

  async channelById(id: string): Promise<ChannelRecord | null> {
    const row = await this.db
      .selectFrom('notification_channels')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? channelOf(row) : null;
  }

  async listChannels(workspaceId: string): Promise<ChannelRecord[]> {
    const rows = await this.db
      .selectFrom('notification_channels')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(channelOf);
  }

  async updateChannel(
    workspaceId: string,
    id: string,
    patch: { name?: string; events?: NotificationEvent[]; locale?: Locale }
  ): Promise<void> {
    await this.db
      .updateTable('notification_channels')
      .set({
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.events === undefined ? {} : { events: JSON.stringify(patch.events) }),
        ...(patch.locale === undefined ? {} : { locale: patch.locale })
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
  }

  /** Removes a channel and the messages it still had to send. */
  async deleteChannel(workspaceId: string, id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .deleteFrom('notification_channels')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      await trx
        .deleteFrom('outbox')
        .where('channel_id', '=', id)
        .where('state', '=', 'pending')
        .execute();
      return Number(result.numDeletedRows) > 0;
    });
  }

  /**
   * Queues `message` for every channel of its workspace that gets `event` (or for `channelId`
   * only), in the caller's transaction; a message already queued under the key is kept as it
   * is. Returns how many were queued.
   */
  async enqueue(
    message: NewMessage,
    options: {
      db?: RecordsDb | RecordsTransaction;
      channelId?: string;
      /** Only channels of this list (a routing rule's), each still by the events it gets. */
      onlyChannels?: readonly string[];
    } = {}
  ): Promise<number> {
    const { db = this.db, channelId, onlyChannels } = options;
    let select = db
      .selectFrom('notification_channels')
      .select(['id', 'events'])
      .where('workspace_id', '=', message.workspaceId);
    if (channelId !== undefined) select = select.where('id', '=', channelId);
    if (onlyChannels !== undefined) {
      if (onlyChannels.length === 0) return 0;
      select = select.where('id', 'in', [...onlyChannels]);
    }
    const channels = (await select.execute()).filter(
      (channel) =>
        channelId !== undefined || jsonArray<string>(channel.events).includes(message.event)
    );
    for (const channel of channels) {
      await db
        .insertInto('outbox')
        .values({
          id: generateId(),
          workspace_id: message.workspaceId,
          channel_id: channel.id,
          event: message.event,
          incident_id:
            typeof message.payload['incidentId'] === 'string'
              ? message.payload['incidentId']
              : null,
          idempotency_key: message.idempotencyKey,
          payload: JSON.stringify(message.payload),
          state: 'pending',
          attempts: 0,
          next_attempt_at: message.nextAttemptAt,
          locked_until: null,
          last_error: null,
          created_at: message.createdAt,
          delivered_at: null
        })
        .onConflict((conflict) => conflict.columns(['channel_id', 'idempotency_key']).doNothing())
        .execute();
    }
    return channels.length;
  }

  /**
   * Claims up to `limit` pending messages that are due and held by no attempt, for `claimer`
   * (a node): each is held until `lockedUntil`, so an attempt that never finishes (a crash) is
   * retried after it. Once across nodes: on PostgreSQL the candidates are picked `FOR UPDATE
   * SKIP LOCKED` (a node passes over the rows another is claiming), and the UPDATE repeats the
   * conditions, so a row another claim took in between (re-checked under its lock) is left
   * alone; SQLite has one writer at a time.
   */
  async claimDue(
    now: number,
    lockedUntil: number,
    limit: number,
    claimer: string
  ): Promise<OutboxRecord[]> {
    const free = (eb: ExpressionBuilder<RecordsSchema, 'outbox'>) =>
      eb.and([
        eb('state', '=', 'pending'),
        eb('next_attempt_at', '<=', now),
        eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)])
      ]);
    const due = this.db
      .selectFrom('outbox')
      .select('id')
      .where(free)
      .orderBy('next_attempt_at')
      .limit(limit)
      .modifyEnd(this.records.queries.skipLocked);
    const rows = await this.db
      .updateTable('outbox')
      .set({ locked_until: lockedUntil, claimed_by: claimer })
      .where('id', 'in', due)
      .where(free)
      .returningAll()
      .execute();
    return rows.map(outboxOf);
  }

  /** When the next pending message is due (epoch ms), or null. */
  async nextDue(): Promise<number | null> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('next'))
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return row?.next === null || row?.next === undefined ? null : Number(row.next);
  }

  async markDelivered(id: string, attempts: number, at: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        state: 'delivered',
        attempts,
        delivered_at: at,
        locked_until: null,
        claimed_by: null,
        last_error: null
      })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(
    id: string,
    attempts: number,
    error: string,
    next: { state: 'pending'; at: number } | { state: 'dead' }
  ): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        state: next.state,
        attempts,
        last_error: error.slice(0, 1000),
        locked_until: null,
        claimed_by: null,
        ...(next.state === 'pending' ? { next_attempt_at: next.at } : {})
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Releases the claims `claimer`'s previous process left (a node starting again: none of its
   * attempts is running); other nodes' claims stay theirs until they finish or their lease ends.
   */
  async releaseClaims(claimer: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ locked_until: null, claimed_by: null })
      .where('state', '=', 'pending')
      .where('claimed_by', '=', claimer)
      .execute();
  }

  async message(workspaceId: string, id: string): Promise<OutboxRecord | null> {
    const row = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? outboxOf(row) : null;
  }

  /** A page of the workspace's messages, newest first, with the number matching. */
  async listMessages(
    workspaceId: string,
    query: { state?: OutboxState; channelId?: string; limit: number; offset?: number }
  ): Promise<{ items: OutboxRecord[]; total: number }> {
    let select = this.db.selectFrom('outbox').where('workspace_id', '=', workspaceId);
    if (query.state !== undefined) select = select.where('state', '=', query.state);
    if (query.channelId !== undefined) select = select.where('channel_id', '=', query.channelId);
    const rows = await select
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .offset(query.offset ?? 0)
      .execute();
    const counted = await select
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { items: rows.map(outboxOf), total: Number(counted.n) };
  }

  /** The messages about an incident, oldest first, with their channels' names and types. */
  async messagesOfIncident(incidentId: string, limit = 200) {
    const rows = await this.db
      .selectFrom('outbox')
      .leftJoin('notification_channels as c', 'c.id', 'outbox.channel_id')
      .select([
        'outbox.id',
        'outbox.event',
        'outbox.state',
        'outbox.attempts',
        'outbox.created_at',
        'outbox.delivered_at',
        'outbox.last_error',
        'c.name as channel_name',
        'c.type as channel_type'
      ])
      .where('outbox.incident_id', '=', incidentId)
      .orderBy('outbox.created_at')
      .orderBy('outbox.id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      event: row.event,
      state: row.state as OutboxState,
      attempts: row.attempts,
      createdAt: row.created_at,
      deliveredAt: row.delivered_at,
      lastError: row.last_error,
      channel: row.channel_name ?? null,
      channelType: (row.channel_type as ChannelType | null) ?? null
    }));
  }

  /** A dead message goes back to pending, due now, with its attempts counted afresh. */
  async revive(workspaceId: string, id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set({
        state: 'pending',
        attempts: 0,
        next_attempt_at: now,
        locked_until: null,
        claimed_by: null
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .where('state', '=', 'dead')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
