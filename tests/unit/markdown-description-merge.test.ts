import { describe, expect, it } from 'vitest';
import { diffSpan, rebaseDraft } from '../../src/lib/components/task/text-merge';

describe('diffSpan', () => {
  it('finds the one replaced span', () => {
    expect(diffSpan('abc', 'abc')).toBeNull();
    expect(diffSpan('hello world', 'hello brave world')).toEqual({
      start: 6,
      end: 6,
      text: 'brave '
    });
    expect(diffSpan('aaa', 'aa')).toEqual({ start: 2, end: 3, text: '' });
    expect(diffSpan('', 'x')).toEqual({ start: 0, end: 0, text: 'x' });
  });
});

describe('rebaseDraft', () => {
  const base = 'Intro.\n\nMiddle.\n\nEnd.';

  it('keeps both edits when mine is before theirs', () => {
    const draft = 'New intro. ' + base;
    const remote = base + ' Their end.';
    const { text, mapOffset } = rebaseDraft(base, draft, remote);
    expect(text).toBe('New intro. Intro.\n\nMiddle.\n\nEnd. Their end.');
    // A caret after my insertion stays after it.
    expect(mapOffset(11)).toBe(11);
  });

  it('keeps both edits when mine is after theirs, and moves my caret with their text', () => {
    const draft = base + ' Mine.';
    const remote = 'Theirs. ' + base;
    const { text, mapOffset } = rebaseDraft(base, draft, remote);
    expect(text).toBe('Theirs. Intro.\n\nMiddle.\n\nEnd. Mine.');
    expect(mapOffset(draft.length)).toBe(text.length);
  });

  it('takes the remote text when I changed nothing, moving the caret past their insertion', () => {
    const remote = 'X' + base;
    const { text, mapOffset } = rebaseDraft(base, base, remote);
    expect(text).toBe(remote);
    expect(mapOffset(3)).toBe(4);
    expect(mapOffset(0)).toBe(0);
  });

  it('keeps my draft when nothing came in', () => {
    expect(rebaseDraft(base, base + '!', base).text).toBe(base + '!');
  });

  it('prefers my text inside overlapping edits and keeps theirs around it', () => {
    const text = rebaseDraft('one two three', 'one 2 three', 'one twoo three!').text;
    expect(text.startsWith('one 2')).toBe(true);
    expect(text.endsWith('three!')).toBe(true);
  });

  it('converges when both sides rebase onto each other (deletions included)', () => {
    const start = 'alpha beta gamma delta';
    const mine = 'alpha gamma delta'; // deleted "beta "
    const theirs = 'alpha beta gamma delta epsilon';
    const merged = rebaseDraft(start, mine, theirs).text;
    expect(merged).toBe('alpha gamma delta epsilon');
    expect(rebaseDraft(start, theirs, mine).text).toBe(merged);
  });
});
