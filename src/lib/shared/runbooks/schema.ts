/**
 * Schemas of runbooks: the metadata kept in a runbook document (`<ws>.runbook.<id>`), what the
 * library lists, and the REST bodies that create and change runbooks. Every boundary validates
 * with these and the TypeScript types are derived from them. The `.meta({ id })` names become
 * component names in the OpenAPI document.
 */
import { z } from 'zod';
import { isoDateTimeSchema } from '../board/schema';
import { idSchema } from '../model/ids';

/** Longest runbook title, in characters. */
export const MAX_RUNBOOK_TITLE_LENGTH = 200;
/** Longest tag, service or CI reference, in characters. */
export const MAX_RUNBOOK_TAG_LENGTH = 60;
/** Most tags (and services, and CIs) on one runbook. */
export const MAX_RUNBOOK_TAGS = 50;
/** Most alert matchers on one runbook. */
export const MAX_ALERT_MATCHERS = 50;
/** Longest alert matcher value, in characters. */
export const MAX_ALERT_MATCHER_VALUE_LENGTH = 200;
/** Review interval of a new runbook, in days. */
export const DEFAULT_REVIEW_INTERVAL_DAYS = 90;
/** Longest review interval, in days (ten years). */
export const MAX_REVIEW_INTERVAL_DAYS = 3650;
/** Longest Markdown accepted on create or import, in characters. */
export const MAX_RUNBOOK_MARKDOWN_LENGTH = 500_000;
/** Longest version name, in characters. */
export const MAX_VERSION_NAME_LENGTH = 100;

export const runbookTitleSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_RUNBOOK_TITLE_LENGTH)
  .describe('Title, 1–200 characters after trimming.');

const tagSchema = z.string().trim().min(1).max(MAX_RUNBOOK_TAG_LENGTH);

const tagListSchema = z
  .array(tagSchema)
  .max(MAX_RUNBOOK_TAGS)
  .describe('Free-form names, 1–60 characters each; duplicates are merged.');

export const alertMatcherLabelSchema = z
  .enum(['service', 'alertname'])
  .meta({ id: 'AlertMatcherLabel', description: 'Alert label a runbook matcher compares.' });
export type AlertMatcherLabel = z.infer<typeof alertMatcherLabelSchema>;

export const alertMatcherSchema = z
  .object({
    label: alertMatcherLabelSchema,
    value: z
      .string()
      .trim()
      .min(1)
      .max(MAX_ALERT_MATCHER_VALUE_LENGTH)
      .describe('Value the alert label must equal (case-insensitive).')
  })
  .strict()
  .meta({
    id: 'AlertMatcher',
    description: 'An alert whose label equals this value is matched to the runbook.'
  });
export type AlertMatcher = z.infer<typeof alertMatcherSchema>;

const reviewIntervalSchema = z
  .int()
  .min(1)
  .max(MAX_REVIEW_INTERVAL_DAYS)
  .nullable()
  .describe('Days between reviews, or null when the runbook needs no review.');

export const runbookMetaSchema = z
  .object({
    id: idSchema.describe('Stable runbook id.'),
    title: runbookTitleSchema,
    tags: z.array(z.string()).describe('Tags, sorted.'),
    ownerId: idSchema.nullable().describe('Member id of the owner, or null.'),
    services: z.array(z.string()).describe('Names of the services it covers, sorted.'),
    cis: z.array(z.string()).describe('Ids of the configuration items it covers, sorted.'),
    alertMatchers: z.array(alertMatcherSchema).describe('Alert matchers, sorted.'),
    reviewedAt: isoDateTimeSchema.nullable().describe('When it was last reviewed, or null.'),
    reviewIntervalDays: reviewIntervalSchema,
    createdAt: isoDateTimeSchema.describe('When the runbook was created.'),
    createdBy: idSchema.nullable().describe('Member id of the creator, or null (system).'),
    updatedAt: isoDateTimeSchema.describe('When the metadata or content last changed.'),
    archivedAt: isoDateTimeSchema.nullable().describe('When it was archived, or null.')
  })
  .meta({ id: 'RunbookMeta', description: 'Metadata of a runbook, as stored in its document.' });
export type RunbookMeta = z.infer<typeof runbookMetaSchema>;

export const runbookSummarySchema = runbookMetaSchema
  .extend({
    reviewDue: z
      .boolean()
      .describe('True when the review interval has passed since the last review (or creation).'),
    snippet: z
      .string()
      .optional()
      .describe('Text around the search match, with matches wrapped in « and ».')
  })
  .meta({ id: 'RunbookSummary', description: 'A runbook as listed in the library.' });
export type RunbookSummary = z.infer<typeof runbookSummarySchema>;

export const runbookMetaPatchSchema = z
  .object({
    title: runbookTitleSchema.optional(),
    tags: tagListSchema.optional().describe('Replaces the tag set.'),
    ownerId: idSchema.nullable().optional().describe('Member id of the owner, or null.'),
    services: tagListSchema.optional().describe('Replaces the service set.'),
    cis: tagListSchema.optional().describe('Replaces the CI set.'),
    alertMatchers: z
      .array(alertMatcherSchema)
      .max(MAX_ALERT_MATCHERS)
      .optional()
      .describe('Replaces the alert matchers.'),
    reviewIntervalDays: reviewIntervalSchema.optional()
  })
  .strict()
  .meta({ id: 'RunbookMetaPatch', description: 'Changes to the metadata of a runbook.' });
export type RunbookMetaPatchInput = z.input<typeof runbookMetaPatchSchema>;
export type RunbookMetaPatch = z.infer<typeof runbookMetaPatchSchema>;

export const runbookPatchSchema = runbookMetaPatchSchema
  .extend({
    archived: z.boolean().optional().describe('true archives the runbook, false restores it.'),
    reviewed: z.literal(true).optional().describe('Marks the runbook reviewed now.')
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'the patch changes nothing')
  .meta({
    id: 'RunbookPatch',
    description: 'Changes to a runbook through the API: metadata, archive state, review mark.'
  });
export type RunbookPatch = z.infer<typeof runbookPatchSchema>;

export const runbookTemplateSchema = z
  .enum(['incident-response', 'maintenance', 'oncall-handover'])
  .meta({ id: 'RunbookTemplate', description: 'Built-in template a new runbook starts from.' });
export type RunbookTemplate = z.infer<typeof runbookTemplateSchema>;

export const runbookCreateSchema = z
  .object({
    title: runbookTitleSchema,
    template: runbookTemplateSchema.optional(),
    markdown: z
      .string()
      .max(MAX_RUNBOOK_MARKDOWN_LENGTH)
      .optional()
      .describe('Initial content as Markdown; wins over the template when both are given.'),
    tags: tagListSchema.optional()
  })
  .strict()
  .meta({ id: 'RunbookCreate', description: 'A new runbook; only the title is required.' });
export type RunbookCreate = z.infer<typeof runbookCreateSchema>;

export const runbookVersionKindSchema = z.enum(['named', 'auto']).meta({
  id: 'RunbookVersionKind',
  description: 'named: saved by a person; auto: an automatic snapshot.'
});
export type RunbookVersionKind = z.infer<typeof runbookVersionKindSchema>;

export const runbookVersionSchema = z
  .object({
    id: idSchema.describe('Stable version id.'),
    name: z.string().nullable().describe('Name given when saved, or null (automatic).'),
    kind: runbookVersionKindSchema,
    createdAt: isoDateTimeSchema.describe('When the version was taken.'),
    createdBy: idSchema.nullable().describe('Member id of who saved it, or null (server).')
  })
  .meta({ id: 'RunbookVersion', description: 'A saved state of a runbook.' });
export type RunbookVersion = z.infer<typeof runbookVersionSchema>;

export const runbookVersionCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(MAX_VERSION_NAME_LENGTH).describe('Name, 1–100 characters.')
  })
  .strict()
  .meta({ id: 'RunbookVersionCreate', description: 'A named version to save.' });
