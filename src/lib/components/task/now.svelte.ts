/**
 * A clock for relative times ("5 min ago"): one reactive `now` that ticks every half minute
 * while some component reads it, so those texts stay true on a page left open.
 */
import { createSubscriber } from 'svelte/reactivity';

/** How often relative times are refreshed. */
const TICK_MS = 30_000;

/** A reactive current time (ms since the epoch), refreshed while observed. */
export class Clock {
  #now = Date.now();
  readonly #subscribe = createSubscriber((update) => {
    const timer = setInterval(() => {
      this.#now = Date.now();
      update();
    }, TICK_MS);
    return () => clearInterval(timer);
  });

  /** The current time; reading it in an effect or template subscribes to the ticks. */
  get now(): number {
    this.#subscribe();
    return this.#now;
  }
}
