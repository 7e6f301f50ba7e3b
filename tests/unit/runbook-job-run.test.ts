import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { JSONContent } from '@tiptap/core';
import { EditorState } from '@tiptap/pm/state';
import { Slice, Fragment } from '@tiptap/pm/model';
import {
  docToHtml,
  docToMarkdown,
  fillFragment,
  fragmentToJson,
  markdownToDoc,
  normaliseDoc,
  runbookSchema
} from '../../src/lib/shared/runbooks/markdown';
import {
  JOB_RUN_NODE,
  blockIdPlugin,
  jobRunAttrs,
  jobRunFromCode,
  jobRunToMarkdown,
  parsePresets
} from '../../src/lib/shared/runbooks/job-run-node';

function block(attrs: Record<string, unknown>): JSONContent {
  return { type: JOB_RUN_NODE, attrs };
}

function doc(...content: JSONContent[]): JSONContent {
  return { type: 'doc', content };
}

function jobBlocks(json: JSONContent): JSONContent[] {
  return (json.content ?? []).filter((n) => n.type === JOB_RUN_NODE);
}

const RESTART = block({
  jobId: 'job_restart',
  blockId: 'blk1',
  label: 'Restart the replica',
  parameters: JSON.stringify({ host: 'db2', force: true, retries: 3 })
});

describe('run job block: Markdown', () => {
  test('round-trips through a fenced runboard-job block with every attribute', () => {
    const source = doc(
      { type: 'paragraph', content: [{ type: 'text', text: 'Before' }] },
      RESTART,
      { type: 'paragraph', content: [{ type: 'text', text: 'After' }] }
    );
    const markdown = docToMarkdown(source);
    expect(markdown).toContain('```runboard-job\n{');
    expect(markdown).toContain('"jobId": "job_restart"');
    const back = markdownToDoc(markdown);
    expect((back.content ?? []).map((n) => n.type)).toEqual([
      'paragraph',
      JOB_RUN_NODE,
      'paragraph'
    ]);
    const [only] = jobBlocks(back);
    expect(jobRunAttrs(only?.attrs)).toEqual({
      jobId: 'job_restart',
      blockId: 'blk1',
      label: 'Restart the replica',
      parameters: { host: 'db2', force: true, retries: 3 }
    });
    // And a second round gives the same text: the form is stable.
    expect(docToMarkdown(back)).toBe(markdown);
  });

  test('backticks and newlines in values cannot close the fence', () => {
    const tricky = block({
      jobId: 'j',
      blockId: 'b',
      label: 'say ``` hi',
      parameters: JSON.stringify({ cmd: '```\n# not a heading\n`x`' })
    });
    const markdown = docToMarkdown(doc(tricky));
    // One opening and one closing fence only.
    expect(markdown.match(/```/g)).toHaveLength(2);
    const back = jobBlocks(markdownToDoc(markdown));
    expect(back).toHaveLength(1);
    expect(jobRunAttrs(back[0]?.attrs).label).toBe('say ``` hi');
    expect(jobRunAttrs(back[0]?.attrs).parameters).toEqual({ cmd: '```\n# not a heading\n`x`' });
  });

  test('a runboard-job fence that is not block JSON stays a code block', () => {
    const back = markdownToDoc('```runboard-job\nnot json at all\n```\n');
    expect(back.content?.[0]?.type).toBe('codeBlock');
    expect(jobRunFromCode('[1,2]')).toBeNull();
    expect(jobRunFromCode('{"parameters": {"x": {"nested": 1}}}')).toBeNull();
    // Other languages are untouched.
    expect(markdownToDoc('```json\n{"jobId":"x"}\n```\n').content?.[0]?.type).toBe('codeBlock');
  });

  test('import gives blocks without an id a fresh one, and duplicates a new one', () => {
    const body = (id?: string) =>
      '```runboard-job\n' +
      JSON.stringify({ jobId: 'j', ...(id ? { blockId: id } : {}) }) +
      '\n```';
    const back = jobBlocks(markdownToDoc([body(), body('same'), body('same')].join('\n\n')));
    const ids = back.map((n) => jobRunAttrs(n.attrs).blockId);
    expect(ids).toHaveLength(3);
    expect(ids[0]).toMatch(/^[0-9a-z]{12}$/);
    expect(ids[1]).toBe('same');
    expect(ids[2]).not.toBe('same');
    expect(new Set(ids).size).toBe(3);
  });

  test('the fenced form as written by hand (minimal JSON) is read', () => {
    const back = jobBlocks(markdownToDoc('```runboard-job\n{"jobId":"abc"}\n```\n'));
    expect(jobRunAttrs(back[0]?.attrs)).toMatchObject({ jobId: 'abc', label: '', parameters: {} });
  });
});

describe('run job block: attributes', () => {
  test('presets are read leniently: bad JSON or nested values mean none', () => {
    expect(parsePresets('{"a":"x","b":2,"c":false}')).toEqual({ a: 'x', b: 2, c: false });
    expect(parsePresets('{oops')).toEqual({});
    expect(parsePresets('{"a":{"b":1}}')).toEqual({});
    expect(parsePresets('')).toEqual({});
    expect(parsePresets({ a: 'direct' })).toEqual({ a: 'direct' });
    expect(jobRunAttrs({})).toEqual({ jobId: null, blockId: null, parameters: {}, label: '' });
  });

  test('the block lives in the Yjs fragment with its attributes intact', () => {
    const ydoc = new Y.Doc();
    fillFragment(ydoc, doc(RESTART));
    const [only] = jobBlocks(fragmentToJson(ydoc));
    expect(jobRunAttrs(only?.attrs)).toEqual(jobRunAttrs(RESTART.attrs));
    // A second replica gets the same block.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(ydoc));
    expect(jobBlocks(fragmentToJson(other))).toEqual(jobBlocks(fragmentToJson(ydoc)));
  });

  test('normalising keeps known attributes only and renders escaped HTML for printing', () => {
    const json = normaliseDoc(
      doc(
        block({
          jobId: 'j"<x>',
          blockId: 'b',
          label: '<script>alert(1)</script>',
          parameters: '{}'
        })
      )
    );
    const html = docToHtml(json);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('data-job-id="j&quot;&lt;x&gt;"');
  });

  test('jobRunToMarkdown writes the documented JSON body', () => {
    const text = jobRunToMarkdown({ jobId: 'a', blockId: 'b', label: 'L', parameters: { n: 1 } });
    const body = text.split('\n').slice(1, -1).join('\n');
    expect(JSON.parse(body)).toEqual({
      jobId: 'a',
      blockId: 'b',
      label: 'L',
      parameters: { n: 1 }
    });
  });
});

describe('run job block: block ids in the editor', () => {
  const schema = runbookSchema();
  const plugin = blockIdPlugin(JOB_RUN_NODE);

  function state(json: JSONContent): EditorState {
    return EditorState.create({ schema, doc: schema.nodeFromJSON(json), plugins: [plugin] });
  }

  function ids(s: EditorState): Array<string | null> {
    const out: Array<string | null> = [];
    s.doc.descendants((node) => {
      if (node.type.name === JOB_RUN_NODE) out.push(node.attrs.blockId as string | null);
      return true;
    });
    return out;
  }

  test('an inserted block without an id gets one', () => {
    const s = state(doc({ type: 'paragraph' }));
    const node = schema.nodes[JOB_RUN_NODE]!.create({ jobId: 'j' });
    const next = s.applyTransaction(s.tr.insert(s.doc.content.size, node)).state;
    expect(ids(next)).toHaveLength(1);
    expect(ids(next)[0]).toMatch(/^[0-9a-z]{12}$/);
  });

  test('a pasted copy above the original gets a new id; the original keeps its own', () => {
    const s = state(doc({ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }, RESTART));
    const copy = schema.nodeFromJSON(RESTART);
    const tr = s.tr;
    tr.replace(0, 0, new Slice(Fragment.from(copy), 0, 0));
    const next = s.applyTransaction(tr).state;
    const found = ids(next);
    expect(found).toHaveLength(2);
    // The copy sits first; the original (second) keeps blk1.
    expect(found[1]).toBe('blk1');
    expect(found[0]).not.toBe('blk1');
    expect(found[0]).toMatch(/^[0-9a-z]{12}$/);
  });

  test('editing elsewhere leaves ids alone', () => {
    const s = state(doc({ type: 'paragraph' }, RESTART));
    const next = s.applyTransaction(s.tr.insertText('hello', 1)).state;
    expect(ids(next)).toEqual(['blk1']);
  });
});
