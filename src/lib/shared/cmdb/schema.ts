/**
 * The CMDB's shapes (docs/design.md §2 `cmdb/*`): configuration items, their relations and the
 * workspace's custom types. Shared by the `<ws>.cmdb` document model, the REST API, the imports
 * and the pages; every boundary parses with these.
 */
import { z } from 'zod';
import { idSchema } from '../model/ids';

/** Built-in item types; a workspace adds custom types with typed fields (`ciTypeSchema`). */
export const BUILTIN_CI_TYPES = [
  'host',
  'vm',
  'service',
  'database',
  'network_device',
  'application',
  'cluster'
] as const;
export type BuiltinCiType = (typeof BUILTIN_CI_TYPES)[number];

/** A type name: built-in, or a custom type's key (lower-case letters, digits, `_`, `-`). */
export const ciTypeNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be 1–40 lower-case letters, digits, "_" or "-"')
  .meta({
    id: 'CiTypeName',
    description:
      'host, vm, service, database, network_device, application, cluster, or a custom type.'
  });

export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export const criticalitySchema = z
  .enum(CRITICALITIES)
  .meta({ id: 'CiCriticality', description: 'How much it matters when the item fails.' });
export type Criticality = z.infer<typeof criticalitySchema>;

export const RELATION_TYPES = ['depends_on', 'runs_on', 'connects_to'] as const;
export const relationTypeSchema = z
  .enum(RELATION_TYPES)
  .meta({ id: 'CiRelationType', description: '`from` depends on, runs on or connects to `to`.' });
export type RelationType = z.infer<typeof relationTypeSchema>;

/** Limits of what an item holds. */
export const CI_LIMITS = {
  nameChars: 200,
  environmentChars: 40,
  ownerChars: 100,
  tagChars: 60,
  tags: 50,
  attributes: 100,
  attributeKeyChars: 80,
  attributeValueChars: 2_000
} as const;

const nameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(CI_LIMITS.nameChars)
  .refine(
    (s) => ![...s].some((c) => c.charCodeAt(0) < 0x20),
    'must not contain control characters'
  );

/** An environment: free text, lower-case by convention (`production`, `staging`, `生产`). */
export const environmentSchema = z.string().trim().min(1).max(CI_LIMITS.environmentChars);
const tagSchema = z.string().trim().min(1).max(CI_LIMITS.tagChars);

/** Attribute values: plain scalars only (a custom type's typed fields live here too). */
export const attributeValueSchema = z.union([
  z.string().max(CI_LIMITS.attributeValueChars),
  z.number().finite(),
  z.boolean(),
  z.null()
]);
export type AttributeValue = z.infer<typeof attributeValueSchema>;

export const attributesSchema = z
  .record(z.string().min(1).max(CI_LIMITS.attributeKeyChars), attributeValueSchema)
  .refine(
    (a) => Object.keys(a).length <= CI_LIMITS.attributes,
    `at most ${CI_LIMITS.attributes} attributes`
  );

/**
 * An item as the document holds it, under its id in the `items` map: one plain JSON value,
 * replaced whole on each edit (ARCHITECTURE "CMDB": why not a map per item).
 */
export const ciValueSchema = z.object({
  type: ciTypeNameSchema,
  name: nameSchema,
  environment: environmentSchema.nullable(),
  criticality: criticalitySchema,
  owner: z.string().trim().max(CI_LIMITS.ownerChars).nullable(),
  attributes: attributesSchema,
  tags: z.array(tagSchema).max(CI_LIMITS.tags),
  createdAt: z.string(),
  updatedAt: z.string()
});
export type CiValue = z.infer<typeof ciValueSchema>;

/** An item with its id, as the API answers and the pages show. */
export const ciItemSchema = ciValueSchema
  .extend({ id: idSchema })
  .meta({ id: 'CiItem', description: 'A configuration item.' });
export type CiItem = z.infer<typeof ciItemSchema>;

/** `POST …/cmdb/items` (docs/design.md §2). */
export const ciCreateSchema = z
  .object({
    type: ciTypeNameSchema,
    name: nameSchema,
    environment: environmentSchema.nullable().optional(),
    criticality: criticalitySchema.optional().describe('Defaults to "medium".'),
    owner: z
      .string()
      .trim()
      .max(CI_LIMITS.ownerChars)
      .nullable()
      .optional()
      .describe('The owner team.'),
    attributes: attributesSchema.optional(),
    tags: z.array(tagSchema).max(CI_LIMITS.tags).optional()
  })
  .strict()
  .meta({ id: 'CiCreate' });
export type CiCreate = z.infer<typeof ciCreateSchema>;

/** `PATCH …/cmdb/items/<id>`: the fields to change. */
export const ciPatchSchema = ciCreateSchema
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change')
  .meta({ id: 'CiPatch' });
export type CiPatch = z.infer<typeof ciPatchSchema>;

/** `POST …/cmdb/relations`. */
export const relationCreateSchema = z
  .object({ from: idSchema, to: idSchema, type: relationTypeSchema })
  .strict()
  .meta({ id: 'CiRelationCreate' });
export type RelationCreate = z.infer<typeof relationCreateSchema>;

export const ciRelationSchema = z
  .object({ id: z.string(), from: idSchema, to: idSchema, type: relationTypeSchema })
  .meta({ id: 'CiRelation', description: '`from` depends on (runs on, connects to) `to`.' });
export type CiRelation = z.infer<typeof ciRelationSchema>;

/** Field types of a custom item type. */
export const CUSTOM_FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'choice'] as const;

export const customFieldSchema = z
  .object({
    key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'must be 1–40 letters, digits or "_"'),
    label: z.string().trim().min(1).max(80),
    type: z.enum(CUSTOM_FIELD_TYPES),
    required: z.boolean().default(false),
    choices: z.array(z.string().trim().min(1).max(80)).max(50).optional()
  })
  .strict()
  .refine(
    (f) => f.type !== 'choice' || (f.choices?.length ?? 0) > 0,
    'a choice field needs choices'
  );
export type CustomField = z.infer<typeof customFieldSchema>;

/** A custom type as the document holds it, under its name in the `types` map. */
export const ciTypeSchema = z
  .object({
    label: z.string().trim().min(1).max(80),
    fields: z.array(customFieldSchema).max(40)
  })
  .strict()
  .meta({ id: 'CiCustomType' });
export type CiType = z.infer<typeof ciTypeSchema>;

/** One entry of an item's impact: an item that depends on it, `depth` hops away (1 = directly). */
export const impactEntrySchema = z
  .object({ id: idSchema, name: z.string(), type: z.string(), depth: z.int().min(1) })
  .meta({ id: 'CiImpactEntry' });
export type ImpactEntry = z.infer<typeof impactEntrySchema>;
