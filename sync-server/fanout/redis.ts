/**
 * The fan-out transport on Redis pub/sub (ioredis): one connection publishes, one subscribes.
 * Nothing is queued while Redis is unreachable (a publish fails at once, the fan-out resyncs
 * when Redis is back), and subscriptions are restored by this module, not by the client
 * library, so `onStatus(true)` is told only once every channel is subscribed again.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../logger';
import type { FanoutTransport } from './transport';

export interface RedisTransportOptions {
  url: string;
  logger: Logger;
  /** Longest wait between two reconnection attempts. */
  maxReconnectDelayMs?: number;
}

/** Fan-out over Redis pub/sub. */
export class RedisTransport implements FanoutTransport {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly channels = new Set<string>();
  private messageHandler: (channel: string, message: Buffer) => void = () => {};
  private statusHandler: (up: boolean) => void = () => {};
  private isUp = false;
  private closed = false;
  /** Bumped on every loss, so a restore that finishes after a newer loss reports nothing. */
  private epoch = 0;

  constructor(private readonly options: RedisTransportOptions) {
    const maxDelay = options.maxReconnectDelayMs ?? 2_000;
    const common = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt: number) => Math.min(100 * attempt, maxDelay),
      // A dead Redis behind a silent network is found within seconds, not minutes.
      connectTimeout: 5_000,
      keepAlive: 5_000
    };
    this.pub = new Redis(options.url, { ...common, connectionName: 'runboard-pub' });
    this.sub = new Redis(options.url, {
      ...common,
      autoResubscribe: false,
      connectionName: 'runboard-sub'
    });
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      this.messageHandler(channel.toString(), message);
    });
    for (const connection of [this.pub, this.sub]) {
      connection.on('ready', () => void this.restore());
      connection.on('close', () => this.lost());
      connection.on('error', (error: Error) => {
        options.logger.debug('fanout: redis error', { error: error.message });
      });
    }
  }

  get up(): boolean {
    return this.isUp;
  }

  onMessage(handler: (channel: string, message: Buffer) => void): void {
    this.messageHandler = handler;
  }

  onStatus(handler: (up: boolean) => void): void {
    this.statusHandler = handler;
  }

  async subscribe(channel: string): Promise<void> {
    this.channels.add(channel);
    if (this.sub.status !== 'ready') throw new Error('redis is not connected');
    await this.sub.subscribe(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel);
    if (this.sub.status !== 'ready') return;
    await this.sub.unsubscribe(channel).catch(() => undefined);
  }

  async publish(channel: string, message: Uint8Array): Promise<void> {
    await this.pub.publish(
      channel,
      Buffer.from(message.buffer, message.byteOffset, message.length)
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.isUp = false;
    await Promise.all(
      [this.pub, this.sub].map((connection) =>
        connection.quit().then(
          () => undefined,
          () => connection.disconnect()
        )
      )
    );
  }

  private lost(): void {
    this.epoch++;
    if (!this.isUp || this.closed) return;
    this.isUp = false;
    this.statusHandler(false);
  }

  /** Once both connections are ready: subscribe every channel again, then report `up`. */
  private async restore(): Promise<void> {
    if (this.closed || this.isUp) return;
    if (this.pub.status !== 'ready' || this.sub.status !== 'ready') return;
    const epoch = this.epoch;
    try {
      if (this.channels.size > 0) await this.sub.subscribe(...this.channels);
    } catch (error) {
      this.options.logger.warn('fanout: restoring subscriptions failed', {
        error: String(error)
      });
      return;
    }
    if (epoch !== this.epoch || this.isUp || this.closed) return;
    this.isUp = true;
    this.statusHandler(true);
  }
}
