/**
 * A quick check of a stored item value, for reading a whole CMDB at once: a document of 20,000
 * items parsed with the zod schema costs a few hundred ms in a browser, most of the index's work
 * when the document opens. `quickItemValue` accepts only values the schema would return
 * unchanged (trimmed strings, known keys only, within every limit) and answers null for anything
 * else, so the caller falls back to the schema (`parseItemValue`), which decides. It never
 * accepts what the schema refuses; it may send a good value the long way.
 */
import {
  CI_LIMITS,
  CRITICALITIES,
  type AttributeValue,
  type CiValue
} from '$lib/shared/cmdb/schema';

const TYPE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;
const KEYS = 9;

function trimmed(value: unknown, min: number, max: number): value is string {
  return (
    typeof value === 'string' &&
    value.length >= min &&
    value.length <= max &&
    value === value.trim()
  );
}

/** Whether `text` has a control character (below U+0020), which the schema refuses in names. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

function plainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function attributeValue(value: unknown): value is AttributeValue {
  return (
    value === null ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    (typeof value === 'string' && value.length <= CI_LIMITS.attributeValueChars)
  );
}

/** `raw` as an item value when it certainly is one as stored; null to let the schema decide. */
export function quickItemValue(raw: unknown): CiValue | null {
  if (!plainObject(raw) || Object.keys(raw).length !== KEYS) return null;
  const { type, name, environment, criticality, owner, attributes, tags, createdAt, updatedAt } =
    raw;
  if (typeof type !== 'string' || !TYPE_NAME.test(type)) return null;
  if (!trimmed(name, 1, CI_LIMITS.nameChars) || hasControl(name)) return null;
  if (environment !== null && !trimmed(environment, 1, CI_LIMITS.environmentChars)) return null;
  if (!(CRITICALITIES as readonly unknown[]).includes(criticality)) return null;
  if (owner !== null && !trimmed(owner, 0, CI_LIMITS.ownerChars)) return null;
  if (typeof createdAt !== 'string' || typeof updatedAt !== 'string') return null;
  if (!Array.isArray(tags) || tags.length > CI_LIMITS.tags) return null;
  for (const tag of tags as unknown[]) if (!trimmed(tag, 1, CI_LIMITS.tagChars)) return null;
  if (!plainObject(attributes)) return null;
  const keys = Object.keys(attributes);
  if (keys.length > CI_LIMITS.attributes) return null;
  for (const key of keys) {
    if (key.length < 1 || key.length > CI_LIMITS.attributeKeyChars) return null;
    if (!attributeValue(attributes[key])) return null;
  }
  return raw as CiValue;
}
