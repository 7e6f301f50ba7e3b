/**
 * The task page, `/w/<ws>/tasks/<key or id>`: a deep link of the design contract (docs/design.md
 * §2) that notifications and chat messages rely on. The human key once the server assigned
 * one, the id before that; both are plain `[A-Za-z0-9_-]`, so nothing needs escaping.
 */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';
import type { Task } from '$lib/shared/board/schema';

/** Link to the page of `task` in workspace `workspaceId`. */
export function taskHref(workspaceId: string, task: Pick<Task, 'key' | 'id'>): ResolvedPathname {
  return resolve('/w/[ws]/tasks/[key]', { ws: workspaceId, key: task.key ?? task.id });
}
