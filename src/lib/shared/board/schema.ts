/**
 * Schemas of the board: tasks, columns and labels, as read from and written to the board
 * document (`<ws>.board`). Every boundary (REST body, import row, UI form) validates with these,
 * and the TypeScript types are derived from them, so the two cannot drift. The `.meta({ id })`
 * names become component names in the OpenAPI document (`z.toJSONSchema`).
 */
import { z } from 'zod';
import { ID_PATTERN } from '../doc-name';
import { isValidKey } from '../fractional-index';
import { idSchema } from '../model/ids';

/** Ids of tasks, columns, labels and members follow the document-name id rule. */
export { ID_PATTERN };

/** Longest title, in characters. */
export const MAX_TITLE_LENGTH = 300;
/** Longest description, in characters. */
export const MAX_DESCRIPTION_LENGTH = 100_000;
/** Largest estimate, in minutes. */
export const MAX_ESTIMATE_MINUTES = 100_000;
/** Longest link target, in characters. */
export const MAX_LINK_TARGET_LENGTH = 200;
/** Longest column name, in characters. */
export const MAX_COLUMN_NAME_LENGTH = 60;
/** Longest label name, in characters. */
export const MAX_LABEL_NAME_LENGTH = 40;
/** Most labels on one task. */
export const MAX_LABELS_PER_TASK = 50;
/** Most links on one task. */
export const MAX_LINKS_PER_TASK = 100;
/** Largest WIP limit of a column. */
export const MAX_WIP_LIMIT = 10_000;
/** Longest checklist item text, in characters. */
export const MAX_CHECKLIST_TEXT_LENGTH = 500;
/** Most checklist items on one task. */
export const MAX_CHECKLIST_ITEMS = 500;
/** Longest comment body, in characters. */
export const MAX_COMMENT_LENGTH = 10_000;
/** Most activity entries in a task detail (the newest; the activity list pages through all). */
export const MAX_ACTIVITY_ENTRIES = 500;
/** Most tasks one bulk edit may change. */
export const MAX_BULK_TASKS = 500;

// One id schema for every model (its OpenAPI name `Id` must be registered once).
export { idSchema };

export const isoDateTimeSchema = z.iso.datetime().meta({
  id: 'DateTime',
  description: 'ISO 8601 date-time in UTC, e.g. 2025-01-31T09:30:00.000Z.'
});

export const positionSchema = z.string().refine(isValidKey, 'must be a fractional index key').meta({
  id: 'Position',
  description: 'Fractional index key (base 62); items sort by plain string order, then id.'
});

export const taskKindSchema = z
  .enum(['task', 'incident', 'change'])
  .meta({ id: 'TaskKind', description: 'What the card is: plain task, incident or change task.' });
export type TaskKind = z.infer<typeof taskKindSchema>;

export const prioritySchema = z
  .enum(['urgent', 'high', 'medium', 'low', 'none'])
  .meta({ id: 'Priority', description: 'Priority, from most to least urgent.' });
export type Priority = z.infer<typeof prioritySchema>;

export const columnCategorySchema = z.enum(['todo', 'in_progress', 'done']).meta({
  id: 'ColumnCategory',
  description: 'Lifecycle stage of a column; drives startedAt/doneAt when a card enters it.'
});
export type ColumnCategory = z.infer<typeof columnCategorySchema>;

export const taskLinkTypeSchema = z
  .enum(['runbook', 'ci', 'alert'])
  .meta({ id: 'TaskLinkType', description: 'What a task link points at.' });
export type TaskLinkType = z.infer<typeof taskLinkTypeSchema>;

const titleSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_TITLE_LENGTH)
  .describe('Title, 1–300 characters after trimming.');
export const taskDescriptionSchema = z
  .string()
  .max(MAX_DESCRIPTION_LENGTH)
  .describe('Description (Markdown), up to 100,000 characters.');
const assigneeSchema = idSchema.nullable().describe('Member id of the assignee, or null.');
const labelsSchema = z
  .array(idSchema)
  .max(MAX_LABELS_PER_TASK)
  .describe('Label ids; duplicates are merged.');
const dueAtSchema = isoDateTimeSchema.nullable().describe('When the task is due, or null.');
const estimateSchema = z
  .int()
  .min(0)
  .max(MAX_ESTIMATE_MINUTES)
  .nullable()
  .describe('Estimated effort in minutes, or null.');
const progressSchema = z.int().min(0).max(100).describe('Progress in percent, 0–100.');
const linkTargetSchema = z
  .string()
  .min(1)
  .max(MAX_LINK_TARGET_LENGTH)
  .describe('Id or reference of the linked item (runbook id, CI id, alert fingerprint).');

export const taskLinkSchema = z
  .object({
    type: taskLinkTypeSchema,
    target: linkTargetSchema,
    addedAt: isoDateTimeSchema.describe('When the link was added.')
  })
  .meta({ id: 'TaskLink', description: 'A link from a task to a runbook, CI or alert.' });
export type TaskLink = z.infer<typeof taskLinkSchema>;

export const taskLinkInputSchema = z
  .object({
    type: taskLinkTypeSchema,
    target: linkTargetSchema,
    addedAt: isoDateTimeSchema.optional().describe('When the link was added; defaults to now.')
  })
  .strict()
  .meta({ id: 'TaskLinkInput', description: 'A link to add to a task.' });
export type TaskLinkInput = z.infer<typeof taskLinkInputSchema>;

const linksInputSchema = z
  .array(taskLinkInputSchema)
  .max(MAX_LINKS_PER_TASK)
  .describe('The full set of links; a link is identified by type and target.');

export const taskSchema = z
  .object({
    id: idSchema.describe('Stable task id.'),
    key: z.string().nullable().describe('Human key such as OPS-142; null until one is assigned.'),
    title: titleSchema,
    description: taskDescriptionSchema,
    kind: taskKindSchema,
    status: idSchema.describe('Id of the column the task is in.'),
    position: positionSchema.describe('Order within the column.'),
    assignee: assigneeSchema,
    priority: prioritySchema,
    labels: z.array(idSchema).describe('Label ids, sorted.'),
    dueAt: dueAtSchema,
    estimateMinutes: estimateSchema,
    progress: progressSchema,
    createdAt: isoDateTimeSchema.describe('When the task was created.'),
    createdBy: idSchema.nullable().describe('Member id of the creator, or null (system).'),
    updatedAt: isoDateTimeSchema.describe('When the task last changed.'),
    startedAt: isoDateTimeSchema
      .nullable()
      .describe('When the task first entered an in-progress column.'),
    acknowledgedAt: isoDateTimeSchema
      .nullable()
      .describe('When the incident was first acknowledged.'),
    resolvedAt: isoDateTimeSchema
      .nullable()
      .describe(
        'When the incident or plain task was first resolved (first entered a done column); ' +
          'kept when it leaves done.'
      ),
    doneAt: isoDateTimeSchema
      .nullable()
      .describe('When the task entered a done column; cleared when it leaves.'),
    archivedAt: isoDateTimeSchema.nullable().describe('When the task was archived, or null.'),
    links: z.array(taskLinkSchema).describe('Links, sorted by type then target.'),
    checklistDone: z.int().min(0).describe('Checklist items that are done.'),
    checklistTotal: z.int().min(0).describe('Checklist items in all.'),
    commentCount: z.int().min(0).describe('Number of comments.')
  })
  .meta({
    id: 'Task',
    description: 'A card on the board: a task, incident or change task, as currently stored.'
  });
export type Task = z.infer<typeof taskSchema>;

export const taskCreateSchema = z
  .object({
    title: titleSchema,
    description: taskDescriptionSchema.optional(),
    kind: taskKindSchema.optional().describe('Defaults to "task".'),
    status: idSchema.optional().describe('Column id; defaults to the first "todo" column.'),
    assignee: assigneeSchema.optional(),
    priority: prioritySchema.optional().describe('Defaults to "none".'),
    labels: labelsSchema.optional(),
    dueAt: dueAtSchema.optional(),
    estimateMinutes: estimateSchema.optional(),
    progress: progressSchema.optional(),
    links: linksInputSchema.optional()
  })
  .strict()
  .meta({ id: 'TaskCreate', description: 'Fields of a new task; only the title is required.' });
/** What callers pass to create a task (before trimming). */
export type TaskCreateInput = z.input<typeof taskCreateSchema>;
export type TaskCreate = z.infer<typeof taskCreateSchema>;

export const taskPatchSchema = z
  .object({
    title: titleSchema.optional(),
    description: taskDescriptionSchema.optional(),
    kind: taskKindSchema.optional(),
    status: idSchema.optional().describe('Column id; the task moves to the end of that column.'),
    assignee: assigneeSchema.optional(),
    priority: prioritySchema.optional(),
    labels: labelsSchema.optional().describe('Replaces the label set.'),
    dueAt: dueAtSchema.optional(),
    estimateMinutes: estimateSchema.optional(),
    progress: progressSchema.optional(),
    links: linksInputSchema.optional().describe('Replaces the link set.'),
    archived: z.boolean().optional().describe('true archives the task, false restores it.')
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'the patch changes nothing')
  .meta({ id: 'TaskPatch', description: 'Changes to a task; at least one field.' });
export type TaskPatchInput = z.input<typeof taskPatchSchema>;
export type TaskPatch = z.infer<typeof taskPatchSchema>;

const columnNameSchema = z.string().trim().min(1).max(MAX_COLUMN_NAME_LENGTH);
export const wipLimitSchema = z
  .int()
  .min(1)
  .max(MAX_WIP_LIMIT)
  .nullable()
  .describe('Most cards the column should hold, or null for no limit.');

export const columnSchema = z
  .object({
    id: idSchema.describe('Stable column id; tasks refer to it as their status.'),
    name: columnNameSchema.describe('Column name, 1–60 characters.'),
    position: positionSchema.describe('Order on the board.'),
    category: columnCategorySchema,
    wipLimit: wipLimitSchema
  })
  .meta({ id: 'Column', description: 'A column of the board.' });
export type Column = z.infer<typeof columnSchema>;

export const columnCreateSchema = z
  .object({
    id: idSchema.optional().describe('Stable id; generated when absent.'),
    name: columnNameSchema,
    category: columnCategorySchema,
    wipLimit: wipLimitSchema.optional(),
    beforeId: idSchema.optional().describe('Put the column before this one.'),
    afterId: idSchema.optional().describe('Put the column after this one (default: last).')
  })
  .strict()
  .meta({ id: 'ColumnCreate', description: 'A new column.' });
export type ColumnCreateInput = z.input<typeof columnCreateSchema>;

export const labelColorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour')
  .describe('Colour as #rrggbb.');

export const labelSchema = z
  .object({
    id: idSchema.describe('Stable label id.'),
    name: z
      .string()
      .trim()
      .min(1)
      .max(MAX_LABEL_NAME_LENGTH)
      .describe('Label name, 1–40 characters.'),
    color: labelColorSchema
  })
  .meta({ id: 'Label', description: 'A label that tasks can carry.' });
export type Label = z.infer<typeof labelSchema>;

export const labelUpsertSchema = labelSchema
  .extend({ id: idSchema.optional().describe('Id to update; a new label when absent.') })
  .strict()
  .meta({ id: 'LabelUpsert', description: 'A label to create or update.' });
export type LabelUpsertInput = z.input<typeof labelUpsertSchema>;

export const keyPrefixSchema = z
  .string()
  .regex(
    /^[A-Z][A-Z0-9]{0,9}$/,
    'must be 1–10 upper-case letters or digits, starting with a letter'
  )
  .describe('Prefix of human task keys, e.g. OPS.');

export const moveTargetSchema = z
  .object({
    status: idSchema.describe('Column to move the task into.'),
    beforeId: idSchema.optional().describe('Put the card just before this task.'),
    afterId: idSchema
      .optional()
      .describe('Put the card just after this task (used when beforeId is absent).')
  })
  .strict()
  .meta({ id: 'TaskMove', description: 'Where a card goes; neither id means end of column.' });
export type MoveTarget = z.infer<typeof moveTargetSchema>;

export const taskFilterSchema = z
  .object({
    kind: taskKindSchema.optional(),
    status: idSchema.optional().describe('Column id.'),
    assignee: idSchema.nullable().optional().describe('Member id; null means unassigned.'),
    label: idSchema.optional().describe('Label id the task must carry.'),
    q: z.string().max(200).optional().describe('Case-insensitive text in key or title.'),
    includeArchived: z.boolean().optional().describe('Include archived tasks (default false).')
  })
  .strict()
  .meta({ id: 'TaskFilter', description: 'Which tasks to list; all given conditions must hold.' });
export type TaskFilter = z.input<typeof taskFilterSchema>;

export const checklistTextSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_CHECKLIST_TEXT_LENGTH)
  .describe('Text of the item, 1–500 characters after trimming.');

export const checklistItemSchema = z
  .object({
    id: idSchema.describe('Stable item id.'),
    text: checklistTextSchema,
    done: z.boolean().describe('Whether the item is ticked off.'),
    position: positionSchema.describe('Order within the checklist.'),
    doneBy: idSchema.nullable().describe('Member id of who ticked it off, or null.'),
    doneAt: isoDateTimeSchema.nullable().describe('When it was ticked off, or null.')
  })
  .meta({ id: 'ChecklistItem', description: 'One item of a task checklist.' });
export type ChecklistItem = z.infer<typeof checklistItemSchema>;

export const checklistItemCreateSchema = z
  .object({ text: checklistTextSchema })
  .strict()
  .meta({ id: 'ChecklistItemCreate', description: 'A new checklist item (added at the end).' });

export const checklistItemPatchSchema = z
  .object({
    text: checklistTextSchema.optional(),
    done: z.boolean().optional().describe('true ticks the item off, false clears it.')
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'the patch changes nothing')
  .meta({ id: 'ChecklistItemPatch', description: 'Changes to a checklist item.' });
export type ChecklistItemPatchInput = z.input<typeof checklistItemPatchSchema>;

export const commentBodySchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_COMMENT_LENGTH)
  .describe('Comment text (Markdown), 1–10,000 characters after trimming.');

export const commentSchema = z
  .object({
    id: idSchema.describe('Stable comment id.'),
    author: idSchema.nullable().describe('Member id of the author, or null (system).'),
    body: commentBodySchema,
    createdAt: isoDateTimeSchema.describe('When the comment was written.'),
    editedAt: isoDateTimeSchema.nullable().describe('When it was last edited, or null.')
  })
  .meta({ id: 'Comment', description: 'A comment on a task.' });
export type Comment = z.infer<typeof commentSchema>;

export const commentInputSchema = z
  .object({ body: commentBodySchema })
  .strict()
  .meta({ id: 'CommentInput', description: 'The text of a new or edited comment.' });

export const activityActionSchema = z
  .enum([
    'created',
    'updated',
    'moved',
    'archived',
    'restored',
    'commented',
    'comment_edited',
    'comment_deleted',
    'checklist_added',
    'checklist_checked',
    'checklist_unchecked',
    'checklist_removed',
    'key_assigned',
    'run_step_checked',
    'run_step_unchecked',
    'job_run_finished'
  ])
  .meta({ id: 'ActivityAction', description: 'What happened to a task.' });
export type ActivityAction = z.infer<typeof activityActionSchema>;

const activityValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const activityEntrySchema = z
  .object({
    at: isoDateTimeSchema.describe('When it happened.'),
    by: idSchema.nullable().describe('Member id of who did it, or null (system).'),
    action: activityActionSchema,
    field: z.string().optional().describe('Field that changed (action "updated").'),
    from: activityValueSchema
      .optional()
      .describe('Value before (labels: comma-joined sorted ids; moved: column id).'),
    to: activityValueSchema
      .optional()
      .describe(
        'Value after; for checklist and run-step actions the item text, for key_assigned the key.'
      )
  })
  .meta({ id: 'ActivityEntry', description: 'One entry of the activity log of a task.' });
export type ActivityEntry = z.infer<typeof activityEntrySchema>;

export const taskDetailSchema = taskSchema
  .extend({
    checklist: z.array(checklistItemSchema).describe('Checklist, sorted by position then id.'),
    comments: z.array(commentSchema).describe('Comments, oldest first.'),
    activity: z
      .array(activityEntrySchema)
      .describe(`Activity, oldest first (the newest ${MAX_ACTIVITY_ENTRIES} entries).`)
  })
  .meta({
    id: 'TaskDetail',
    description: 'A task with its checklist, comments and activity log.'
  });
export type TaskDetail = z.infer<typeof taskDetailSchema>;

export const bulkTaskPatchSchema = z
  .object({
    ids: z
      .array(idSchema)
      .min(1)
      .max(MAX_BULK_TASKS)
      .refine((ids) => new Set(ids).size === ids.length, 'ids must be unique')
      .describe(`Ids of the tasks to change, 1–${MAX_BULK_TASKS}, each once.`),
    patch: taskPatchSchema
  })
  .strict()
  .meta({
    id: 'TaskBulkPatch',
    description: 'One patch applied to several tasks at once, all or nothing.'
  });
export type BulkTaskPatchInput = z.input<typeof bulkTaskPatchSchema>;
