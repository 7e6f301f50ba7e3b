import type { ResolvedPathname } from '$app/types';

/**
 * The page of a task as runbooks link to it: `/w/<ws>/tasks/<key or id>`, a DESIGN §2 deep
 * link (built by hand because the task route lives on another branch until integration).
 */
export function taskHref(
  workspaceId: string,
  task: { id: string; key: string | null }
): ResolvedPathname {
  const ws = encodeURIComponent(workspaceId);
  return `/w/${ws}/tasks/${encodeURIComponent(task.key ?? task.id)}` as ResolvedPathname;
}
