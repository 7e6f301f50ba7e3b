import { describe, expect, it } from 'vitest';
import {
  MAX_DOC_NAME_LENGTH,
  boardDocName,
  formatDocName,
  parseDocName,
  runbookDocName
} from '../../src/lib/shared/doc-name';

describe('document names', () => {
  it('[NAME1] accepts the documented shapes', () => {
    expect(parseDocName('acme.board')).toEqual({
      ok: true,
      name: { workspaceId: 'acme', kind: 'board' }
    });
    expect(parseDocName('ws_1-x.runbook.rb-42')).toEqual({
      ok: true,
      name: { workspaceId: 'ws_1-x', kind: 'runbook', id: 'rb-42' }
    });
    expect(parseDocName('a.cmdb').ok).toBe(true);
    expect(parseDocName('a.ledger').ok).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['acme', 'bad-shape'],
    ['acme.board.extra', 'bad-shape'],
    ['acme.runbook', 'bad-id'],
    ['acme.runbook.', 'bad-id'],
    ['.board', 'bad-workspace'],
    ['acme.', 'bad-kind'],
    ['acme.boards', 'bad-kind'],
    ['acme.BOARD', 'bad-kind'],
    ['../etc.board', 'bad-shape'],
    ['..%2F.board', 'bad-shape'],
    ['a%2Fb.board', 'bad-workspace'],
    ['a/b.board', 'bad-workspace'],
    ['a\\b.board', 'bad-workspace'],
    ['acme.runbook.../x', 'bad-shape'],
    ['acme.runbook.a/b', 'bad-id'],
    [' acme.board', 'bad-workspace'],
    ['acme.board ', 'bad-kind'],
    ['-acme.board', 'bad-workspace'],
    ['ac\u0000me.board', 'bad-workspace'],
    ['工作区.board', 'bad-workspace'],
    ['a..board', 'bad-kind'],
    [`${'a'.repeat(65)}.board`, 'bad-workspace'],
    [`a.runbook.${'b'.repeat(MAX_DOC_NAME_LENGTH)}`, 'too-long']
  ])('[NAME1] refuses %j (%s)', (raw, reason) => {
    expect(parseDocName(raw)).toEqual({ ok: false, reason });
  });

  it('[NAME1] builds names that parse back', () => {
    expect(boardDocName('w1')).toBe('w1.board');
    expect(runbookDocName('w1', 'r9')).toBe('w1.runbook.r9');
    expect(() => boardDocName('w/1')).toThrow(/invalid document name/);
    expect(() => formatDocName({ workspaceId: 'w', kind: 'runbook', id: '' })).toThrow();
  });
});
