/**
 * Comments on a task: a nested `Y.Map<commentId, Y.Map{ author, body, createdAt, editedAt }>`
 * under the task's `comments` key, so comments written on two replicas at the same time are
 * both kept. Only a comment's author may edit or delete it (`forbidden` otherwise); the server
 * enforces the same rule for REST calls by passing the caller as the actor.
 */
import * as Y from 'yjs';
import {
  DomainError,
  entry,
  generateId,
  isoNow,
  parse,
  parseActor,
  readString,
  type FieldMap,
  type TaskMutationOptions
} from './board-doc';
import { commentBodySchema, idSchema } from './schema';
import type { Comment } from './schema';
import { TASK_CONTENT_MAP } from './task-doc-name';

/** The root map of a task document (see task-doc.ts), where the mutations below write. */
function contentOf(doc: Y.Doc): FieldMap {
  return doc.getMap<unknown>(TASK_CONTENT_MAP) as FieldMap;
}

/** Key of the comments map inside a task entry. */
export const COMMENTS_KEY = 'comments';

/** Options of `addComment`. */
export interface AddCommentOptions extends TaskMutationOptions {
  /** Id of the new comment; generated when absent. */
  id?: string;
}

/** A fresh, empty comments map for a new task entry. */
export function newCommentsMap(): Y.Map<unknown> {
  return new Y.Map<unknown>();
}

function commentsOf(task: FieldMap): Y.Map<unknown> | null {
  const value = task.get(COMMENTS_KEY);
  return value instanceof Y.Map ? (value as Y.Map<unknown>) : null;
}

function readComment(map: FieldMap, id: string): Comment {
  return {
    id,
    author: readString(map, 'author'),
    body: readString(map, 'body') ?? '',
    createdAt: readString(map, 'createdAt') ?? '',
    editedAt: readString(map, 'editedAt')
  };
}

/** The comments of a task entry, oldest first (by createdAt, then id). */
export function readComments(task: FieldMap): Comment[] {
  const comments = commentsOf(task);
  if (comments === null) return [];
  const result: Comment[] = [];
  comments.forEach((value, id) => {
    if (value instanceof Y.Map) result.push(readComment(value as FieldMap, id));
  });
  return result.sort((a, b) =>
    a.createdAt !== b.createdAt
      ? a.createdAt < b.createdAt
        ? -1
        : 1
      : a.id < b.id
        ? -1
        : a.id > b.id
          ? 1
          : 0
  );
}

/** Number of comments of a task entry. */
export function commentCount(task: FieldMap): number {
  const comments = commentsOf(task);
  let count = 0;
  comments?.forEach((value) => {
    if (value instanceof Y.Map) count++;
  });
  return count;
}

function requireComment(task: FieldMap, commentId: string): FieldMap {
  const comments = commentsOf(task);
  const map =
    comments === null || typeof commentId !== 'string' ? null : entry(comments, commentId);
  if (map === null) {
    throw new DomainError('not_found', `comment ${JSON.stringify(commentId)} not found`);
  }
  return map;
}

/** Refuses anyone but the author; a comment's text is its author's word. */
function requireAuthor(comment: FieldMap, commentId: string, actor: string | null): void {
  if (readString(comment, 'author') !== actor) {
    throw new DomainError(
      'forbidden',
      `only the author may change comment ${JSON.stringify(commentId)}`
    );
  }
}

function touch(task: FieldMap, now: string): void {
  task.set('updatedAt', now);
}

/** Adds a comment by the actor to a task and returns it. */
export function addComment(doc: Y.Doc, body: string, options: AddCommentOptions = {}): Comment {
  const text = parse(commentBodySchema, body, 'comment');
  const id = options.id === undefined ? generateId() : parse(idSchema, options.id, 'comment id');
  const now = isoNow(options.now);
  const actor = parseActor(options.actor);
  const task = contentOf(doc);
  if (commentsOf(task)?.has(id)) {
    throw new DomainError('conflict', `comment ${JSON.stringify(id)} already exists`);
  }
  doc.transact(() => {
    let comments = commentsOf(task);
    if (comments === null) {
      // A task older than comments: its map is created with the first one.
      comments = newCommentsMap();
      task.set(COMMENTS_KEY, comments);
    }
    const map = new Y.Map<unknown>();
    comments.set(id, map);
    map.set('author', actor);
    map.set('body', text);
    map.set('createdAt', now);
    map.set('editedAt', null);
    touch(task, now);
  }, options.origin);
  return readComment(requireComment(task, id), id);
}

/** Replaces the text of a comment; only its author may (`forbidden` otherwise). */
export function editComment(
  doc: Y.Doc,
  commentId: string,
  body: string,
  options: TaskMutationOptions = {}
): Comment {
  const text = parse(commentBodySchema, body, 'comment');
  const now = isoNow(options.now);
  const actor = parseActor(options.actor);
  const task = contentOf(doc);
  const comment = requireComment(task, commentId);
  requireAuthor(comment, commentId, actor);
  if (readString(comment, 'body') === text) return readComment(comment, commentId);
  doc.transact(() => {
    comment.set('body', text);
    comment.set('editedAt', now);
    touch(task, now);
  }, options.origin);
  return readComment(comment, commentId);
}

/** Deletes a comment; only its author may (`forbidden` otherwise). */
export function deleteComment(
  doc: Y.Doc,
  commentId: string,
  options: TaskMutationOptions = {}
): void {
  const now = isoNow(options.now);
  const actor = parseActor(options.actor);
  const task = contentOf(doc);
  const comment = requireComment(task, commentId);
  requireAuthor(comment, commentId, actor);
  doc.transact(() => {
    commentsOf(task)?.delete(commentId);
    touch(task, now);
  }, options.origin);
}
