/**
 * Reading history-import files (src/lib/server/import): a Jira CSV export (BOM, repeated
 * Labels columns, quoted multi-line Chinese descriptions, Jira and ISO dates), a Trello board
 * export (lists → statuses, actions → times, closed cards) and runboard-json, into one row
 * shape; or every problem with its row. Fixtures in tests/fixtures/import/.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translate } from '$lib/server/i18n/translate';
import { parseJiraCsv } from '$lib/server/import/jira-csv';
import { parseTrelloJson } from '$lib/server/import/trello-export';
import { parseRunboardJson } from '$lib/server/import/runboard-items';
import { parseImportDate, type ParseResult, type RowError } from '$lib/server/import/import-rows';
import { splitCsv } from '$lib/server/import/csv-records';
import { ErrorList } from '$lib/server/import/import-rows';

const fixture = (name: string) =>
  readFileSync(resolve(import.meta.dirname, '../fixtures/import', name), 'utf8');

function rowsOf(result: ParseResult) {
  if (!result.ok) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.rows;
}

function errorsOf(result: ParseResult): RowError[] {
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('dates', () => {
  it('reads Jira dates in English and Chinese, with AM/PM, in the given zone', () => {
    expect(parseImportDate('12/Mar/24 9:15 AM')).toBe('2024-03-12T09:15:00.000Z');
    expect(parseImportDate('12/Mar/24 12:05 AM')).toBe('2024-03-12T00:05:00.000Z');
    expect(parseImportDate('12/Mar/2024 9:15 PM')).toBe('2024-03-12T21:15:00.000Z');
    expect(parseImportDate('21/三月/24 3:05 下午')).toBe('2024-03-21T15:05:00.000Z');
    expect(parseImportDate('12/Mar/24 9:15 AM', 'Asia/Shanghai')).toBe('2024-03-12T01:15:00.000Z');
    // Daylight saving in New York began on 10 March 2024.
    expect(parseImportDate('2024-03-12 09:15', 'America/New_York')).toBe(
      '2024-03-12T13:15:00.000Z'
    );
  });

  it('reads ISO with a zone as given and refuses what is not a date', () => {
    expect(parseImportDate('2024-02-04T08:00:00+08:00')).toBe('2024-02-04T00:00:00.000Z');
    expect(parseImportDate('2024-03-12T09:15:30.5')).toBe('2024-03-12T09:15:30.000Z');
    expect(parseImportDate('12/Oct/24 09:15:30')).toBe('2024-10-12T09:15:30.000Z');
    expect(parseImportDate('2024-02-30')).toBeNull();
    expect(parseImportDate('31/Foo/24 9:15 AM')).toBeNull();
    expect(parseImportDate('yesterday')).toBeNull();
    expect(parseImportDate('13/Mar/24 13:15 PM')).toBeNull();
  });
});

describe('CSV records', () => {
  it('keeps quoted commas, quotes and line breaks, and reports the line each record starts on', () => {
    const errors = new ErrorList();
    const records = splitCsv('\ufeffa,b\r\n"x, ""y""","1\r\n2"\r\n\r\nlast,row', errors);
    expect(errors.items).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', '1\n2'] },
      { line: 5, fields: ['last', 'row'] }
    ]);
  });

  it('reports an unclosed quote at the line it opens', () => {
    const errors = new ErrorList();
    splitCsv('a,b\n1,"open\nstill', errors);
    expect(errors.items).toEqual([{ row: 2, key: 'import.row.csvUnclosedQuote' }]);
  });
});

describe('Jira CSV', () => {
  it('reads the export: fields, repeated Labels, multi-line Chinese descriptions, times', () => {
    const rows = rowsOf(parseJiraCsv(fixture('jira-export.csv'), 'UTC'));
    expect(rows.map((r) => [r.row, r.sourceKey, r.kind, r.status])).toEqual([
      [2, 'OPS-101', 'incident', 'Done'],
      [6, 'OPS-102', 'task', 'Closed'],
      [7, 'OPS-103', 'task', 'In Progress'],
      [8, 'OPS-104', 'change', 'To Do']
    ]);
    const [incident, cert, disk, redis] = rows;
    expect(incident).toMatchObject({
      title: '数据库主从延迟超过 30 秒',
      priority: 'urgent',
      labels: ['mysql', '数据库'],
      assignee: { email: null, name: '张伟' },
      createdAt: '2024-03-12T09:15:00.000Z',
      resolvedAt: '2024-03-12T10:40:00.000Z',
      doneAt: '2024-03-12T10:40:00.000Z',
      categoryHint: 'done'
    });
    expect(incident!.description).toBe(
      '凌晨批量任务导致 db-01 主从延迟。\n处理步骤：\n1. 暂停 "etl-nightly" 任务\n2. 观察 Seconds_Behind_Master 回落'
    );
    expect(cert).toMatchObject({
      assignee: { email: 'alice@example.com', name: null },
      startedAt: '2024-03-14T09:00:00.000Z',
      doneAt: '2024-03-15T16:40:00.000Z',
      priority: 'high'
    });
    expect(disk).toMatchObject({
      startedAt: '2024-03-20T09:00:00.000Z',
      doneAt: null,
      categoryHint: 'in_progress',
      priority: 'medium'
    });
    expect(redis).toMatchObject({
      assignee: null,
      createdAt: '2024-03-21T15:05:00.000Z',
      priority: 'low'
    });
  });

  it('reads dates in the exporter’s time zone', () => {
    const rows = rowsOf(parseJiraCsv(fixture('jira-export.csv'), 'Asia/Shanghai'));
    expect(rows[0]!.createdAt).toBe('2024-03-12T01:15:00.000Z');
  });

  it('reports each bad row at its line, with a translated message', () => {
    const csv =
      'Summary,Status,Created,Priority\n' +
      '"two\nlines",Done,not a date,High\n' +
      ',Open,12/Mar/24 9:15 AM,High\n' +
      'ok,Open,12/Mar/24 9:15 AM,Sometimes\n';
    const errors = errorsOf(parseJiraCsv(csv, 'UTC'));
    expect(errors.map((e) => [e.row, e.key])).toEqual([
      [2, 'import.row.badDate'],
      [4, 'import.row.missingField'],
      [5, 'import.row.unknownPriority']
    ]);
    const message = (translate as (l: string, k: string, v?: object) => string)(
      'zh-CN',
      errors[0]!.key,
      errors[0]!.values
    );
    expect(message).toContain('not a date');
    expect(message).toContain('不是日期');
  });

  it('refuses a file without the columns it needs', () => {
    const errors = errorsOf(parseJiraCsv('Issue key,Foo\nOPS-1,x\n', 'UTC'));
    expect(errors.map((e) => e.values?.column)).toEqual(['summary', 'status', 'created']);
  });
});

describe('Trello JSON', () => {
  it('reads cards: list → status, labels, first member, times from actions, closed cards', () => {
    const rows = rowsOf(parseTrelloJson(fixture('trello-board.json')));
    expect(rows.map((r) => [r.row, r.title, r.status, r.categoryHint])).toEqual([
      [1, '核心交换机端口 flapping', '完成', 'done'],
      [2, 'Slow queries on orders DB', 'Doing', 'in_progress'],
      [3, 'Old runbook cleanup', '待办', 'done'],
      [4, '申请新的 VPN 账号', '待办', 'todo']
    ]);
    expect(rows[0]).toMatchObject({
      labels: ['网络'],
      assignee: { email: null, name: '陈静' },
      createdAt: '2024-03-08T09:00:05.000Z',
      startedAt: '2024-03-08T09:40:00.000Z',
      doneAt: '2024-03-08T14:30:00.000Z',
      sourceKey: 'Xy12Ab34'
    });
    // An unnamed label is read by its colour.
    expect(rows[1]).toMatchObject({
      labels: ['red'],
      startedAt: '2024-03-09T10:15:00.000Z',
      doneAt: null
    });
    // A closed card is done when it was last touched; its creation time comes from its id.
    expect(rows[2]).toMatchObject({
      createdAt: '2024-03-10T09:00:00.000Z',
      doneAt: '2024-03-12T08:00:00.000Z'
    });
    expect(rows[3]!.doneAt).toBeNull();
  });

  it('refuses what is not a board export, and cards in unknown lists', () => {
    expect(errorsOf(parseTrelloJson('[]'))[0]!.key).toBe('import.row.trelloShape');
    expect(errorsOf(parseTrelloJson('{"lists":'))[0]!.key).toBe('import.row.jsonSyntax');
    const board = JSON.parse(fixture('trello-board.json')) as { cards: { idList: string }[] };
    board.cards[1]!.idList = 'gone';
    expect(errorsOf(parseTrelloJson(JSON.stringify(board)))).toEqual([
      { row: 2, key: 'import.row.trelloUnknownList', values: { list: 'gone' } }
    ]);
  });
});

describe('runboard-json', () => {
  it('reads the items of the contract', () => {
    const rows = rowsOf(parseRunboardJson(fixture('runboard.json'), 'UTC'));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      row: 1,
      kind: 'incident',
      status: 'done',
      priority: 'high',
      assignee: { email: 'zhao@example.com', name: null },
      acknowledgedAt: '2024-02-01T02:05:00.000Z',
      resolvedAt: '2024-02-01T03:00:00.000Z',
      strictStatus: true
    });
    expect(rows[1]).toMatchObject({ kind: 'task', assignee: { name: 'Backup Bot', email: null } });
    expect(rows[2]).toMatchObject({ createdAt: '2024-02-04T00:00:00.000Z', priority: 'none' });
  });

  it('reports every bad item by its 1-based index', () => {
    const text = JSON.stringify([
      { title: 'ok', status: 'done', createdAt: '2024-01-01T00:00:00Z' },
      { status: 'done', createdAt: '2024-01-01T00:00:00Z' },
      { title: 'x', status: 'todo', createdAt: 'soon', colour: 'red' },
      { title: 'x', status: 'todo', createdAt: '2024-01-01', kind: 'bug' }
    ]);
    const errors = errorsOf(parseRunboardJson(text, 'UTC'));
    expect(errors.map((e) => [e.row, e.key, e.values?.field])).toEqual([
      [2, 'import.row.missingField', 'title'],
      [3, 'import.row.unknownField', 'colour'],
      [4, 'import.row.badField', 'kind']
    ]);
    expect(errorsOf(parseRunboardJson('{}', 'UTC'))[0]!.key).toBe('import.row.runboardShape');
  });
});
