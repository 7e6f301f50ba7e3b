/**
 * Durations of many open cards at once, for the board (`GET …/ai/predictions`, docs/ai.md). A
 * helper: the same duration model, history cap and neighbours as `predictWork` (predict.ts), so
 * a card shows what its task page shows, but the priors are trained once for the whole batch and
 * nothing about assignees is computed. The service (ai-service.ts `predictOpen`) caches what this returns per card.
 */
import {
  predictDuration,
  trainDurationPriors,
  type DurationPriors,
  type Neighbour
} from './duration-model';
import type { HistoryItem, HistoryKind, HistoryPriority } from './history';
import { PREDICT_MAX_HISTORY } from './predict';

/** An open card as the batch reads it (the board's `Task` fits). */
export interface OpenCard {
  id: string;
  title: string;
  description: string;
  kind: HistoryKind;
  priority: HistoryPriority;
  labels: readonly string[];
}

/** A card's predicted duration, in whole minutes. */
export interface CardDuration {
  p10Minutes: number;
  p50Minutes: number;
  p90Minutes: number;
  basedOn: number;
}

/** What the batch's cards share: the finished history by id and the priors trained on it. */
export interface DurationBasis {
  finishedById: ReadonlyMap<string, HistoryItem>;
  priors: DurationPriors | null;
}

/** Most characters of a description searched with the title (as the index embeds it). */
const DESCRIPTION_CHARS = 500;

/** The text a card is searched by. */
export function openCardText(card: Pick<OpenCard, 'title' | 'description'>): string {
  const description = card.description.trim();
  return description ? `${card.title}\n${description.slice(0, DESCRIPTION_CHARS)}` : card.title;
}

/** What a card's cached prediction depends on of the card itself (not its times). */
export function openCardFingerprint(card: OpenCard): string {
  return JSON.stringify([
    card.title,
    card.description.slice(0, DESCRIPTION_CHARS),
    card.kind,
    card.priority,
    [...card.labels].sort()
  ]);
}

/** Trains the batch's basis on `history` (open and finished items; the finished ones count). */
export function durationBasis(history: readonly HistoryItem[]): DurationBasis {
  const newest =
    history.length > PREDICT_MAX_HISTORY
      ? [...history]
          .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
          .slice(-PREDICT_MAX_HISTORY)
      : history;
  const finished = newest.filter((item) => item.durationMinutes !== null);
  return {
    finishedById: new Map(finished.map((item) => [item.id, item])),
    priors: finished.length > 0 ? trainDurationPriors(finished) : null
  };
}

const round = (x: number) => Math.max(1, Math.round(x));

/**
 * The duration of `card` from its similar items (`similar`: the index's hits, id and score) and
 * the basis; null without finished history.
 */
export function cardDuration(
  card: OpenCard,
  similar: readonly { id: string; score: number }[],
  basis: DurationBasis
): CardDuration | null {
  if (basis.priors === null) return null;
  const neighbours: Neighbour<HistoryItem>[] = similar.flatMap((hit) => {
    const item = hit.id === card.id ? undefined : basis.finishedById.get(hit.id);
    return item ? [{ item, similarity: hit.score }] : [];
  });
  // Like the task page's prediction, without the assignee's pace (predictWork has none).
  const p = predictDuration(
    { kind: card.kind, priority: card.priority, labels: card.labels },
    neighbours,
    basis.priors
  );
  return {
    p10Minutes: round(p.p10Minutes),
    p50Minutes: round(p.p50Minutes),
    p90Minutes: round(p.p90Minutes),
    basedOn: p.neighbours
  };
}
