import { it } from 'vitest';
import * as Y from 'yjs';
import { initBoard, createTask, listTasks, moveTask, observeTasks, updateTask } from '../../src/lib/shared/board/board-model';
it('perf', () => {
  const doc = new Y.Doc(); initBoard(doc);
  let t = performance.now();
  for (let i = 0; i < 10000; i++) createTask(doc, { title: `t${i}`, status: ['backlog','todo','in-progress','done'][i % 4] }, { id: `t${i}` });
  console.log('create 10k', performance.now() - t);
  t = performance.now(); for (let i = 0; i < 100; i++) createTask(doc, { title: 'x' }); console.log('100 creates at 10k', performance.now() - t);
  t = performance.now(); const all = listTasks(doc); console.log('list', all.length, performance.now() - t);
  let n = 0; observeTasks(doc, (c) => { n += c.upserted.length; });
  t = performance.now(); for (let i = 0; i < 100; i++) moveTask(doc, `t${i}`, { status: 'todo', afterId: 't5' }); console.log('100 moves', performance.now() - t, n);
  t = performance.now(); for (let i = 0; i < 100; i++) updateTask(doc, `t${i}`, { title: 'x' + i }); console.log('100 updates', performance.now() - t);
});
