/**
 * `POST …/ai/predict` (DESIGN.md §2): duration and assignee suggestion for a new task or
 * incident, from the workspace's history (docs/ai-models.md). A helper: given the similar past
 * items the index found, the history and the members, runs the two models of
 * duration-model.ts and assignee-model.ts with their default (evaluated) options.
 */
import {
  AUTO_APPLY_CONFIDENCE,
  assigneeFrequency,
  labelCounts,
  suggestAssignees,
  type AssigneeReason
} from './assignee-model';
import { predictDuration, trainDurationPriors, type Neighbour } from './duration-model';
import { openLoad, type HistoryItem, type HistoryKind, type HistoryPriority } from './history';

export interface PredictInput {
  title: string;
  description?: string;
  kind?: HistoryKind;
  labels?: readonly string[];
  priority?: HistoryPriority;
}

export interface PredictMemberInfo {
  id: string;
  name: string;
  email: string;
  role: string;
  active: boolean;
}

export interface PredictedAssignee {
  id: string;
  name: string;
  email?: string;
  score: number;
  /** The main reason, machine-readable (the UI words it). */
  reason: AssigneeReason;
  reasons: AssigneeReason[];
  confidence: number;
  /** Whether the confidence reaches the auto-apply threshold (never applied below it). */
  autoApply: boolean;
}

export interface PredictResult {
  duration: {
    p50Minutes: number;
    p10Minutes: number;
    p90Minutes: number;
    /** Similar finished items it was based on (0: the priors only). */
    basedOn: number;
  } | null;
  assignees: PredictedAssignee[];
}

/** Most history items the models read (the newest). */
export const PREDICT_MAX_HISTORY = 20_000;

const round = (x: number) => Math.max(1, Math.round(x));

/**
 * Predicts for `input`. `similar` are the index's hits (item id and score), `history` the
 * workspace's items (open and finished), `onCall` who is on call now, `now` an ISO instant.
 */
export function predictWork(
  input: PredictInput,
  context: {
    similar: readonly { id: string; score: number }[];
    history: readonly HistoryItem[];
    members: readonly PredictMemberInfo[];
    onCall: ReadonlySet<string>;
    now: string;
  }
): PredictResult {
  const kind = input.kind ?? 'task';
  const history =
    context.history.length > PREDICT_MAX_HISTORY
      ? [...context.history]
          .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
          .slice(-PREDICT_MAX_HISTORY)
      : context.history;
  const finished = history.filter((i) => i.durationMinutes !== null);
  const byId = new Map(finished.map((i) => [i.id, i]));
  const neighbours: Neighbour<HistoryItem>[] = context.similar.flatMap((hit) => {
    const item = byId.get(hit.id);
    return item ? [{ item, similarity: hit.score }] : [];
  });
  const query = { kind, priority: input.priority, labels: input.labels ?? [] };

  let duration: PredictResult['duration'] = null;
  if (finished.length > 0) {
    const p = predictDuration(query, neighbours, trainDurationPriors(finished));
    duration = {
      p50Minutes: round(p.p50Minutes),
      p10Minutes: round(p.p10Minutes),
      p90Minutes: round(p.p90Minutes),
      basedOn: p.neighbours
    };
  }

  const load = openLoad(history, context.now);
  const members = new Map(context.members.map((m) => [m.id, m]));
  const suggestions = suggestAssignees(
    query,
    neighbours,
    context.members.map((m) => ({
      id: m.id,
      role: m.role,
      active: m.active,
      onCall: context.onCall.has(m.id),
      load: load.get(m.id) ?? 0
    })),
    { frequency: assigneeFrequency(finished), labelCounts: labelCounts(finished) }
  );
  return {
    duration,
    assignees: suggestions.map((s) => {
      const member = members.get(s.id)!;
      return {
        id: s.id,
        name: member.name,
        ...(member.email ? { email: member.email } : {}),
        score: Math.round(s.score * 1000) / 1000,
        reason: s.reasons[0] ?? { kind: 'light_load', open: load.get(s.id) ?? 0 },
        reasons: s.reasons,
        confidence: Math.round(s.confidence * 1000) / 1000,
        autoApply: s.confidence >= AUTO_APPLY_CONFIDENCE
      };
    })
  };
}
