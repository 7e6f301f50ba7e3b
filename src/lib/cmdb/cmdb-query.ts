/**
 * The CMDB list's filters in the address (`?q=&type=&env=&criticality=&tag=&owner=`), so a
 * filtered list can be linked to and comes back as it was after visiting an item.
 */
import { CRITICALITIES, type Criticality } from '$lib/shared/cmdb/schema';
import type { CmdbQuery } from './cmdb-index';

/** Every filter of the list, '' meaning "any". */
export type ListFilters = Required<CmdbQuery> & { criticality: Criticality | '' };

/** Query-string names of the filters (`environment` is shortened to `env`). */
const PARAMS = [
  ['q', 'q'],
  ['type', 'type'],
  ['environment', 'env'],
  ['criticality', 'criticality'],
  ['tag', 'tag'],
  ['owner', 'owner']
] as const satisfies readonly (readonly [keyof ListFilters, string])[];

/** The filters an address names; unknown criticalities read as "any". */
export function filtersFromSearchParams(params: URLSearchParams): ListFilters {
  const criticality = params.get('criticality') ?? '';
  return {
    q: params.get('q') ?? '',
    type: params.get('type') ?? '',
    environment: params.get('env') ?? '',
    criticality: (CRITICALITIES as readonly string[]).includes(criticality)
      ? (criticality as Criticality)
      : '',
    tag: params.get('tag') ?? '',
    owner: params.get('owner') ?? ''
  };
}

/** The query string (without `?`) of `filters`, empty when none is set. */
export function filtersToSearch(filters: ListFilters): string {
  const params = new URLSearchParams();
  for (const [field, name] of PARAMS) {
    const value = field === 'q' ? filters.q.trim() : filters[field];
    if (value !== '') params.set(name, value);
  }
  return params.toString();
}
