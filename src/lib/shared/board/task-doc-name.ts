/** Name of the root map of a task document (`<ws>.task.<id>`; see task-doc.ts). */
export const TASK_CONTENT_MAP = 'task';
