import { describe, expect, it } from 'vitest';
import { filterColumns, isEmptyFilter } from '../../src/lib/board/quick-filter';
import {
  ALL_LANE_ID,
  UNASSIGNED_LANE_ID,
  groupSwimlanes,
  isSwimlaneMode,
  lanePatch
} from '../../src/lib/board/swimlanes';
import type { Task } from '../../src/lib/shared/board/schema';
import { taskFixture } from '../fixtures/board';

function task(id: string, fields: Partial<Task> = {}): Task {
  return taskFixture({ id, ...fields });
}

const names: Record<string, string> = { u1: 'Zhao Lei', u2: 'Ada', u3: 'Grace' };
const nameOf = (id: string) => names[id] ?? id;

const columns = [
  {
    id: 'todo',
    tasks: [
      task('a', { assignee: 'u1', priority: 'high' }),
      task('b'),
      task('c', { assignee: 'u2', priority: 'high' }),
      task('d', { assignee: 'u1', priority: 'urgent' })
    ]
  },
  { id: 'done', tasks: [task('e', { assignee: 'u2', status: 'done', key: 'OPS-7' })] }
];

const ids = (tasks: readonly Task[] | undefined) => (tasks ?? []).map((t) => t.id);

describe('groupSwimlanes', () => {
  it('keeps one lane with every column when the board is not split', () => {
    const [lane, ...rest] = groupSwimlanes(columns, 'none');
    expect(rest).toEqual([]);
    expect(lane?.id).toBe(ALL_LANE_ID);
    expect(lane?.count).toBe(5);
    expect(ids(lane?.cells.todo)).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(lane?.cells.done)).toEqual(['e']);
  });

  it('splits by assignee: members by name, unassigned last, board order kept in each cell', () => {
    const lanes = groupSwimlanes(columns, 'assignee', nameOf);
    expect(lanes.map((lane) => lane.id)).toEqual([
      'assignee:u2',
      'assignee:u1',
      UNASSIGNED_LANE_ID
    ]);
    const [ada, zhao, unassigned] = lanes;
    expect(ids(ada?.cells.todo)).toEqual(['c']);
    expect(ids(ada?.cells.done)).toEqual(['e']);
    expect(ids(zhao?.cells.todo)).toEqual(['a', 'd']);
    expect(ids(zhao?.cells.done)).toEqual([]);
    expect(ids(unassigned?.cells.todo)).toEqual(['b']);
    expect(lanes.map((lane) => lane.count)).toEqual([2, 2, 1]);
  });

  it('always offers the unassigned lane, so a card can be dropped there', () => {
    const lanes = groupSwimlanes(
      [{ id: 'todo', tasks: [task('a', { assignee: 'u3' })] }],
      'assignee',
      nameOf
    );
    expect(lanes.map((lane) => [lane.id, lane.count])).toEqual([
      ['assignee:u3', 1],
      [UNASSIGNED_LANE_ID, 0]
    ]);
  });

  it('splits by priority into every priority, most urgent first', () => {
    const lanes = groupSwimlanes(columns, 'priority');
    expect(lanes.map((lane) => lane.id)).toEqual([
      'priority:urgent',
      'priority:high',
      'priority:medium',
      'priority:low',
      'priority:none'
    ]);
    expect(ids(lanes[1]?.cells.todo)).toEqual(['a', 'c']);
    expect(ids(lanes[4]?.cells.todo)).toEqual(['b']);
    expect(ids(lanes[4]?.cells.done)).toEqual(['e']);
    expect(lanes[2]?.count).toBe(0);
  });
});

describe('lanePatch', () => {
  it('names the field a card takes when dropped into another lane, and nothing otherwise', () => {
    const [ada, , unassigned] = groupSwimlanes(columns, 'assignee', nameOf);
    const [urgent] = groupSwimlanes(columns, 'priority');
    const [all] = groupSwimlanes(columns, 'none');
    if (!ada || !unassigned || !urgent || !all) throw new Error('lanes missing');
    expect(lanePatch(ada, task('x', { assignee: 'u1' }))).toEqual({ assignee: 'u2' });
    expect(lanePatch(ada, task('x', { assignee: 'u2' }))).toBeNull();
    expect(lanePatch(unassigned, task('x', { assignee: 'u1' }))).toEqual({ assignee: null });
    expect(lanePatch(urgent, task('x', { priority: 'low' }))).toEqual({ priority: 'urgent' });
    expect(lanePatch(urgent, task('x', { priority: 'urgent' }))).toBeNull();
    expect(lanePatch(all, task('x', { priority: 'low', assignee: 'u1' }))).toBeNull();
  });
});

describe('isSwimlaneMode', () => {
  it('accepts the three modes only', () => {
    expect(['none', 'assignee', 'priority'].every(isSwimlaneMode)).toBe(true);
    expect(isSwimlaneMode('label')).toBe(false);
    expect(isSwimlaneMode(null)).toBe(false);
  });
});

describe('filterColumns', () => {
  it('keeps cards whose key or title contains the text, ignoring case', () => {
    const filtered = filterColumns(columns, { text: ' ops-7 ', mine: null });
    expect(filtered.map((column) => ids(column.tasks))).toEqual([[], ['e']]);
    const byTitle = filterColumns(columns, { text: 'C', mine: null });
    expect(byTitle.map((column) => ids(column.tasks))).toEqual([['c'], []]);
  });

  it('keeps only my cards, combined with the text', () => {
    expect(filterColumns(columns, { text: '', mine: 'u1' }).map((c) => ids(c.tasks))).toEqual([
      ['a', 'd'],
      []
    ]);
    expect(filterColumns(columns, { text: 'd', mine: 'u1' }).map((c) => ids(c.tasks))).toEqual([
      ['d'],
      []
    ]);
  });

  it('keeps everything, without copying cards, when empty', () => {
    expect(isEmptyFilter({ text: '  ', mine: null })).toBe(true);
    const same = filterColumns(columns, { text: '', mine: null });
    expect(same[0]?.tasks).toBe(columns[0]?.tasks);
  });
});
