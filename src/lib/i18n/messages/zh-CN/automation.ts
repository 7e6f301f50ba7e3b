import type { Translation } from '../types';
import type { automation as en } from '../en/automation';

/** 自动化的简体中文文案，与 en/automation.ts 逐键对应。 */
export const automation: Translation<typeof en> = {
  'nav.automation': '自动化',

  'automation.state.queued': '排队中',
  'automation.state.running': '运行中',
  'automation.state.succeeded': '成功',
  'automation.state.failed': '失败',
  'automation.state.timed_out': '超时',
  'automation.state.cancelled': '已取消',
  'automation.state.interrupted': '已中断',

  'automation.trigger.api': 'API',
  'automation.trigger.task': '任务',
  'automation.trigger.runbook': '运行手册',
  'automation.trigger.change': '变更',
  'automation.trigger.incident': '事件',
  'automation.trigger.schedule': '定时',

  'automation.purpose.implementation': '实施',
  'automation.purpose.rollback': '回滚',
  'automation.purpose.remediation': '修复',

  'automation.log.label': '运行输出',
  'automation.log.status.connecting': '正在连接…',
  'automation.log.status.live': '实时',
  'automation.log.status.reconnecting': '正在重新连接…',
  'automation.log.status.ended': '已结束',
  'automation.log.status.failed': '无法获取输出',
  'automation.log.lines.one': '{count} 行',
  'automation.log.lines.other': '{count} 行',
  'automation.log.follow': '跟随',
  'automation.log.download': '下载',
  'automation.log.failed': '无法读取输出：{message}',
  'automation.log.waiting': '等待输出…',
  'automation.log.noOutput': '本次运行没有任何输出。'
};
