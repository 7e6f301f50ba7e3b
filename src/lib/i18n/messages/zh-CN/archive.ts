import type { Translation } from '../types';
import type { archive as en } from '../en/archive';

/** Simplified Chinese messages for the task archive, key for key as in en/archive.ts. */
export const archive: Translation<typeof en> = {
  'archive.tab.board': '看板上',
  'archive.tab.archive': '归档',
  'archive.tabs': '显示哪些任务',
  'archive.subtitle': '已完成的任务过一段时间会离开看板并保存在这里：可以搜索、筛选和打开。',
  'archive.search': '搜索归档',
  'archive.searchPlaceholder': '编号或标题中的词',
  'archive.filter.kind': '类型',
  'archive.filter.anyKind': '任意类型',
  'archive.filter.assignee': '负责人',
  'archive.filter.anyone': '任何人',
  'archive.filter.unassigned': '未分配',
  'archive.filter.label': '标签',
  'archive.filter.anyLabel': '任意标签',
  'archive.filter.from': '完成时间起',
  'archive.filter.to': '完成时间止',
  'archive.loading': '正在搜索归档…',
  'archive.count.one': '{count} 个已归档任务',
  'archive.count.other': '{count} 个已归档任务',
  'archive.more': '显示更多',
  'archive.empty.title': '归档中还没有任务',
  'archive.empty.body': '完成、解决或归档超过归档期限的任务会从看板移到这里。',
  'archive.noMatches.title': '没有符合条件的已归档任务',
  'archive.noMatches.body': '试试减少筛选条件或换个关键词。',
  'archive.failed': '无法加载归档：{message}',
  'archive.retry': '重试',
  'archive.col.finished': '完成时间',
  'archive.banner': '已于 {date} 归档。任务在归档中时为只读。',
  'archive.offlineCopy': '离线：显示本设备上次查看此任务时保存的副本。',
  'archive.unarchive': '取消归档',
  'archive.unarchiving': '正在恢复…',
  'archive.unarchived': '已回到看板。',
  'archive.loadingTask': '正在归档中查找…'
};
