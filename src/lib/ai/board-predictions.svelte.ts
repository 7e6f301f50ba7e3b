/**
 * The board's predicted durations and due-date risks (`GET …/ai/predictions`, docs/ai.md),
 * loaded lazily: the page says which cards it shows (`want`), and a moment later the cards not
 * known yet, changed since (by `updatedAt`) or asked for long ago are fetched, a hundred per
 * request. Each card reads its own entry of `byId`, so an answer re-renders only its cards.
 * Offline, or when the server cannot answer, nothing is shown and nothing is reported: the
 * board works the same without it.
 */
import { SvelteMap } from 'svelte/reactivity';
import { rest } from '$lib/rest-client';
import {
  PREDICTIONS_MAX_IDS,
  taskPredictionSchema,
  type TaskPredictionSummary
} from '$lib/shared/ai/board-prediction';
import type { Task } from '$lib/shared/board/schema';

/** Pause after the last change of the shown cards before asking (renders come first). */
export const PREDICTIONS_DELAY_MS = 1_000;
/** Longest wait for an idle moment after that pause (where the browser can tell one). */
export const PREDICTIONS_IDLE_TIMEOUT_MS = 2_000;
/** An answer older than this is asked again (the risk moves with the clock and the history). */
export const PREDICTIONS_MAX_AGE_MS = 5 * 60_000;
/** Most cards asked for per round (a few requests), whatever the page shows. */
export const PREDICTIONS_MAX_PER_ROUND = 4 * PREDICTIONS_MAX_IDS;

const answerSchema = taskPredictionSchema.array();

/** What an entry was fetched for. */
interface Asked {
  updatedAt: string;
  at: number;
}

export class BoardPredictions {
  /** The predictions by card id; a card without one (not open, no history) has no entry. */
  readonly byId = new SvelteMap<string, TaskPredictionSummary>();
  /** Plain (not reactive): only the rounds read it. */
  readonly #asked: Record<string, Asked | undefined> = Object.create(null) as Record<
    string,
    Asked | undefined
  >;
  readonly #workspaceId: string;
  #wanted: readonly Pick<Task, 'id' | 'updatedAt'>[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  #again = false;
  #destroyed = false;

  constructor(workspaceId: string) {
    this.#workspaceId = workspaceId;
  }

  /** The cards the page shows now: their predictions are brought up to date a moment later. */
  want(tasks: readonly Pick<Task, 'id' | 'updatedAt'>[]): void {
    this.#wanted = tasks;
    if (this.#destroyed) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      // Then when the browser is idle: a board still rendering or scrolling goes first.
      if (typeof requestIdleCallback === 'function') {
        requestIdleCallback(() => void this.#round(), { timeout: PREDICTIONS_IDLE_TIMEOUT_MS });
      } else {
        void this.#round();
      }
    }, PREDICTIONS_DELAY_MS);
  }

  /** Stops asking. */
  destroy(): void {
    this.#destroyed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #round(): Promise<void> {
    if (this.#destroyed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    try {
      const now = Date.now();
      const stale = this.#wanted
        .filter((task) => {
          const asked = this.#asked[task.id];
          return (
            asked === undefined ||
            asked.updatedAt !== task.updatedAt ||
            now - asked.at > PREDICTIONS_MAX_AGE_MS
          );
        })
        .slice(0, PREDICTIONS_MAX_PER_ROUND);
      for (let i = 0; i < stale.length && !this.#destroyed; i += PREDICTIONS_MAX_IDS) {
        // Offline: nothing to ask; the cards ask again when the page shows them next.
        if (typeof navigator !== 'undefined' && navigator.onLine === false) break;
        const chunk = stale.slice(i, i + PREDICTIONS_MAX_IDS);
        let answer: TaskPredictionSummary[];
        try {
          answer = await rest(
            'GET',
            `/workspaces/${encodeURIComponent(this.#workspaceId)}/ai/predictions?ids=${chunk
              .map((task) => encodeURIComponent(task.id))
              .join(',')}`,
            { schema: answerSchema }
          );
        } catch {
          // Not reachable or refused: the board shows no prediction, and says nothing.
          break;
        }
        if (this.#destroyed) return;
        for (const task of chunk) {
          this.#asked[task.id] = { updatedAt: task.updatedAt, at: now };
          const item = answer.find((candidate) => candidate.id === task.id);
          if (item) this.byId.set(task.id, item);
          else this.byId.delete(task.id);
        }
      }
    } finally {
      this.#running = false;
      if (this.#again && !this.#destroyed) {
        this.#again = false;
        void this.#round();
      }
    }
  }
}
