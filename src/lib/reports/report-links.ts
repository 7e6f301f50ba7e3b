/** Links from the reports page's drill-down to each item's own page (DESIGN.md §2 deep links). */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';
import type { ReportItem } from './report-data';

/** The page of a drill-down item: by key when it has one (incidents, tasks, changes), runs by id. */
export function itemHref(
  ws: string,
  item: Pick<ReportItem, 'type' | 'id' | 'key'>
): ResolvedPathname {
  const key = item.key ?? item.id;
  switch (item.type) {
    case 'incident':
      return resolve('/w/[ws]/incidents/[key]', { ws, key });
    case 'task':
      return resolve('/w/[ws]/tasks/[key]', { ws, key });
    case 'change':
      return resolve('/w/[ws]/changes/[key]', { ws, key });
    case 'run':
      return resolve('/w/[ws]/runs/[id]', { ws, id: item.id });
  }
}
