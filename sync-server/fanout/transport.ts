/**
 * What the fan-out needs of a message bus (Redis pub/sub in production, redis.ts): channels,
 * at-most-once delivery, and a signal when the bus was lost and is back. Nothing in the sync
 * core depends on Redis itself; the composition root picks the transport.
 */
export interface FanoutTransport {
  /**
   * Adds `channel` to the subscriptions. Resolves once the bus confirmed it; rejects when the bus
   * is unreachable, and the channel is then subscribed again as soon as it is back.
   */
  subscribe(channel: string): Promise<void>;
  /** Removes `channel` from the subscriptions; never rejects. */
  unsubscribe(channel: string): Promise<void>;
  /** Publishes `message` on `channel`; rejects at once when the bus cannot take it now. */
  publish(channel: string, message: Uint8Array): Promise<void>;
  /** The one receiver of every message on every subscribed channel. */
  onMessage(handler: (channel: string, message: Buffer) => void): void;
  /**
   * Told `true` each time the bus becomes usable in both directions with every subscription
   * restored (also the first time), and `false` when it is lost. Messages may have been lost
   * in between: the fan-out resyncs on `true`.
   */
  onStatus(handler: (up: boolean) => void): void;
  readonly up: boolean;
  close(): Promise<void>;
}
