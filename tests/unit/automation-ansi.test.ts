/**
 * The log view's ANSI parser (src/lib/automation/ansi.ts): SGR colours and styles become
 * segments with classes from a fixed list or rgb() styles, every other escape is dropped, and
 * text (markup included) only ever comes out as text.
 */
import { describe, expect, it } from 'vitest';
import {
  AnsiLineBuffer,
  applySgr,
  initialAnsiState,
  parseAnsi,
  parseAnsiLine,
  stripAnsi
} from '../../src/lib/automation/ansi';

const ESC = '\x1b';

describe('ansi', () => {
  it('colours text with the 16 colours and resets with 39 and 0', () => {
    const [line] = parseAnsi(`a${ESC}[31mred${ESC}[39mplain${ESC}[92mbright${ESC}[0mend`);
    expect(line).toEqual([
      { text: 'a', classes: '', style: '' },
      { text: 'red', classes: 'ansi-fg-1', style: '' },
      { text: 'plain', classes: '', style: '' },
      { text: 'bright', classes: 'ansi-fg-10', style: '' },
      { text: 'end', classes: '', style: '' }
    ]);
  });

  it('sets and clears bold, italic and underline; ESC[m resets everything', () => {
    const [line] = parseAnsi(`${ESC}[1;33mbold${ESC}[22mthin${ESC}[3;4mdeco${ESC}[mreset`);
    expect(line).toEqual([
      { text: 'bold', classes: 'ansi-fg-3 ansi-bold', style: '' },
      { text: 'thin', classes: 'ansi-fg-3', style: '' },
      { text: 'deco', classes: 'ansi-fg-3 ansi-italic ansi-underline', style: '' },
      { text: 'reset', classes: '', style: '' }
    ]);
  });

  it('reads 256 colours and true colour as rgb styles, low palette entries as classes', () => {
    const [line] = parseAnsi(
      `${ESC}[38;5;196mcube${ESC}[38;5;244mgrey${ESC}[38;5;4mblue${ESC}[38;2;1;2;3mtrue${ESC}[48;2;10;20;30mbg`
    );
    expect(line).toEqual([
      { text: 'cube', classes: '', style: 'color: rgb(255, 0, 0);' },
      { text: 'grey', classes: '', style: 'color: rgb(128, 128, 128);' },
      { text: 'blue', classes: 'ansi-fg-4', style: '' },
      { text: 'true', classes: '', style: 'color: rgb(1, 2, 3);' },
      {
        text: 'bg',
        classes: '',
        style: 'color: rgb(1, 2, 3);background-color: rgb(10, 20, 30);'
      }
    ]);
  });

  it('ignores malformed extended colours without eating the rest', () => {
    const state = applySgr(initialAnsiState(), '38;5;999;1');
    expect(state.fg).toBeNull();
    expect(state.bold).toBe(true);
  });

  it('carries the pen over to the next line', () => {
    const lines = parseAnsi(`${ESC}[32mok: [host]\nstill green${ESC}[0m\nplain`);
    expect(lines[1]).toEqual([{ text: 'still green', classes: 'ansi-fg-2', style: '' }]);
    expect(lines[2]).toEqual([{ text: 'plain', classes: '', style: '' }]);
  });

  it('strips cursor moves, erasing, OSC titles and links, charset switches and controls', () => {
    const text =
      `${ESC}[2J${ESC}[1;1H${ESC}[Kclear` +
      `${ESC}]0;window title\x07${ESC}]8;;https://x.example${ESC}\\link${ESC}]8;;${ESC}\\` +
      `${ESC}(B${ESC}[?25l\x07\x08\x00 tab\tend`;
    expect(stripAnsi(text)).toBe('clearlink tab\tend');
    const { segments } = parseAnsiLine(text, initialAnsiState());
    expect(segments).toEqual([{ text: 'clearlink tab\tend', classes: '', style: '' }]);
  });

  it('drops an escape cut off at the end of a line', () => {
    expect(stripAnsi(`done${ESC}[3`)).toBe('done');
    expect(stripAnsi(`done${ESC}`)).toBe('done');
  });

  it('keeps what follows the last carriage return, as a terminal shows it', () => {
    expect(stripAnsi('10%\r50%\r100%')).toBe('100%');
    expect(stripAnsi('line\r')).toBe('line');
  });

  it('passes markup through as text, never as classes or styles', () => {
    const evil = `<img src=x onerror=alert(1)>${ESC}[31m<script>alert(2)</script>`;
    const [line] = parseAnsi(evil);
    expect(line?.map((s) => s.text).join('')).toBe(
      '<img src=x onerror=alert(1)><script>alert(2)</script>'
    );
    for (const segment of line ?? []) {
      expect(segment.classes).toMatch(/^(ansi-[a-z]+(-\d+)? ?)*$/);
      expect(segment.style).toMatch(/^((background-)?color: rgb\(\d+, \d+, \d+\);)*$/);
    }
    // A would-be parameter with letters is not SGR and cannot reach a class name.
    const [odd] = parseAnsi(`${ESC}[31;"><b>m text`);
    expect(odd?.every((s) => !s.classes.includes('<') && !s.style.includes('<'))).toBe(true);
  });

  it('parses a large log quickly', () => {
    const line = `${ESC}[32mok: [web-01]${ESC}[0m => changed=false ${ESC}[1mTASK${ESC}[22m\n`;
    const text = line.repeat(50_000);
    const started = performance.now();
    const lines = parseAnsi(text);
    expect(lines).toHaveLength(50_001);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('AnsiLineBuffer', () => {
  it('cuts chunks into lines, keeps the pen and an escape split between chunks', () => {
    const buffer = new AnsiLineBuffer();
    expect(buffer.push(`one${ESC}[3`)).toEqual([]);
    expect(buffer.partial).toEqual([{ text: 'one', classes: '', style: '' }]);
    expect(buffer.push(`1mred\ntwo\nthr`)).toEqual([
      [
        { text: 'one', classes: '', style: '' },
        { text: 'red', classes: 'ansi-fg-1', style: '' }
      ],
      [{ text: 'two', classes: 'ansi-fg-1', style: '' }]
    ]);
    expect(buffer.partial).toEqual([{ text: 'thr', classes: 'ansi-fg-1', style: '' }]);
    expect(buffer.push('ee\n')).toEqual([[{ text: 'three', classes: 'ansi-fg-1', style: '' }]]);
    expect(buffer.partial).toEqual([]);
  });
});
