/**
 * Notifications out (docs/notifications.md): channels, and the outbox worker that delivers.
 *
 * A message is queued in the transaction of the fact it tells (`enqueue`, called by
 * alerts-service.ts with its transaction), unique per (channel, idempotency key): a fact queued
 * twice is one message. The worker claims due messages (each held for `leaseMs`), renders them
 * in the channel's language from the facts as they are now (an incident's key, assigned after
 * it opened), sends, and marks them delivered; a failure (no answer within `timeoutMs`, an
 * error status, a robot's error code) is retried with exponential backoff and jitter until
 * `maxAttempts`, then the message is dead: listed for admins, who can send it again. Delivery is
 * at least once: an attempt whose answer is lost (a crash after the receiver got it) is tried
 * again, with the same idempotency key, so the receiver can drop the repeat.
 */
import nodemailer from 'nodemailer';
import {
  DEFAULT_CHANNEL_EVENTS,
  type Channel,
  type ChannelCreate,
  type MessageEvent,
  type NotificationEvent,
  type OutboxMessage,
  type OutboxState
} from '../../shared/notifications/schema';
import { anomalyMessageContentSchema, type AnomalyMessageContent } from '../../shared/ai/anomaly';
import type { Locale } from '../../shared/locale';
import { DomainError } from '../../shared/model/domain-error';
import { generateId } from '../../shared/model/ids';
import type { RecordsDb, RecordsTransaction } from '../db/records';
import type { SecretBox } from '../auth/secret-box';
import { signToken, verifyToken } from '../auth/signed-token';
import type { Logger } from '../log';
import {
  weeklyReportContentSchema,
  type WeeklyReportContent
} from '../../shared/weekly-report/schema';
import { acceptedAnswer, buildDelivery, type MessageFacts } from './channels';
import { reportMessage } from './weekly-report-message';
import type { ChannelRecord, NotificationsStore, OutboxRecord } from './notifications-store';

/** Delivery settings, with units in their names. */
export interface DeliveryOptions {
  /** First retry after about this long; doubled per attempt (with jitter). */
  baseRetryMs: number;
  maxRetryMs: number;
  /** Attempts before a message is dead. */
  maxAttempts: number;
  /** How long one attempt holds a message. */
  leaseMs: number;
  /** How long a receiver may take to answer. */
  timeoutMs: number;
  /** How often the worker looks for due messages (it is also woken when one is queued). */
  pollMs: number;
  /** Messages sent at once. */
  concurrency: number;
}

/** The purpose a chat button's signing key is derived for (auth/secret-box.ts). */
export const CHAT_ACK_PURPOSE = 'chat-ack';
/** How long a chat's Acknowledge button works. */
export const CHAT_ACK_TTL_MS = 24 * 60 * 60_000;
/** The purpose the signing key of a change's Approve/Reject buttons is derived for. */
export const CHAT_DECIDE_PURPOSE = 'chat-change-decision';
/** How long a change's Approve/Reject buttons work. */
export const CHAT_DECIDE_TTL_MS = 72 * 60 * 60_000;

export const deliveryDefaults: DeliveryOptions = {
  baseRetryMs: 5_000,
  maxRetryMs: 30 * 60_000,
  maxAttempts: 12,
  leaseMs: 60_000,
  timeoutMs: 10_000,
  pollMs: 1_000,
  concurrency: 8
};

/** What a queued message says: the facts are read again when it is sent. */
export interface MessagePayload {
  incidentId?: string;
  /** A change request (change.* events). */
  changeId?: string;
  /** A job run (run.* events). */
  runId?: string;
  /** The approver a change.submitted message asks (their buttons name them). */
  approverId?: string;
  actorId?: string | null;
  automatic?: boolean;
  comment?: string | null;
  at: string;
  /** Who did it when it was not a member (a chat user: "zhang.san (Mattermost)"). */
  actorName?: string;
  /** Escalations: the step (1-based) and the names of the people paged. */
  step?: number;
  paged?: string[];
  /** Escalations on an e-mail channel: the paged person's address instead of the recipients. */
  to?: string[];
  /** The weekly report (`report.weekly`): its figures, fixed when it was queued. */
  report?: WeeklyReportContent;
  /** A new anomaly (`ai.anomaly`): what it says, fixed when it was queued. */
  anomaly?: AnomalyMessageContent;
}

/** Reads what messages are about, fresh (the composition root wires the stores). */
export interface MessageSubjects {
  workspaceName(workspaceId: string): Promise<string | null>;
  memberName(userId: string): Promise<string | null>;
  incident(workspaceId: string, id: string): Promise<MessageFacts['incident'] | null>;
  /** A change request as messages show it (changes-store.ts). */
  change?(workspaceId: string, id: string): Promise<MessageFacts['change'] | null>;
  /** A job run as messages show it (automation-store.ts). */
  run?(workspaceId: string, id: string): Promise<MessageFacts['run'] | null>;
}

export interface NotificationServiceDeps {
  store: NotificationsStore;
  box: SecretBox;
  subjects: MessageSubjects;
  logger: Logger;
  /** The public address links start with (ORIGIN); else the one a channel was created from. */
  origin?: string;
  now?: () => number;
  delivery?: Partial<DeliveryOptions>;
  /**
   * This node's name on the messages it is sending (the same across its restarts, unique among
   * nodes: composition-root.ts); absent, one process is the only node (`single-node`).
   */
  claimer?: string;
}

function channelBody(record: ChannelRecord, url: string | null): Channel {
  let target = record.recipients.join(', ');
  if (record.type !== 'email' && url !== null) {
    try {
      target = new URL(url).host;
    } catch {
      target = '';
    }
  }
  return {
    id: record.id,
    type: record.type,
    name: record.name,
    target,
    hasSecret: record.secret !== null,
    to: record.recipients,
    events: record.events,
    locale: record.locale,
    createdAt: record.createdAt
  };
}

function messageBody(record: OutboxRecord): OutboxMessage {
  return {
    id: record.id,
    channelId: record.channelId,
    event: record.event,
    idempotencyKey: record.idempotencyKey,
    state: record.state,
    attempts: record.attempts,
    nextAttemptAt: record.state === 'pending' ? new Date(record.nextAttemptAt).toISOString() : null,
    lastError: record.lastError,
    createdAt: record.createdAt,
    deliveredAt: record.deliveredAt
  };
}

export class NotificationService {
  private readonly options: DeliveryOptions;
  private readonly now: () => number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  private get claimer(): string {
    return this.deps.claimer ?? 'single-node';
  }

  constructor(private readonly deps: NotificationServiceDeps) {
    this.options = { ...deliveryDefaults, ...deps.delivery };
    this.now = deps.now ?? Date.now;
  }

  // ------------------------------------------------------------------------------------------
  // Channels

  async createChannel(
    workspaceId: string,
    input: ChannelCreate,
    context: { actorId: string | null; locale: Locale; requestOrigin: string }
  ): Promise<Channel> {
    const url = input.url ?? '';
    const record: ChannelRecord = {
      id: generateId(),
      workspaceId,
      type: input.type,
      name: input.name,
      url: this.deps.box.seal(url),
      secret: input.secret === undefined ? null : this.deps.box.seal(input.secret),
      recipients: input.to ?? [],
      events: [...new Set(input.events ?? DEFAULT_CHANNEL_EVENTS)],
      locale: input.locale ?? context.locale,
      baseUrl: this.deps.origin ?? context.requestOrigin,
      createdAt: new Date(this.now()).toISOString(),
      createdBy: context.actorId
    };
    await this.deps.store.createChannel(record);
    return channelBody(record, url);
  }

  private async requireChannel(workspaceId: string, id: string): Promise<ChannelRecord> {
    const channel = await this.deps.store.channel(workspaceId, id);
    if (!channel) throw new DomainError('not_found', `channel ${JSON.stringify(id)} not found`);
    return channel;
  }

  private openUrl(channel: ChannelRecord): string | null {
    try {
      return channel.url === null ? null : this.deps.box.open(channel.url);
    } catch {
      return null;
    }
  }

  async listChannels(workspaceId: string): Promise<Channel[]> {
    const channels = await this.deps.store.listChannels(workspaceId);
    return channels.map((channel) => channelBody(channel, this.openUrl(channel)));
  }

  async getChannel(workspaceId: string, id: string): Promise<Channel> {
    const channel = await this.requireChannel(workspaceId, id);
    return channelBody(channel, this.openUrl(channel));
  }

  async updateChannel(
    workspaceId: string,
    id: string,
    patch: { name?: string; events?: NotificationEvent[]; locale?: Locale }
  ): Promise<Channel> {
    await this.requireChannel(workspaceId, id);
    await this.deps.store.updateChannel(workspaceId, id, {
      ...patch,
      ...(patch.events ? { events: [...new Set(patch.events)] } : {})
    });
    return this.getChannel(workspaceId, id);
  }

  async deleteChannel(workspaceId: string, id: string): Promise<void> {
    if (!(await this.deps.store.deleteChannel(workspaceId, id))) {
      throw new DomainError('not_found', `channel ${JSON.stringify(id)} not found`);
    }
  }

  /** Queues a test message on one channel and wakes the worker; answers the message. */
  async sendTest(workspaceId: string, channelId: string): Promise<OutboxMessage> {
    await this.requireChannel(workspaceId, channelId);
    const now = this.now();
    const key = `test:${generateId()}`;
    await this.deps.store.enqueue(
      {
        workspaceId,
        event: 'test',
        idempotencyKey: key,
        payload: { at: new Date(now).toISOString() },
        createdAt: new Date(now).toISOString(),
        nextAttemptAt: now
      },
      { channelId }
    );
    this.kick();
    const {
      items: [message]
    } = await this.deps.store.listMessages(workspaceId, { channelId, limit: 1 });
    if (!message) throw new DomainError('not_found', 'the test message was not queued');
    return messageBody(message);
  }

  /**
   * The incident a chat's Acknowledge button names, when its token is valid and unexpired;
   * null otherwise.
   */
  chatAckClaims(
    token: string
  ): { incidentId: string; workspaceId: string; locale: Locale; via: string } | null {
    const claims = verifyToken(this.deps.box.derive(CHAT_ACK_PURPOSE), token, this.now());
    if (!claims?.['i'] || !claims['w']) return null;
    return {
      incidentId: claims['i'],
      workspaceId: claims['w'],
      locale: claims['l'] === 'zh-CN' ? 'zh-CN' : 'en',
      via: claims['c'] ?? 'chat'
    };
  }

  /**
   * A signed token for a change's Approve or Reject button: it names the change, the approver
   * and the decision, and expires (`CHAT_DECIDE_TTL_MS`). Tests and messages make them here.
   */
  chatDecisionToken(
    claims: {
      changeId: string;
      workspaceId: string;
      approverId: string;
      decision: 'approve' | 'reject';
      locale: Locale;
      via: string;
    },
    expiresAt = this.now() + CHAT_DECIDE_TTL_MS
  ): string {
    return signToken(
      this.deps.box.derive(CHAT_DECIDE_PURPOSE),
      {
        k: claims.changeId,
        w: claims.workspaceId,
        u: claims.approverId,
        d: claims.decision,
        l: claims.locale,
        c: claims.via
      },
      expiresAt
    );
  }

  /** What a change's Approve/Reject button token names, when valid and unexpired; else null. */
  chatDecisionClaims(token: string): {
    changeId: string;
    workspaceId: string;
    approverId: string;
    decision: 'approve' | 'reject';
    locale: Locale;
    via: string;
  } | null {
    const claims = verifyToken(this.deps.box.derive(CHAT_DECIDE_PURPOSE), token, this.now());
    if (!claims?.['k'] || !claims['w'] || !claims['u']) return null;
    if (claims['d'] !== 'approve' && claims['d'] !== 'reject') return null;
    return {
      changeId: claims['k'],
      workspaceId: claims['w'],
      approverId: claims['u'],
      decision: claims['d'],
      locale: claims['l'] === 'zh-CN' ? 'zh-CN' : 'en',
      via: claims['c'] ?? 'chat'
    };
  }

  // ------------------------------------------------------------------------------------------
  // The outbox

  /**
   * Queues `event` for every channel of the workspace that gets it, in the caller's
   * transaction `db`. Call `kick()` after the transaction commits.
   */
  async enqueue(
    db: RecordsDb | RecordsTransaction,
    workspaceId: string,
    event: NotificationEvent,
    idempotencyKey: string,
    payload: MessagePayload,
    /** A routing rule's channels: only these get it (each still by the events it gets). */
    onlyChannels?: readonly string[]
  ): Promise<void> {
    const now = this.now();
    await this.deps.store.enqueue(
      {
        workspaceId,
        event,
        idempotencyKey,
        payload: { ...payload },
        createdAt: new Date(now).toISOString(),
        nextAttemptAt: now
      },
      { db, ...(onlyChannels ? { onlyChannels } : {}) }
    );
  }

  /**
   * Queues a message on one channel whatever events it gets (an escalation step names its
   * channel), in the caller's transaction. `payload.to` replaces an e-mail channel's
   * recipients (the person paged).
   */
  async enqueueTo(
    db: RecordsDb | RecordsTransaction,
    workspaceId: string,
    channelId: string,
    message: { event: MessageEvent; idempotencyKey: string; payload: MessagePayload }
  ): Promise<void> {
    const now = this.now();
    await this.deps.store.enqueue(
      {
        workspaceId,
        event: message.event,
        idempotencyKey: message.idempotencyKey,
        payload: { ...message.payload },
        createdAt: new Date(now).toISOString(),
        nextAttemptAt: now
      },
      { db, channelId }
    );
  }

  /** A page of messages, newest first, and how many match. */
  async listMessages(
    workspaceId: string,
    query: { state?: OutboxState; channelId?: string; limit: number; offset?: number }
  ): Promise<{ items: OutboxMessage[]; total: number }> {
    const page = await this.deps.store.listMessages(workspaceId, query);
    return { items: page.items.map(messageBody), total: page.total };
  }

  /** Sends a dead message again (its attempts start afresh). */
  async retry(workspaceId: string, id: string): Promise<OutboxMessage> {
    const message = await this.deps.store.message(workspaceId, id);
    if (!message) throw new DomainError('not_found', `message ${JSON.stringify(id)} not found`);
    if (message.state !== 'dead') {
      throw new DomainError('invalid_transition', `the message is ${message.state}, not dead`, {
        details: { from: message.state, to: 'pending' }
      });
    }
    await this.deps.store.revive(workspaceId, id, this.now());
    this.kick();
    return messageBody((await this.deps.store.message(workspaceId, id))!);
  }

  /** Starts the worker. Claims this node's previous process left are released first. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.deps.store.releaseClaims(this.claimer);
    this.kick();
  }

  /** Stops the worker and waits for the attempts in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Looks for due messages now (after a message was queued). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.drain()
      .catch((error: unknown) => {
        this.deps.logger.error('notifications: delivery round failed', { error: String(error) });
      })
      .finally(() => {
        this.running = null;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          this.schedule();
        }
      });
  }

  /** Resolves when no attempt is running (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, this.options.pollMs);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = this.now();
      const batch = await this.deps.store.claimDue(
        now,
        now + this.options.leaseMs,
        this.options.concurrency,
        this.claimer
      );
      if (batch.length === 0) return;
      await Promise.all(batch.map((message) => this.attempt(message)));
      if (this.stopped) return;
    }
  }

  private backoffMs(attempts: number): number {
    const exponential = Math.min(
      this.options.maxRetryMs,
      this.options.baseRetryMs * 2 ** Math.max(0, attempts - 1)
    );
    // "Equal jitter": half fixed, half random, so retries of many messages spread out.
    return Math.round(exponential / 2 + Math.random() * (exponential / 2));
  }

  private async attempt(message: OutboxRecord): Promise<void> {
    const attempts = message.attempts + 1;
    let failure: string | null;
    try {
      failure = await this.send(message);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    const now = this.now();
    if (failure === null) {
      await this.deps.store.markDelivered(message.id, attempts, new Date(now).toISOString());
      return;
    }
    const dead = attempts >= this.options.maxAttempts;
    await this.deps.store.markFailed(
      message.id,
      attempts,
      failure,
      dead ? { state: 'dead' } : { state: 'pending', at: now + this.backoffMs(attempts) }
    );
    this.deps.logger.warn('notifications: delivery failed', {
      message: message.id,
      channel: message.channelId,
      attempts,
      dead,
      error: failure
    });
  }

  private async facts(message: OutboxRecord, channel: ChannelRecord): Promise<MessageFacts> {
    const payload = message.payload as Partial<MessagePayload>;
    const { subjects } = this.deps;
    const workspaceName =
      (await subjects.workspaceName(message.workspaceId)) ?? message.workspaceId;
    const incident =
      typeof payload.incidentId === 'string'
        ? await subjects.incident(message.workspaceId, payload.incidentId)
        : null;
    const actor =
      typeof payload.actorId === 'string'
        ? await subjects.memberName(payload.actorId)
        : typeof payload.actorName === 'string'
          ? payload.actorName
          : null;
    const change =
      typeof payload.changeId === 'string' && subjects.change
        ? await subjects.change(message.workspaceId, payload.changeId)
        : null;
    const run =
      typeof payload.runId === 'string' && subjects.run
        ? await subjects.run(message.workspaceId, payload.runId)
        : null;
    const approverId = typeof payload.approverId === 'string' ? payload.approverId : null;
    const approver = approverId === null ? null : await subjects.memberName(approverId);
    const base = channel.baseUrl.replace(/\/+$/, '');
    const ws = encodeURIComponent(message.workspaceId);
    const content =
      message.event === 'report.weekly'
        ? weeklyReportContentSchema.safeParse(payload.report)
        : null;
    const report = content?.success
      ? { content: content.data, message: reportMessage(content.data, workspaceName, base) }
      : undefined;
    const anomalyContent =
      message.event === 'ai.anomaly'
        ? anomalyMessageContentSchema.safeParse(payload.anomaly)
        : null;
    const anomaly = anomalyContent?.success ? anomalyContent.data : undefined;
    const url = report
      ? report.message.url
      : anomaly
        ? `${base}${anomaly.reportPath}`
        : run
          ? `${base}/w/${ws}/runs/${encodeURIComponent(run.id)}`
          : incident
            ? `${base}/w/${ws}/incidents/${encodeURIComponent(incident.key ?? incident.id)}`
            : change
              ? `${base}/w/${ws}/changes/${encodeURIComponent(change.key ?? change.id)}`
              : `${base}/w/${ws}/board`;
    // Slack and Mattermost get Approve/Reject buttons for the approver a request names, while
    // the change waits for approval.
    const decide =
      change &&
      approverId !== null &&
      change.state === 'submitted' &&
      message.event === 'change.submitted' &&
      (channel.type === 'slack' || channel.type === 'mattermost')
        ? {
            url: `${base}/api/v1/hooks/chat-approve`,
            ...Object.fromEntries(
              (['approve', 'reject'] as const).map((decision) => [
                `${decision}Token`,
                this.chatDecisionToken({
                  changeId: change.id,
                  workspaceId: message.workspaceId,
                  approverId,
                  decision,
                  locale: channel.locale,
                  via: channel.type
                })
              ])
            )
          }
        : undefined;
    // Slack and Mattermost get an Acknowledge button while the incident waits for one.
    const ackable =
      incident?.state === 'triggered' &&
      (channel.type === 'slack' || channel.type === 'mattermost') &&
      message.event !== 'incident.acknowledged';
    const ack = ackable
      ? {
          url: `${base}/api/v1/hooks/chat-ack`,
          token: signToken(
            this.deps.box.derive(CHAT_ACK_PURPOSE),
            { i: incident.id, w: message.workspaceId, l: channel.locale, c: channel.type },
            this.now() + CHAT_ACK_TTL_MS
          )
        }
      : undefined;
    return {
      ...(report ? { report } : {}),
      ...(anomaly ? { anomaly } : {}),
      ...(ack ? { ack } : {}),
      ...(change ? { change } : {}),
      ...(run ? { run } : {}),
      ...(approver !== null ? { approver } : {}),
      ...(decide ? { decide: decide as NonNullable<MessageFacts['decide']> } : {}),
      event: message.event,
      idempotencyKey: message.idempotencyKey,
      workspace: { id: message.workspaceId, name: workspaceName },
      at: typeof payload.at === 'string' ? payload.at : message.createdAt,
      ...(incident ? { incident } : {}),
      actor,
      automatic: payload.automatic === true,
      comment: typeof payload.comment === 'string' ? payload.comment : null,
      step: typeof payload.step === 'number' ? payload.step : null,
      paged: Array.isArray(payload.paged) ? payload.paged.map(String) : [],
      channelName: channel.name,
      url
    };
  }

  /** One attempt; null when delivered, else why not. */
  private async send(message: OutboxRecord): Promise<string | null> {
    const channel = await this.deps.store.channelById(message.channelId);
    if (!channel) return 'the channel was deleted';
    const url = channel.url === null ? '' : this.deps.box.open(channel.url);
    const secret = channel.secret === null ? null : this.deps.box.open(channel.secret);
    const facts = await this.facts(message, channel);
    const payload = message.payload as Partial<MessagePayload>;
    const delivery = buildDelivery(
      channel.type,
      { url, secret, locale: channel.locale },
      facts,
      this.now()
    );
    if (delivery.kind === 'email') {
      const smtp = new URL(url);
      const from = smtp.searchParams.get('from') ?? `Runboard <runboard@${smtp.hostname}>`;
      const secure = smtp.protocol === 'smtps:';
      const transport = nodemailer.createTransport({
        host: smtp.hostname,
        port: smtp.port === '' ? (secure ? 465 : 587) : Number(smtp.port),
        secure,
        ...(smtp.username
          ? {
              auth: {
                user: decodeURIComponent(smtp.username),
                pass: decodeURIComponent(smtp.password)
              }
            }
          : {}),
        connectionTimeout: this.options.timeoutMs,
        greetingTimeout: this.options.timeoutMs,
        socketTimeout: this.options.timeoutMs
      });
      try {
        await transport.sendMail({
          from,
          to:
            Array.isArray(payload.to) && payload.to.length > 0
              ? payload.to.map(String)
              : channel.recipients,
          subject: delivery.subject,
          text: delivery.text,
          html: delivery.html,
          messageId: `<${message.idempotencyKey.replace(/[^A-Za-z0-9.:_-]/g, '_')}@runboard>`,
          headers: { 'X-Runboard-Idempotency-Key': message.idempotencyKey }
        });
      } finally {
        transport.close();
      }
      return null;
    }
    const response = await fetch(delivery.url, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.timeoutMs)
    });
    const text = await response.text();
    return acceptedAnswer(channel.type, response.status, text);
  }
}
