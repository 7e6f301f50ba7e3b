/**
 * How the UI words an assignee suggestion's reason (`ai/predict`, docs/ai-models.md): the
 * message key of i18n area `ai-predict` and its parameters. The reason is machine-readable on
 * the wire (`{ kind: 'resolved_similar', count: 6, topic: 'l-mysql' }`); its topic is a label
 * id, named here by the board's labels (`topicName`).
 */

import type { z } from 'zod';
import type { predictReasonSchema } from './prediction';

export type PredictReason = z.infer<typeof predictReasonSchema>;

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
      return { key: 'aiPredict.reason.frequent', params: { count: reason.count }, plural: true };
    case 'light_load':
      return reason.open === 0
        ? { key: 'aiPredict.reason.noOpenWork', params: {}, plural: false }
        : { key: 'aiPredict.reason.lightLoad', params: { count: reason.open }, plural: true };
  }
}

/** A duration in minutes as the message key and parameters of i18n area `ai-predict`. */
export function durationMessage(minutes: number): ReasonMessage {
  const m = Math.max(1, Math.round(minutes));
  if (m < 60) return { key: 'aiPredict.minutes', params: { m }, plural: false };
  if (m < 24 * 60) {
    const h = Math.floor(m / 60);
    const rest = m % 60;
    return rest === 0
      ? { key: 'aiPredict.hours', params: { h }, plural: false }
      : { key: 'aiPredict.hoursMinutes', params: { h, m: rest }, plural: false };
  }
  const d = Math.floor(m / (24 * 60));
  const h = Math.round((m - d * 24 * 60) / 60);
  return h === 0 || h === 24
    ? { key: 'aiPredict.days', params: { d: h === 24 ? d + 1 : d }, plural: false }
    : { key: 'aiPredict.daysHours', params: { d, h }, plural: false };
}
