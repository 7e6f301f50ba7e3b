/**
 * A job a node runs every so often (the weekly report's and the anomalies' schedulers): one round
 * at a time (a tick while a round is going is skipped), a failed round logged and the next one
 * tried, the timer never keeping the process alive. Rounds are idempotent and once across nodes
 * by their own claims; this only paces them on one node.
 */
import type { Logger } from './log';

export class PeriodicJob {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly options: {
      /** For the log line of a failed round ("weekly report: a round failed"). */
      name: string;
      everyMs: number;
      round: () => Promise<unknown>;
      logger: Logger;
    }
  ) {}

  /** Runs a round now, then every `everyMs`. */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      if (this.running) return;
      this.running = this.options
        .round()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.options.logger.error(`${this.options.name}: a round failed`, {
            error: String(error)
          });
        })
        .finally(() => {
          this.running = null;
        });
    };
    this.timer = setInterval(tick, this.options.everyMs);
    this.timer.unref();
    tick();
  }

  /** Stops the timer and waits for a round in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
