/** The page of an item that local AI found (a task, incident, runbook or CI). */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';
import type { SimilarItemJson } from '$lib/shared/ai/schema';

/** The deep link of `item` (DESIGN.md §2 pages). */
export function itemHref(
  workspaceId: string,
  item: Pick<SimilarItemJson, 'type' | 'id' | 'key'>
): ResolvedPathname {
  const ws = workspaceId;
  switch (item.type) {
    case 'incident':
      return resolve('/w/[ws]/incidents/[key]', { ws, key: item.key ?? item.id });
    case 'runbook':
      return resolve('/w/[ws]/runbooks/[id]', { ws, id: item.id });
    case 'ci':
      return resolve('/w/[ws]/cmdb/[id]', { ws, id: item.id });
    default:
      return resolve('/w/[ws]/tasks/[key]', { ws, key: item.key ?? item.id });
  }
}
