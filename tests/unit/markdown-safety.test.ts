import { describe, expect, it } from 'vitest';
import {
  decodeEntities,
  parseMarkdown,
  safeHref,
  type MdBlock,
  type MdInline
} from '../../src/lib/components/task/markdown';

/** Every link href anywhere in a parsed tree. */
function hrefs(blocks: MdBlock[]): string[] {
  const found: string[] = [];
  const inline = (nodes: MdInline[]) => {
    for (const node of nodes) {
      if (node.type === 'link') {
        if (node.href !== null) found.push(node.href);
        inline(node.children);
      } else if ('children' in node) inline(node.children);
    }
  };
  const walk = (list: MdBlock[]) => {
    for (const block of list) {
      if (block.type === 'heading' || block.type === 'paragraph' || block.type === 'text') {
        inline(block.children);
      } else if (block.type === 'blockquote') walk(block.children);
      else if (block.type === 'list') for (const item of block.items) walk(item.children);
      else if (block.type === 'table') {
        for (const cell of block.header) inline(cell);
        for (const row of block.rows) for (const cell of row) inline(cell);
      }
    }
  };
  walk(blocks);
  return found;
}

describe('safeHref', () => {
  it('keeps http(s), mailto and relative destinations', () => {
    for (const href of [
      'https://example.com/a?b=c#d',
      'http://example.com',
      'HTTPS://EXAMPLE.COM',
      'mailto:oncall@example.com',
      '/w/ws1/runbooks/rb1',
      'runbooks/rb1',
      '../up',
      '#section',
      '?q=1'
    ]) {
      expect(safeHref(href), href).toBe(href);
    }
  });

  it('drops script, data and other schemes however they are disguised', () => {
    for (const href of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0001javascript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'ftp://example.com',
      ''
    ]) {
      expect(safeHref(href), JSON.stringify(href)).toBeNull();
    }
  });
});

describe('decodeEntities', () => {
  it('resolves the usual references and leaves unknown ones alone', () => {
    expect(decodeEntities('a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#x27; &bogus;')).toBe(
      `a & b <c> "d" 'e' &bogus;`
    );
    expect(decodeEntities('&#0; &#xD800;')).toBe('\ufffd \ufffd');
  });
});

describe('parseMarkdown', () => {
  it('turns raw HTML into literal text, inline and as a block', () => {
    const blocks = parseMarkdown(
      'Hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div onclick="x()">raw</div>'
    );
    expect(blocks).toEqual([
      {
        type: 'paragraph',
        children: [
          { type: 'text', text: 'Hi <script>alert(1)</script> <img src=x onerror=alert(1)>' }
        ]
      },
      { type: 'html', text: '<div onclick="x()">raw</div>' }
    ]);
  });

  it('keeps the text of a javascript: link but not its destination', () => {
    const blocks = parseMarkdown('[x](javascript:alert(1)) and [ok](https://example.com)');
    expect(hrefs(blocks)).toEqual(['https://example.com']);
    expect(blocks[0]).toEqual({
      type: 'paragraph',
      children: [
        { type: 'text', text: 'x and ' },
        {
          type: 'link',
          href: 'https://example.com',
          external: true,
          title: null,
          children: [{ type: 'text', text: 'ok' }]
        }
      ]
    });
  });

  it('vets reference links, autolinks and images the same way', () => {
    const blocks = parseMarkdown(
      '[a][bad] [b][good] <https://example.org> ![pic](javascript:alert(1)) ![logo](/logo.png)\n\n' +
        '[bad]: javascript:alert(1)\n[good]: /w/ws/runbooks/r1'
    );
    expect(hrefs(blocks)).toEqual(['/w/ws/runbooks/r1', 'https://example.org', '/logo.png']);
  });

  it('renders the GFM structures as data', () => {
    const blocks = parseMarkdown(
      [
        '# Title &amp; more',
        '',
        '- [x] done',
        '- [ ] open **bold**',
        '',
        '3. three',
        '',
        '| a | b |',
        '|:--|--:|',
        '| `x` | ~~y~~ |',
        '',
        '```sh',
        'echo "<b>"',
        '```',
        '',
        '> quoted',
        '',
        '---'
      ].join('\n')
    );
    expect(blocks.map((block) => block.type)).toEqual([
      'heading',
      'list',
      'list',
      'table',
      'code',
      'blockquote',
      'hr'
    ]);
    expect(blocks[0]).toEqual({
      type: 'heading',
      depth: 1,
      children: [{ type: 'text', text: 'Title & more' }]
    });
    const tasks = blocks[1];
    expect(tasks?.type === 'list' && tasks.items.map((item) => item.checked)).toEqual([
      true,
      false
    ]);
    const ordered = blocks[2];
    expect(ordered?.type === 'list' && [ordered.ordered, ordered.start]).toEqual([true, 3]);
    const table = blocks[3];
    expect(table?.type === 'table' && table.align).toEqual(['left', 'right']);
    expect(table?.type === 'table' && table.rows[0]).toEqual([
      [{ type: 'code', text: 'x' }],
      [{ type: 'del', children: [{ type: 'text', text: 'y' }] }]
    ]);
    expect(blocks[4]).toEqual({ type: 'code', lang: 'sh', text: 'echo "<b>"' });
  });

  it('bounds nesting depth instead of recursing without end', () => {
    const blocks = parseMarkdown('>'.repeat(200) + ' deep');
    let depth = 0;
    let current: MdBlock | undefined = blocks[0];
    while (current?.type === 'blockquote') {
      depth++;
      current = current.children[0];
    }
    expect(depth).toBeLessThanOrEqual(30);
  });
});
