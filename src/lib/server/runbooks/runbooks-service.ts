/**
 * What the runbook REST API does, over the runtime: every document change goes through
 * `DocStore.transact` on the runbook's document (the room websocket clients are in), and the
 * library index is rewritten right after, so a list that follows a write sees it.
 */
import type * as Y from 'yjs';
import type { JSONContent } from '@tiptap/core';
import { listColumns, listTasks } from '../../shared/board/board-model';
import { DomainError } from '../../shared/model/domain-error';
import { generateId } from '../../shared/model/ids';
import { boardDocName, runbookDocName } from '../../shared/doc-name';
import type { Locale } from '../../shared/locale';
import { emptyRunbookContent } from '../../shared/runbooks/editor-extensions';
import {
  docToHtmlDocument,
  docToMarkdown,
  fillFragment,
  fragmentToJson,
  markdownToDoc
} from '../../shared/runbooks/markdown';
import {
  initRunbook,
  isReviewDue,
  isRunbookInitialised,
  markReviewed,
  readRunbookMeta,
  setRunbookArchived,
  touchRunbook,
  updateRunbookMeta
} from '../../shared/runbooks/runbook-model';
import {
  MAX_RUNBOOK_TITLE_LENGTH,
  type RunbookCreate,
  type RunbookPatch,
  type RunbookSummary,
  type RunbookVersion
} from '../../shared/runbooks/schema';
import type { Runtime } from '../runtime';
import { indexEntryOf, snapshotIfChanged, stateOf, writeIndexEntry } from './runbooks-extension';
import { docFromState } from './versions-store';
import { templateMarkdown } from './templates';

/** Who acts where, as established by the permission check. */
export interface RunbookScope {
  runtime: Runtime;
  workspaceId: string;
  actorId: string;
  locale: Locale;
}

export interface LinkedTask {
  id: string;
  key: string | null;
  title: string;
  kind: string;
  status: string;
}

function notFound(id: string): DomainError {
  return new DomainError('not_found', `runbook ${JSON.stringify(id)} not found`);
}

/** Parses Markdown for a runbook; `invalid_input` when it cannot become runbook content. */
export function parseMarkdown(markdown: string): JSONContent {
  try {
    return markdownToDoc(markdown);
  } catch (error) {
    throw new DomainError(
      'invalid_input',
      `the Markdown could not be converted: ${error instanceof Error ? error.message : 'unknown'}`
    );
  }
}

/** Rewrites the index entry of a runbook from its document (read first, written after). */
async function reindex(scope: RunbookScope, id: string): Promise<void> {
  const entry = await scope.runtime.docStore.read(runbookDocName(scope.workspaceId, id), (doc) =>
    indexEntryOf(doc, id)
  );
  await writeIndexEntry(scope.runtime.runbookIndex, scope.workspaceId, entry);
}

/** Runs `fn` on an existing runbook's document in one transaction, then re-indexes it. */
async function changeRunbook<T>(
  scope: RunbookScope,
  id: string,
  fn: (doc: Y.Doc) => T
): Promise<T> {
  const result = await scope.runtime.docStore.transact(
    runbookDocName(scope.workspaceId, id),
    (doc) => {
      if (!isRunbookInitialised(doc)) throw notFound(id);
      return fn(doc);
    }
  );
  await reindex(scope, id);
  return result;
}

/** Reads an existing runbook's document. */
function readRunbook<T>(scope: RunbookScope, id: string, fn: (doc: Y.Doc) => T): Promise<T> {
  return scope.runtime.docStore.read(runbookDocName(scope.workspaceId, id), (doc) => {
    if (!isRunbookInitialised(doc)) throw notFound(id);
    return fn(doc);
  });
}

export interface NewRunbook {
  title: string;
  content: JSONContent;
  tags?: readonly string[];
  services?: readonly string[];
  cis?: readonly string[];
  alertMatchers?: RunbookSummary['alertMatchers'];
  reviewIntervalDays?: number | null;
}

const reconciled = new WeakMap<object, Set<string>>();

/**
 * Makes the index whole for a workspace once per process: every runbook document in the
 * database's document storage that has no index row is read and indexed. The index is derived
 * data; this is what rebuilds it after its rows were lost or dropped.
 */
export async function reconcileIndex(scope: RunbookScope): Promise<number> {
  const { records, runbookIndex } = scope.runtime;
  let done = reconciled.get(records);
  if (!done) {
    done = new Set();
    reconciled.set(records, done);
  }
  if (done.has(scope.workspaceId)) return 0;
  done.add(scope.workspaceId);
  const missing = await runbookIndex.unindexedIds(scope.workspaceId);
  for (const id of missing) await reindex(scope, id);
  return missing.length;
}

/** Creates a runbook document with `content`; returns its id. */
export async function createRunbookDoc(scope: RunbookScope, input: NewRunbook): Promise<string> {
  const id = generateId();
  await scope.runtime.docStore.transact(runbookDocName(scope.workspaceId, id), (doc) => {
    initRunbook(doc, {
      id,
      title: input.title,
      actor: scope.actorId,
      tags: input.tags,
      services: input.services,
      cis: input.cis,
      alertMatchers: input.alertMatchers,
      reviewIntervalDays: input.reviewIntervalDays
    });
    fillFragment(doc, input.content);
  });
  await reindex(scope, id);
  return id;
}

/** Creates a runbook from `POST /runbooks`: Markdown wins over a template, else empty. */
export function createRunbook(scope: RunbookScope, body: RunbookCreate): Promise<string> {
  const content =
    body.markdown !== undefined
      ? parseMarkdown(body.markdown)
      : body.template !== undefined
        ? parseMarkdown(templateMarkdown(body.template, scope.locale))
        : emptyRunbookContent();
  return createRunbookDoc(scope, { title: body.title, content, tags: body.tags });
}

/** Open tasks of the board (not archived, not in a done column) that link to the runbook. */
export function linkedTasks(scope: RunbookScope, id: string): Promise<LinkedTask[]> {
  return scope.runtime.docStore.read(boardDocName(scope.workspaceId), (doc) => {
    const done = new Set(
      listColumns(doc)
        .filter((column) => column.category === 'done')
        .map((column) => column.id)
    );
    return listTasks(doc)
      .filter(
        (task) =>
          !done.has(task.status) &&
          task.links.some((link) => link.type === 'runbook' && link.target === id)
      )
      .map((task) => ({
        id: task.id,
        key: task.key,
        title: task.title,
        kind: task.kind,
        status: task.status
      }));
  });
}

/** One runbook as stored in its document, with the review state. */
export function getRunbook(scope: RunbookScope, id: string): Promise<RunbookSummary> {
  return readRunbook(scope, id, (doc) => {
    const meta = readRunbookMeta(doc, id);
    return { ...meta, reviewDue: isReviewDue(meta) };
  });
}

/** Applies a `PATCH /runbooks/{id}`. */
export async function patchRunbook(
  scope: RunbookScope,
  id: string,
  patch: RunbookPatch
): Promise<RunbookSummary> {
  const { archived, reviewed, ...metaPatch } = patch;
  const meta = await changeRunbook(scope, id, (doc) => {
    const options = { actor: scope.actorId };
    if (Object.keys(metaPatch).length > 0) updateRunbookMeta(doc, metaPatch, options);
    if (archived !== undefined) setRunbookArchived(doc, archived, options);
    if (reviewed) markReviewed(doc, options);
    return readRunbookMeta(doc, id);
  });
  return { ...meta, reviewDue: isReviewDue(meta) };
}

/** Copies a runbook (content and metadata, a new owner and title); returns the new id. */
export async function duplicateRunbook(scope: RunbookScope, id: string): Promise<string> {
  const source = await readRunbook(scope, id, (doc) => ({
    meta: readRunbookMeta(doc, id),
    content: fragmentToJson(doc)
  }));
  const suffix = scope.locale === 'zh-CN' ? '（副本）' : ' (copy)';
  const title = `${source.meta.title.slice(0, MAX_RUNBOOK_TITLE_LENGTH - suffix.length)}${suffix}`;
  return createRunbookDoc(scope, {
    title,
    content: source.content,
    tags: source.meta.tags,
    services: source.meta.services,
    cis: source.meta.cis,
    alertMatchers: source.meta.alertMatchers,
    reviewIntervalDays: source.meta.reviewIntervalDays
  });
}

/** A runbook as a Markdown file (title as the first heading) or a printable HTML page. */
export function exportRunbook(
  scope: RunbookScope,
  id: string,
  format: 'md' | 'html'
): Promise<{ title: string; text: string }> {
  return readRunbook(scope, id, (doc) => {
    const { title } = readRunbookMeta(doc, id);
    const content = fragmentToJson(doc);
    const text =
      format === 'md'
        ? `# ${title.replace(/\n/g, ' ')}\n\n${docToMarkdown(content)}`
        : docToHtmlDocument(title, content, scope.locale);
    return { title, text };
  });
}

function headingText(node: JSONContent | undefined): string {
  return (node?.content ?? [])
    .map((child) => (child.type === 'text' ? (child.text ?? '') : ''))
    .join('')
    .trim();
}

/**
 * Title and content of an imported Markdown file: a leading heading is the title (and leaves
 * the content, as export writes it); else the first heading anywhere; else the file name.
 */
export function importedRunbook(
  name: string,
  markdown: string
): { title: string; content: JSONContent } {
  const content = parseMarkdown(markdown);
  const blocks = content.content ?? [];
  const first = blocks[0];
  const fallback = name.replace(/^.*[\\/]/, '').replace(/\.(md|markdown|txt)$/i, '');
  if (first?.type === 'heading' && headingText(first) !== '') {
    const rest = blocks.slice(1);
    return {
      title: headingText(first).slice(0, MAX_RUNBOOK_TITLE_LENGTH),
      content: { ...content, content: rest.length > 0 ? rest : [{ type: 'paragraph' }] }
    };
  }
  const heading = blocks.find((block) => block.type === 'heading' && headingText(block) !== '');
  const title = (heading ? headingText(heading) : fallback.trim()) || 'Untitled';
  return { title: title.slice(0, MAX_RUNBOOK_TITLE_LENGTH), content };
}

/** Imports Markdown files one by one; a bad file is reported and does not stop the others. */
export async function importRunbooks(
  scope: RunbookScope,
  files: ReadonlyArray<{ name: string; markdown: string }>
): Promise<{
  imported: Array<{ id: string; title: string }>;
  errors: Array<{ name: string; message: string }>;
}> {
  const imported: Array<{ id: string; title: string }> = [];
  const errors: Array<{ name: string; message: string }> = [];
  for (const file of files) {
    try {
      const { title, content } = importedRunbook(file.name, file.markdown);
      const id = await createRunbookDoc(scope, { title, content });
      imported.push({ id, title });
    } catch (error) {
      errors.push({
        name: file.name,
        message: error instanceof Error ? error.message : 'could not be imported'
      });
    }
  }
  return { imported, errors };
}

/** The state of an existing runbook's document, for a version. */
async function currentState(
  scope: RunbookScope,
  id: string
): Promise<NonNullable<ReturnType<typeof stateOf>>> {
  return readRunbook(scope, id, (doc) => stateOf(doc)!);
}

/** Saves a named version of the current state. */
export async function saveNamedVersion(
  scope: RunbookScope,
  id: string,
  name: string
): Promise<RunbookVersion> {
  const state = await currentState(scope, id);
  return scope.runtime.runbookVersions.save(state.update, {
    workspaceId: scope.workspaceId,
    runbookId: id,
    kind: 'named',
    name,
    createdBy: scope.actorId
  });
}

/** Versions of a runbook, newest first. */
export async function listVersions(scope: RunbookScope, id: string): Promise<RunbookVersion[]> {
  await readRunbook(scope, id, () => undefined);
  return scope.runtime.runbookVersions.list(scope.workspaceId, id);
}

function versionNotFound(versionId: string): DomainError {
  return new DomainError('not_found', `version ${JSON.stringify(versionId)} not found`);
}

/** A past version with its content as JSON and Markdown. */
export async function getVersion(
  scope: RunbookScope,
  id: string,
  versionId: string
): Promise<{ version: RunbookVersion; content: JSONContent; markdown: string }> {
  const found = await scope.runtime.runbookVersions.get(scope.workspaceId, id, versionId);
  if (!found) throw versionNotFound(versionId);
  const doc = docFromState(found.state);
  try {
    const content = fragmentToJson(doc);
    return { version: found.version, content, markdown: docToMarkdown(content) };
  } finally {
    doc.destroy();
  }
}

/**
 * Sets the content back to a version's, as a new change (history is kept, concurrent edits
 * merge). The current state is snapshotted first (read, saved, then the content replaced: the
 * database is never written inside the document's transaction); returns that snapshot (null
 * when unchanged).
 */
export async function restoreVersion(
  scope: RunbookScope,
  id: string,
  versionId: string
): Promise<RunbookVersion | null> {
  const { content } = await getVersion(scope, id, versionId);
  const state = await currentState(scope, id);
  const snapshot = await snapshotIfChanged(
    scope.runtime.runbookVersions,
    state,
    scope.workspaceId,
    id
  );
  await changeRunbook(scope, id, (doc) => {
    fillFragment(doc, content);
    touchRunbook(doc);
  });
  return snapshot;
}
