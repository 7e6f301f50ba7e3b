import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import {
  initRunbook,
  isReviewDue,
  markReviewed,
  observeRunbookMeta,
  readRunbookMeta,
  runbookContent,
  runbookPlainText,
  setRunbookArchived,
  updateRunbookMeta
} from '../../src/lib/shared/runbooks/runbook-model';
import { DomainError } from '../../src/lib/shared/model/domain-error';
import { runbookExtensions } from '../../src/lib/shared/runbooks/editor-extensions';
import {
  fileUrl,
  isAllowedImageSrc,
  isSafeLinkHref
} from '../../src/lib/shared/runbooks/url-policy';

const t0 = new Date('2025-03-01T10:00:00.000Z');
const t1 = new Date('2025-03-02T10:00:00.000Z');

function syncBoth(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('runbook model', () => {
  test('initRunbook writes the metadata and readRunbookMeta reads it back', () => {
    const doc = new Y.Doc();
    initRunbook(doc, {
      id: 'rb1',
      title: ' DB failover ',
      actor: 'u1',
      now: t0,
      tags: ['db', 'db']
    });
    expect(readRunbookMeta(doc, 'rb1')).toEqual({
      id: 'rb1',
      title: 'DB failover',
      tags: ['db'],
      ownerId: 'u1',
      services: [],
      cis: [],
      alertMatchers: [],
      reviewedAt: null,
      reviewIntervalDays: 90,
      createdAt: t0.toISOString(),
      createdBy: 'u1',
      updatedAt: t0.toISOString(),
      archivedAt: null
    });
    expect(() => initRunbook(doc, { id: 'rb1', title: 'again', now: t0 })).toThrow(DomainError);
  });

  test('refuses invalid input before writing', () => {
    const doc = new Y.Doc();
    expect(() => initRunbook(doc, { id: 'bad id', title: 'x' })).toThrow(/runbook id/);
    expect(() => initRunbook(doc, { id: 'rb', title: '   ' })).toThrow(/title/);
    expect(doc.getMap('meta').size).toBe(0);
    initRunbook(doc, { id: 'rb', title: 'ok', now: t0 });
    expect(() => updateRunbookMeta(doc, { reviewIntervalDays: 0 })).toThrow(DomainError);
    expect(readRunbookMeta(doc, 'rb').reviewIntervalDays).toBe(90);
  });

  test('concurrent tag adds on two replicas both survive', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    initRunbook(a, { id: 'rb', title: 'x', now: t0, tags: ['base'] });
    syncBoth(a, b);
    updateRunbookMeta(a, { tags: ['base', 'mysql'] }, { now: t1 });
    updateRunbookMeta(b, { tags: ['base', 'backup'] }, { now: t1 });
    syncBoth(a, b);
    expect(readRunbookMeta(a, 'rb').tags).toEqual(['backup', 'base', 'mysql']);
    expect(readRunbookMeta(b, 'rb').tags).toEqual(['backup', 'base', 'mysql']);
  });

  test('updates alert matchers, review and archive state; unchanged patches keep updatedAt', () => {
    const doc = new Y.Doc();
    initRunbook(doc, { id: 'rb', title: 'x', now: t0 });
    updateRunbookMeta(doc, { title: 'x' }, { now: t1 });
    expect(readRunbookMeta(doc, 'rb').updatedAt).toBe(t0.toISOString());
    const meta = updateRunbookMeta(
      doc,
      {
        alertMatchers: [
          { label: 'service', value: 'mysql' },
          { label: 'alertname', value: 'DiskFull' },
          { label: 'service', value: 'MySQL' }
        ]
      },
      { now: t1 }
    );
    expect(meta.alertMatchers).toEqual([
      { label: 'alertname', value: 'DiskFull' },
      { label: 'service', value: 'mysql' }
    ]);
    expect(meta.updatedAt).toBe(t1.toISOString());
    markReviewed(doc, { now: t1 });
    expect(readRunbookMeta(doc, 'rb').reviewedAt).toBe(t1.toISOString());
    setRunbookArchived(doc, true, { now: t1 });
    expect(readRunbookMeta(doc, 'rb').archivedAt).toBe(t1.toISOString());
    setRunbookArchived(doc, false, { now: t1 });
    expect(readRunbookMeta(doc, 'rb').archivedAt).toBeNull();
  });

  test('review is due once the interval has passed since review or creation', () => {
    const doc = new Y.Doc();
    initRunbook(doc, { id: 'rb', title: 'x', now: t0, reviewIntervalDays: 1 });
    const meta = readRunbookMeta(doc, 'rb');
    expect(isReviewDue(meta, new Date('2025-03-01T23:00:00.000Z'))).toBe(false);
    expect(isReviewDue(meta, t1)).toBe(true);
    markReviewed(doc, { now: t1 });
    expect(isReviewDue(readRunbookMeta(doc, 'rb'), t1)).toBe(false);
    updateRunbookMeta(doc, { reviewIntervalDays: null });
    expect(isReviewDue(readRunbookMeta(doc, 'rb'), new Date('2030-01-01'))).toBe(false);
  });

  test('observeRunbookMeta reports changes until unsubscribed', () => {
    const doc = new Y.Doc();
    initRunbook(doc, { id: 'rb', title: 'x', now: t0 });
    const titles: string[] = [];
    const stop = observeRunbookMeta(doc, (meta) => titles.push(meta.title));
    updateRunbookMeta(doc, { title: 'y' });
    updateRunbookMeta(doc, { services: ['api'] });
    stop();
    updateRunbookMeta(doc, { title: 'z' });
    expect(titles).toEqual(['y', 'y']);
  });

  test('runbookPlainText reads the content fragment block by block', () => {
    const doc = new Y.Doc();
    const schema = getSchema(runbookExtensions());
    const json = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: '数据库备份' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Ask ' },
            { type: 'mention', attrs: { id: 'u1', label: 'Ana' } },
            { type: 'text', text: ' first', marks: [{ type: 'bold' }] }
          ]
        },
        {
          type: 'taskList',
          content: [
            {
              type: 'taskItem',
              attrs: { checked: false, stepId: 's1' },
              content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Stop writes' }] }]
            }
          ]
        }
      ]
    };
    prosemirrorJSONToYXmlFragment(schema, json, runbookContent(doc));
    expect(runbookPlainText(doc)).toBe('数据库备份\nAsk @Ana first\nStop writes');
  });
});

describe('url policy', () => {
  test('links: http, https, mailto, in-app paths and fragments only', () => {
    for (const ok of ['https://x.io/a', 'http://x', 'MAILTO:a@b.c', '/w/ws/tasks/OPS-1', '#top']) {
      expect(isSafeLinkHref(ok), ok).toBe(true);
    }
    for (const bad of [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
      'file:///etc/passwd',
      '//evil.example',
      '/\\evil.example',
      'relative/path',
      ''
    ]) {
      expect(isSafeLinkHref(bad), bad).toBe(false);
    }
  });

  test('images: our stored files and https only', () => {
    const sha = 'a'.repeat(64);
    expect(isAllowedImageSrc(fileUrl('ws1', sha))).toBe(true);
    expect(isAllowedImageSrc('https://img.example/x.png')).toBe(true);
    for (const bad of [
      'http://img.example/x.png',
      'data:image/png;base64,AAAA',
      'javascript:alert(1)',
      '/api/v1/workspaces/ws1/files/../../secret',
      `/api/v1/workspaces/ws1/files/${sha}?x=1`,
      '//img.example/x.png'
    ]) {
      expect(isAllowedImageSrc(bad), bad).toBe(false);
    }
  });
});
