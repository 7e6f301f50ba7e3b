/**
 * What the CMDB pages call things, in the UI language: type names (built-in from the messages,
 * custom from their label), and refused edits as one readable message.
 */
import type { I18n } from '$lib/i18n/i18n.svelte';
import {
  BUILTIN_CI_TYPES,
  type BuiltinCiType,
  type CiType,
  type CustomField
} from '$lib/shared/cmdb/schema';
import type { CmdbWriteError } from './cmdb-writes';

function isBuiltin(type: string): type is BuiltinCiType {
  return (BUILTIN_CI_TYPES as readonly string[]).includes(type);
}

/** The shown name of `type`: the built-in's translation, a custom type's label, else the key. */
export function typeLabel(
  i18n: Pick<I18n, 't'>,
  custom: Readonly<Record<string, CiType>>,
  type: string
): string {
  if (isBuiltin(type)) return i18n.t(`cmdb.type.${type}`);
  return custom[type]?.label ?? type;
}

/** One message for a refused edit, naming the bad custom fields by their labels. */
export function describeWriteError(
  i18n: Pick<I18n, 't'>,
  error: CmdbWriteError,
  fields: readonly CustomField[] = []
): string {
  const { t } = i18n;
  switch (error.code) {
    case 'invalid':
      return t('cmdb.error.invalid', { message: error.message });
    case 'duplicate_name':
      return t('cmdb.error.duplicate_name', { name: error.message });
    case 'unknown_type':
      return t('cmdb.error.unknown_type', { type: error.message });
    case 'type_exists':
      return t('cmdb.error.type_exists', { type: error.message });
    case 'type_in_use':
      return t('cmdb.error.type_in_use', { type: error.message });
    case 'cycle':
      return t('cmdb.error.cycle', { path: error.path.join(' → ') });
    case 'custom_fields': {
      const problems = error.fields.map((problem) => {
        const label = fields.find((field) => field.key === problem.field)?.label ?? problem.field;
        return t(`cmdb.field.${problem.problem}`, { field: label });
      });
      return `${t('cmdb.error.custom_fields')} ${problems.join('; ')}`;
    }
    default:
      return t(`cmdb.error.${error.code}`);
  }
}
