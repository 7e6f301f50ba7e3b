/** 作业运行通知的简体中文消息（docs/zh-CN/automation.md，“通知”）。 */
import type { Translation } from '../types';
import type { automationNotify as en } from '../en/automation-notify';

export const automationNotify = {
  'apiDocs.op.incidentRemediations': '可修复该事件的作业',
  'channels.event.run.succeeded': '作业运行成功',
  'channels.event.run.failed': '作业运行失败（失败、超时、中断）',
  'notify.run.succeeded': '作业运行成功：{job}',
  'notify.run.failed': '作业运行失败：{job}',
  'notify.run.timedOut': '作业运行超时：{job}',
  'notify.run.interrupted': '作业运行中断：{job}',
  'notify.run.cancelled': '作业运行已取消：{job}',
  'notify.run.bySystem': 'Runboard（定时任务或自动修复）',
  'notify.run.field.job': '作业',
  'notify.run.field.requestedBy': '执行人',
  'notify.run.field.trigger': '触发来源',
  'notify.run.field.change': '变更',
  'notify.run.field.duration': '耗时',
  'notify.run.field.exitCode': '退出码',
  'notify.run.field.incident': '事件',
  'notify.run.field.task': '任务',
  'notify.run.field.reason': '原因',
  'notify.run.duration.seconds': '{s} 秒',
  'notify.run.duration.minutes': '{m} 分 {s} 秒',
  'notify.run.duration.hours': '{h} 小时 {m} 分'
} as const satisfies Translation<typeof en>;
