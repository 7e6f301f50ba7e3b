/**
 * The runbook model: typed reads and mutations over a runbook `Y.Doc` (`<ws>.runbook.<id>`),
 * used by the browser and the server alike.
 *
 * Document layout (schemaVersion 1):
 *
 *   doc.getXmlFragment('content')  the tiptap document (Collaboration `field: 'content'`),
 *                                  nodes and marks of `runbookExtensions()`.
 *   doc.getMap('meta')             schemaVersion (1), id, title, ownerId, reviewedAt,
 *                                  reviewIntervalDays, createdAt, createdBy, updatedAt,
 *                                  archivedAt — plain values (string | number | null);
 *                                  tags, services, cis — nested Y.Map<name, true>, so two
 *                                    people adding different tags at once both keep theirs;
 *                                  alertMatchers — nested Y.Map<`${label}:${value}`,
 *                                    { label, value }>.
 *
 * Like the board model: validate first, then write everything in one `doc.transact`, because a
 * Yjs transaction cannot be rolled back. Readers are tolerant: a field of the wrong type reads
 * as its default.
 */
import * as Y from 'yjs';
import { parseActor, type ActedMutationOptions } from '../model/actor';
import { DomainError } from '../model/domain-error';
import { readString, type FieldMap } from '../model/fields';
import { idSchema } from '../model/ids';
import { parseInput as parse } from '../model/parse';
import { isoNow } from '../model/time';
import {
  alertMatcherSchema,
  DEFAULT_REVIEW_INTERVAL_DAYS,
  runbookMetaPatchSchema,
  runbookTitleSchema
} from './schema';
import type { AlertMatcher, RunbookMeta, RunbookMetaPatchInput } from './schema';
import { RUNBOOK_CONTENT_FIELD } from './editor-extensions';

/** Version of the document layout described above. */
export const RUNBOOK_SCHEMA_VERSION = 1;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Options of a runbook mutation: who acts and when (see `ActedMutationOptions`). */
export type RunbookMutationOptions = ActedMutationOptions;

export interface InitRunbookOptions extends RunbookMutationOptions {
  id: string;
  title: string;
  tags?: readonly string[];
  ownerId?: string | null;
  services?: readonly string[];
  cis?: readonly string[];
  alertMatchers?: readonly AlertMatcher[];
  reviewIntervalDays?: number | null;
}

/** The content fragment the editor is bound to. */
export function runbookContent(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(RUNBOOK_CONTENT_FIELD);
}

function metaOf(doc: Y.Doc): FieldMap {
  return doc.getMap<unknown>('meta');
}

function readSet(map: FieldMap, key: string): string[] {
  const value = map.get(key);
  if (!(value instanceof Y.Map)) return [];
  return [...(value as FieldMap).keys()].sort();
}

function matcherKey(matcher: AlertMatcher): string {
  return `${matcher.label}:${matcher.value.toLowerCase()}`;
}

function readMatchers(map: FieldMap): AlertMatcher[] {
  const value = map.get('alertMatchers');
  if (!(value instanceof Y.Map)) return [];
  const matchers: AlertMatcher[] = [];
  for (const [key, raw] of (value as FieldMap).entries()) {
    const parsed = alertMatcherSchema.safeParse(raw);
    if (parsed.success && matcherKey(parsed.data) === key) matchers.push(parsed.data);
  }
  return matchers.sort((a, b) => (matcherKey(a) < matcherKey(b) ? -1 : 1));
}

/** Replaces the members of a nested set map with `next`, touching only what changes. */
function writeSet(meta: FieldMap, key: string, next: readonly string[]): void {
  let set = meta.get(key);
  if (!(set instanceof Y.Map)) {
    set = new Y.Map<unknown>();
    meta.set(key, set);
  }
  const map = set as FieldMap;
  const wanted = new Set(next);
  for (const existing of [...map.keys()]) if (!wanted.has(existing)) map.delete(existing);
  for (const value of wanted) if (map.get(value) !== true) map.set(value, true);
}

function writeMatchers(meta: FieldMap, next: readonly AlertMatcher[]): void {
  let set = meta.get('alertMatchers');
  if (!(set instanceof Y.Map)) {
    set = new Y.Map<unknown>();
    meta.set('alertMatchers', set);
  }
  const map = set as FieldMap;
  // The first of two matchers that differ only in case wins.
  const wanted = new Map<string, AlertMatcher>();
  for (const matcher of next) {
    if (!wanted.has(matcherKey(matcher))) wanted.set(matcherKey(matcher), matcher);
  }
  for (const existing of [...map.keys()]) if (!wanted.has(existing)) map.delete(existing);
  for (const [key, matcher] of wanted) {
    if (!map.has(key)) map.set(key, { label: matcher.label, value: matcher.value });
  }
}

function setIfChanged(map: FieldMap, key: string, value: unknown): boolean {
  if (map.get(key) === value) return false;
  map.set(key, value);
  return true;
}

function uniqueTrimmed(values: readonly string[] | undefined): string[] {
  return [...new Set((values ?? []).map((v) => v.trim()).filter((v) => v.length > 0))];
}

/** True when the document has been initialised as a runbook. */
export function isRunbookInitialised(doc: Y.Doc): boolean {
  return typeof metaOf(doc).get('createdAt') === 'string';
}

/**
 * Prepares a new runbook document: schema version, id, title, creation fields and sets.
 * Refuses a document that is already a runbook (`conflict`).
 */
export function initRunbook(doc: Y.Doc, options: InitRunbookOptions): void {
  const id = parse(idSchema, options.id, 'runbook id');
  const title = parse(runbookTitleSchema, options.title, 'title');
  const patch = parse(
    runbookMetaPatchSchema,
    {
      tags: options.tags ? [...options.tags] : undefined,
      ownerId: options.ownerId,
      services: options.services ? [...options.services] : undefined,
      cis: options.cis ? [...options.cis] : undefined,
      alertMatchers: options.alertMatchers ? [...options.alertMatchers] : undefined,
      reviewIntervalDays: options.reviewIntervalDays
    },
    'runbook'
  );
  const actor = parseActor(options.actor);
  const now = isoNow(options.now);
  if (isRunbookInitialised(doc)) {
    throw new DomainError('conflict', `runbook ${JSON.stringify(id)} already exists`);
  }
  doc.transact(() => {
    const meta = metaOf(doc);
    meta.set('schemaVersion', RUNBOOK_SCHEMA_VERSION);
    meta.set('id', id);
    meta.set('title', title);
    meta.set('ownerId', patch.ownerId ?? actor);
    meta.set('reviewedAt', null);
    meta.set(
      'reviewIntervalDays',
      patch.reviewIntervalDays === undefined
        ? DEFAULT_REVIEW_INTERVAL_DAYS
        : patch.reviewIntervalDays
    );
    meta.set('createdAt', now);
    meta.set('createdBy', actor);
    meta.set('updatedAt', now);
    meta.set('archivedAt', null);
    writeSet(meta, 'tags', uniqueTrimmed(patch.tags));
    writeSet(meta, 'services', uniqueTrimmed(patch.services));
    writeSet(meta, 'cis', uniqueTrimmed(patch.cis));
    writeMatchers(meta, patch.alertMatchers ?? []);
  }, options.origin);
}

/** The metadata of a runbook document; `id` is used when the document does not carry one. */
export function readRunbookMeta(doc: Y.Doc, id: string): RunbookMeta {
  const meta = metaOf(doc);
  const createdAt = readString(meta, 'createdAt') ?? new Date(0).toISOString();
  const interval = meta.get('reviewIntervalDays');
  return {
    id: readString(meta, 'id') ?? id,
    title: readString(meta, 'title') ?? '',
    tags: readSet(meta, 'tags'),
    ownerId: readString(meta, 'ownerId'),
    services: readSet(meta, 'services'),
    cis: readSet(meta, 'cis'),
    alertMatchers: readMatchers(meta),
    reviewedAt: readString(meta, 'reviewedAt'),
    reviewIntervalDays:
      typeof interval === 'number' && Number.isInteger(interval) && interval > 0
        ? interval
        : interval === null
          ? null
          : DEFAULT_REVIEW_INTERVAL_DAYS,
    createdAt,
    createdBy: readString(meta, 'createdBy'),
    updatedAt: readString(meta, 'updatedAt') ?? createdAt,
    archivedAt: readString(meta, 'archivedAt')
  };
}

/** Changes metadata fields; returns the metadata as it reads afterwards. */
export function updateRunbookMeta(
  doc: Y.Doc,
  patch: RunbookMetaPatchInput,
  options: RunbookMutationOptions = {}
): RunbookMeta {
  const parsed = parse(runbookMetaPatchSchema, patch, 'runbook patch');
  parseActor(options.actor);
  const now = isoNow(options.now);
  const meta = metaOf(doc);
  doc.transact(() => {
    let changed = false;
    if (parsed.title !== undefined) changed = setIfChanged(meta, 'title', parsed.title) || changed;
    if (parsed.ownerId !== undefined) {
      changed = setIfChanged(meta, 'ownerId', parsed.ownerId) || changed;
    }
    if (parsed.reviewIntervalDays !== undefined) {
      changed = setIfChanged(meta, 'reviewIntervalDays', parsed.reviewIntervalDays) || changed;
    }
    for (const key of ['tags', 'services', 'cis'] as const) {
      const next = parsed[key];
      if (next === undefined) continue;
      const wanted = uniqueTrimmed(next);
      const before = readSet(meta, key);
      if (before.join('\n') !== [...wanted].sort().join('\n')) {
        writeSet(meta, key, wanted);
        changed = true;
      }
    }
    if (parsed.alertMatchers !== undefined) {
      const before = readMatchers(meta).map(matcherKey).join('\n');
      const after = [...new Set(parsed.alertMatchers.map(matcherKey))].sort().join('\n');
      if (before !== after) {
        writeMatchers(meta, parsed.alertMatchers);
        changed = true;
      }
    }
    if (changed) meta.set('updatedAt', now);
  }, options.origin);
  return readRunbookMeta(doc, readString(meta, 'id') ?? '');
}

/** Records a review now. */
export function markReviewed(doc: Y.Doc, options: RunbookMutationOptions = {}): void {
  parseActor(options.actor);
  const now = isoNow(options.now);
  doc.transact(() => {
    metaOf(doc).set('reviewedAt', now);
  }, options.origin);
}

/** Archives (`true`) or restores (`false`) a runbook; archiving twice keeps the first time. */
export function setRunbookArchived(
  doc: Y.Doc,
  archived: boolean,
  options: RunbookMutationOptions = {}
): void {
  parseActor(options.actor);
  const now = isoNow(options.now);
  const meta = metaOf(doc);
  doc.transact(() => {
    const current = readString(meta, 'archivedAt');
    if (archived && current === null) meta.set('archivedAt', now);
    if (!archived && current !== null) meta.set('archivedAt', null);
    meta.set('updatedAt', now);
  }, options.origin);
}

/** Records that the content changed (sets `updatedAt`). */
export function touchRunbook(doc: Y.Doc, options: RunbookMutationOptions = {}): void {
  const now = isoNow(options.now);
  doc.transact(() => metaOf(doc).set('updatedAt', now), options.origin);
}

/** True when the review interval has passed since the last review (or creation when never). */
export function isReviewDue(meta: RunbookMeta, now: Date = new Date()): boolean {
  if (meta.reviewIntervalDays === null) return false;
  const since = Date.parse(meta.reviewedAt ?? meta.createdAt);
  if (Number.isNaN(since)) return true;
  return now.getTime() - since >= meta.reviewIntervalDays * DAY_MS;
}

/** Calls `callback` with the metadata after every change to it; returns the unsubscribe. */
export function observeRunbookMeta(
  doc: Y.Doc,
  callback: (meta: RunbookMeta, transaction: Y.Transaction) => void
): () => void {
  const meta = metaOf(doc);
  const handler = (_events: Array<Y.YEvent<Y.AbstractType<unknown>>>, tr: Y.Transaction): void =>
    callback(readRunbookMeta(doc, readString(meta, 'id') ?? ''), tr);
  meta.observeDeep(handler);
  return () => meta.unobserveDeep(handler);
}

/** Block nodes after which plain text gets a line break. */
const BLOCK_NODES = new Set([
  'paragraph',
  'heading',
  'codeBlock',
  'listItem',
  'taskItem',
  'tableCell',
  'tableHeader',
  'tableRow',
  'blockquote',
  'callout',
  'horizontalRule',
  'image'
]);

function collectText(node: Y.XmlElement | Y.XmlFragment | Y.XmlText, out: string[]): void {
  if (node instanceof Y.XmlText) {
    for (const op of node.toDelta() as Array<{ insert?: unknown }>) {
      if (typeof op.insert === 'string') out.push(op.insert);
    }
    return;
  }
  if (node instanceof Y.XmlElement) {
    if (node.nodeName === 'mention') {
      const label = node.getAttribute('label') ?? node.getAttribute('id');
      if (typeof label === 'string') out.push(`@${label}`);
      return;
    }
    if (node.nodeName === 'image') {
      const alt = node.getAttribute('alt');
      if (typeof alt === 'string' && alt.length > 0) out.push(alt);
    }
  }
  for (const child of node.toArray()) {
    if (child instanceof Y.XmlElement || child instanceof Y.XmlText) collectText(child, out);
  }
  if (node instanceof Y.XmlElement && BLOCK_NODES.has(node.nodeName)) out.push('\n');
}

/** The text of the runbook content, one block per line (for search and snippets). */
export function runbookPlainText(doc: Y.Doc): string {
  const out: string[] = [];
  collectText(runbookContent(doc), out);
  return out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}
