/**
 * Anomaly events as the REST API, the reports page and the notifications show them (docs/ai.md,
 * "Anomalies"). An event is a run of hours whose count of alerts (per service or per board
 * label) or of tasks created (per board label) is far above its seasonal baseline.
 */
import { z } from 'zod';
import { LOCALES } from '../locale';

export const ANOMALY_SERIES = ['alerts', 'tasks'] as const;
export const anomalySeriesSchema = z.enum(ANOMALY_SERIES);
export type AnomalySeries = z.infer<typeof anomalySeriesSchema>;

export const ANOMALY_GROUP_KINDS = ['service', 'label'] as const;
export const anomalyGroupKindSchema = z.enum(ANOMALY_GROUP_KINDS);
export type AnomalyGroupKind = z.infer<typeof anomalyGroupKindSchema>;

/** Most groups scored per series and group kind: the busiest by volume (the response says so). */
export const MAX_ANOMALY_GROUPS = 20;
/** Longest range asked for, in days (each group is an hourly series of the range and history). */
export const MAX_ANOMALY_RANGE_DAYS = 93;

export const anomalyEventSchema = z
  .object({
    id: z.string().meta({ description: 'Stable id: series, group and start.' }),
    series: anomalySeriesSchema,
    groupKind: anomalyGroupKindSchema,
    group: z.string().meta({ description: 'The service name or the board label’s name.' }),
    labelId: z
      .string()
      .nullable()
      .meta({ description: 'The board label’s id (label groups), for drill-down filters.' }),
    start: z.string().meta({ description: 'First anomalous hour (ISO, inclusive).' }),
    end: z.string().meta({ description: 'End of the last anomalous hour (ISO, exclusive).' }),
    peakScore: z.number().meta({
      description: 'Highest score of its hours: (observed − expected) / robust spread.'
    }),
    observed: z.int().min(0).meta({ description: 'Count during the event.' }),
    expected: z.number().min(0).meta({ description: 'Baseline sum over the same hours.' })
  })
  .meta({ id: 'AnomalyEvent' });
export type AnomalyEventJson = z.infer<typeof anomalyEventSchema>;

/** Settings of the anomaly message (Settings → AI). */
export const anomalyNotifySettingsSchema = z
  .object({
    notify: z.boolean().meta({ description: 'Send a message when a new anomaly starts.' }),
    channelId: z.string().nullable(),
    locale: z.enum(LOCALES),
    updatedAt: z.string().nullable().meta({ description: 'Null until an admin saves them.' })
  })
  .meta({ id: 'AnomalyNotifySettings' });
export type AnomalyNotifySettings = z.infer<typeof anomalyNotifySettingsSchema>;

export const anomalyNotifyPatchSchema = z
  .object({
    notify: z.boolean().optional(),
    channelId: z.string().min(1).max(100).nullable().optional(),
    locale: z.enum(LOCALES).optional()
  })
  .strict()
  .meta({ id: 'AnomalyNotifyPatch' });
export type AnomalyNotifyPatch = z.infer<typeof anomalyNotifyPatchSchema>;

/** What an anomaly message says, fixed when it is queued (the outbox payload). */
export const anomalyMessageContentSchema = z.object({
  locale: z.enum(LOCALES),
  series: anomalySeriesSchema,
  groupKind: anomalyGroupKindSchema,
  group: z.string(),
  start: z.string(),
  end: z.string(),
  observed: z.int().min(0),
  expected: z.number().min(0),
  peakScore: z.number(),
  /** The reports page of the event's day, relative to the origin. */
  reportPath: z.string()
});
export type AnomalyMessageContent = z.infer<typeof anomalyMessageContentSchema>;
