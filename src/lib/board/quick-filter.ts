/**
 * The board's quick filter: text in the key or title, "only my cards", and any other test the
 * page adds (`keep`: "at risk", from the predictions). Applied once per
 * change to the grouped columns, before swimlanes, so every later step sees fewer cards.
 */
import type { Task } from '$lib/shared/board/schema';
import type { ColumnTasks } from './swimlanes';

/** What the quick filter asks for; an empty text and `mine: null` keep everything. */
export interface QuickFilter {
  text: string;
  /** Member id whose cards alone are kept, or null. */
  mine: string | null;
  /** Another test a card must pass, or null (absent: none). */
  keep?: ((task: Task) => boolean) | null;
}

/** Whether the filter keeps every card. */
export function isEmptyFilter(filter: QuickFilter): boolean {
  return filter.text.trim() === '' && filter.mine === null && !filter.keep;
}

/** A predicate for `filter` (the text is lower-cased once, not per card). */
export function taskMatcher(filter: QuickFilter): (task: Task) => boolean {
  const needle = filter.text.trim().toLocaleLowerCase();
  const { mine } = filter;
  const keep = filter.keep ?? null;
  return (task) =>
    (mine === null || task.assignee === mine) &&
    (keep === null || keep(task)) &&
    (needle === '' ||
      task.title.toLocaleLowerCase().includes(needle) ||
      (task.key !== null && task.key.toLocaleLowerCase().includes(needle)));
}

/** `columns` with only the cards `filter` keeps; the same arrays when it keeps everything. */
export function filterColumns<C extends ColumnTasks>(
  columns: readonly C[],
  filter: QuickFilter
): C[] {
  if (isEmptyFilter(filter)) return [...columns];
  const matches = taskMatcher(filter);
  return columns.map((column) => ({ ...column, tasks: column.tasks.filter(matches) }));
}
