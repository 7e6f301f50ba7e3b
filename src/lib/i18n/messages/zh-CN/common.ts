import type { Translation } from '../types';
import type { common as en } from '../en/common';

/**
 * Simplified Chinese messages for what every page shares: the app shell, language, sync status,
 * navigation, presence, task kinds and priorities, error page, key for key as in en/common.ts.
 */
export const common: Translation<typeof en> = {
  'app.name': 'Runboard',
  'app.skipToContent': '跳到主要内容',
  'app.mainNav': '主导航',

  'locale.label': '语言',
  'locale.en': 'EN',
  'locale.zh-CN': '中文',
  'locale.en.name': 'English',
  'locale.zh-CN.name': '简体中文',

  'sync.connecting': '正在连接…',
  'sync.online': '在线',
  'sync.syncing': '正在同步…',
  'sync.offline': '离线',
  'sync.refused': '连接被拒绝',
  'sync.pending.one': '{count} 项更改待同步',
  'sync.pending.other': '{count} 项更改待同步',
  'sync.statusLabel': '连接状态：{state}',
  'sync.statusLabelOf': '{subject}连接状态：{state}',
  'sync.offlineHint': '当前处于离线状态。更改会保存在本设备上，恢复连接后自动同步。',
  'sync.refusedHint': '服务器拒绝了此看板的连接（{reason}）。请刷新页面重试。',
  'sync.reload': '刷新',

  'nav.workspace': '工作区',
  'nav.board': '看板',
  'nav.list': '列表',
  'nav.myTasks': '我的任务',
  'nav.settings': '设置',
  'presence.viewing.one': '另有 {count} 人在此：{names}',
  'presence.viewing.other': '另有 {count} 人在此：{names}',

  'kind.task': '任务',
  'kind.incident': '事件',
  'kind.change': '变更',

  'priority.urgent': '紧急',
  'priority.high': '高',
  'priority.medium': '中',
  'priority.low': '低',
  'priority.none': '无优先级',

  'task.key': '编号',
  'task.kind': '类型',
  'task.priority': '优先级',
  'task.labels': '标签',
  'task.assignee': '负责人',
  'task.unassigned': '未分配',
  'task.due': '{date} 截止',
  'task.overdue': '已逾期（{date} 截止）',

  'error.title': '出错了',
  'error.notFound': '页面不存在。',
  'error.code': '错误 {status}',
  'error.home': '前往看板'
};
