/**
 * How the UI words an assignee suggestion's reason (`ai/predict`, docs/ai-models.md): the
 * message key of i18n area `ai-predict` and its parameters. The reason is machine-readable on
 * the wire (`{ kind: 'resolved_similar', count: 6, topic: 'l-mysql' }`); its topic is a label
 * id, named here by the board's labels (`topicName`).
 */

export type PredictReason =
  | { kind: 'resolved_similar'; count: number; topic: string | null }
  | { kind: 'on_call' }
  | { kind: 'frequent'; count: number }
  | { kind: 'light_load'; open: number };

export interface ReasonMessage {
  /** The key; with `plural`, the base of a `.one`/`.other` pair (pick by `params.count`). */
  key: string;
  params: Record<string, string | number>;
  plural: boolean;
}

/**
 * The message of `reason` for an item of `kind`; `topicName` maps a label id to its name
 * (unknown ids are shown as they are).
 */
export function reasonMessage(
  reason: PredictReason,
  kind: 'task' | 'incident' | 'change',
  topicName: (id: string) => string | undefined = () => undefined
): ReasonMessage {
  switch (reason.kind) {
    case 'resolved_similar': {
      const count = reason.count;
      if (!reason.topic)
        return { key: 'aiPredict.reason.resolvedSimilar', params: { count }, plural: true };
      const topic = topicName(reason.topic) ?? reason.topic;
      return {
        key:
          kind === 'incident'
            ? 'aiPredict.reason.resolvedSimilarIncidents'
            : 'aiPredict.reason.resolvedSimilarTopic',
        params: { count, topic },
        plural: true
      };
    }
    case 'on_call':
      return { key: 'aiPredict.reason.onCall', params: {}, plural: false };
    case 'frequent':
      return { key: 'aiPredict.reason.frequent', params: { count: reason.count }, plural: false };
    case 'light_load':
      return reason.open === 0
        ? { key: 'aiPredict.reason.noOpenWork', params: {}, plural: false }
        : { key: 'aiPredict.reason.lightLoad', params: { count: reason.open }, plural: true };
  }
}
