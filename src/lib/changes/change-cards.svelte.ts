/**
 * Keeps the change pages current without polling, as incident pages are kept
 * (alerts/incident-cards.svelte.ts): the server moves a change's board card after every move
 * and decision (changes-service.ts, board/card-follower.ts), so a change of the change cards
 * on the live board is the signal to load the server's facts again.
 */
import { navigating } from '$app/state';
import { untrack } from 'svelte';
import type { WorkspaceContext } from '$lib/board/workspace-board.svelte';
import type { Task } from '$lib/shared/board/schema';

/** Changes of the cards closer together than this are one refresh. */
const SETTLE_MS = 400;

/**
 * Calls `onChange` (once per burst, never while navigating away) when the change cards `select`
 * picks change column, key, title or archive state on the live board. Call during component
 * initialisation.
 */
export function refreshOnChangeCards(
  workspace: WorkspaceContext,
  select: (task: Task) => boolean,
  onChange: () => void
): void {
  let last: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  $effect(() => {
    const view = workspace.board?.view;
    if (!view || view.previewing) return;
    const signature = [...view.tasks.values()]
      .filter((task) => task.kind === 'change' && select(task))
      .map(
        (task) =>
          `${task.id}:${task.status}:${task.key ?? ''}:${task.updatedAt}:${task.archivedAt ?? ''}`
      )
      .sort()
      .join(',');
    if (last !== null && signature !== last) {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (navigating.to === null) untrack(onChange);
      }, SETTLE_MS);
    }
    last = signature;
  });
  $effect(() => () => clearTimeout(timer));
}
