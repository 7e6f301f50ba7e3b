import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { JSONContent } from '@tiptap/core';
import {
  docToHtml,
  docToHtmlDocument,
  docToMarkdown,
  fillFragment,
  fragmentToJson,
  markdownToDoc,
  normaliseDoc
} from '../../src/lib/shared/runbooks/markdown';
import { runbookPlainText } from '../../src/lib/shared/runbooks/runbook-model';

const RUNBOOK = `# MySQL primary failover

Use this when the **primary** is down. Owner: [DBA team](https://wiki.example/dba).

> [!WARNING]
> Never promote a replica that is more than 60 s behind.

> [!NOTE]
> Dashboards: see the *replication* panel.

## Steps

- [ ] Check replication lag
- [x] Page the DBA on call
- [ ] Promote the replica

\`\`\`bash
mysql -e 'SHOW REPLICA STATUS\\G'
\`\`\`

| Host | Role | Zone |
| --- | --- | --- |
| db1 | primary | a |
| db2 | replica | b |

1. Update DNS
2. Verify writes

> Quoted advice stays a quote.

![topology](https://img.example/topology.png)
`;

function types(json: JSONContent): string[] {
  return (json.content ?? []).map((n) => n.type ?? '?');
}

function withoutStepIds(json: JSONContent): JSONContent {
  return JSON.parse(JSON.stringify(json), (key: string, value: unknown) =>
    key === 'stepId' ? undefined : value
  ) as JSONContent;
}

describe('markdownToDoc', () => {
  test('parses a realistic runbook into the runbook schema', () => {
    const doc = markdownToDoc(RUNBOOK);
    expect(types(doc)).toEqual([
      'heading',
      'paragraph',
      'callout',
      'callout',
      'heading',
      'taskList',
      'codeBlock',
      'table',
      'orderedList',
      'blockquote',
      'image'
    ]);
    const [, intro, warning, note, , steps, code] = doc.content ?? [];
    expect(
      intro?.content?.find((n) => n.marks?.[0]?.type === 'link')?.marks?.[0]?.attrs?.href
    ).toBe('https://wiki.example/dba');
    expect(warning?.attrs).toEqual({ variant: 'warning' });
    expect(warning?.content?.[0]?.content?.[0]?.text).toBe(
      'Never promote a replica that is more than 60 s behind.'
    );
    expect(note?.attrs).toEqual({ variant: 'info' });
    expect(steps?.content?.map((item) => item.attrs?.checked)).toEqual([false, true, false]);
    const stepIds = steps?.content?.map((item) => item.attrs?.stepId as string) ?? [];
    expect(new Set(stepIds).size).toBe(3);
    expect(code?.attrs?.language).toBe('bash');
    expect(code?.content?.[0]?.text).toBe("mysql -e 'SHOW REPLICA STATUS\\G'");
  });

  test('round-trips Markdown → doc → Markdown → doc without loss', () => {
    const first = markdownToDoc(RUNBOOK);
    const markdown = docToMarkdown(first);
    expect(markdown).toContain('> [!WARNING]\n> Never promote');
    expect(markdown).toContain('- [x] Page the DBA on call');
    expect(markdown).toContain('```bash\n');
    expect(markdown).toMatch(/\| Host +\| Role +\| Zone +\|/);
    expect(markdown).toContain('[DBA team](https://wiki.example/dba)');
    const second = markdownToDoc(markdown);
    expect(withoutStepIds(second)).toEqual(withoutStepIds(first));
    expect(docToMarkdown(second)).toBe(markdown);
  });

  test('raw HTML stays literal text and unsafe URLs are dropped', () => {
    const doc = markdownToDoc(
      [
        '<script>alert(1)</script>',
        '',
        '<img src=x onerror=alert(1)>',
        '',
        '[click](javascript:alert(1)) and [mail](mailto:ops@example.com)',
        '',
        '![pixel](http://tracker.example/p.gif)'
      ].join('\n')
    );
    const html = docToHtml(doc);
    expect(html).not.toMatch(/<script|<img|javascript:/i);
    // Handlers survive only as escaped text, never inside a tag.
    expect(html).not.toMatch(/<[^>]*onerror/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<a href="mailto:ops@example.com"');
    expect(JSON.stringify(doc)).not.toContain('javascript:');
    expect(JSON.stringify(doc)).not.toContain('tracker.example');
  });

  test('an empty document is one empty paragraph', () => {
    expect(markdownToDoc('  \n')).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
  });
});

describe('normaliseDoc', () => {
  test('drops unknown nodes and marks, unlinks unsafe hrefs, de-duplicates step ids', () => {
    const doc = normaliseDoc({
      type: 'doc',
      content: [
        {
          type: 'script',
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'kept text' }] }]
        },
        {
          type: 'paragraph',
          content: [
            {
              type: 'text',
              text: 'x',
              marks: [{ type: 'link', attrs: { href: ' javascript:alert(1)' } }, { type: 'blink' }]
            }
          ]
        },
        {
          type: 'taskList',
          content: ['same', 'same'].map((stepId) => ({
            type: 'taskItem',
            attrs: { checked: false, stepId },
            content: [{ type: 'paragraph', content: [{ type: 'text', text: stepId }] }]
          }))
        }
      ]
    });
    expect(doc.content?.[0]).toEqual({
      type: 'paragraph',
      content: [{ type: 'text', text: 'kept text' }]
    });
    expect(doc.content?.[1]?.content?.[0]).toEqual({ type: 'text', text: 'x' });
    const ids = doc.content?.[2]?.content?.map((item) => item.attrs?.stepId);
    expect(ids?.[0]).toBe('same');
    expect(ids?.[1]).not.toBe('same');
  });
});

describe('HTML export', () => {
  test('renders schema tags with escaped text and a script-free page', () => {
    const doc = markdownToDoc(RUNBOOK);
    const html = docToHtml(doc);
    expect(html).toContain('<h1>MySQL primary failover</h1>');
    expect(html).toContain('<aside data-callout="warning">');
    expect(html).toContain('<pre><code class="language-bash">');
    expect(html).toContain('<input type="checkbox" disabled checked>');
    expect(html).toContain('<th><p>Host</p>');
    const page = docToHtmlDocument('<b>Fail</b>over', doc, 'zh-CN');
    expect(page).toContain('<title>&lt;b&gt;Fail&lt;/b&gt;over</title>');
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).not.toMatch(/<script/i);
  });
});

describe('Y.XmlFragment bridge', () => {
  test('fillFragment and fragmentToJson round-trip, and a refill is a diff', () => {
    const doc = new Y.Doc();
    const json = markdownToDoc(RUNBOOK);
    fillFragment(doc, json);
    expect(fragmentToJson(doc)).toEqual(json);
    expect(runbookPlainText(doc)).toContain('Check replication lag');

    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
    const shorter = markdownToDoc('# MySQL primary failover\n\nOnly this.\n');
    fillFragment(doc, shorter, 'restore');
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(replica)));
    expect(fragmentToJson(replica)).toEqual(shorter);
  });
});
