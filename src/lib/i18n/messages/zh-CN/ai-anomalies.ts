/** 异常检测的简体中文消息（docs/zh-CN/ai.md，“异常”）：接口、报表与通知。 */
import type { Translation } from '../types';
import type { aiAnomalies as en } from '../en/ai-anomalies';

export const aiAnomalies = {
  'apiDocs.op.listAnomalies': '告警与任务速率中的异常',
  'apiDocs.op.getAnomalySettings': '异常通知设置',
  'apiDocs.op.updateAnomalySettings': '修改异常通知设置',

  'anomalies.series.alerts': '告警',
  'anomalies.series.tasks': '新建任务',
  'anomalies.kind.service': '服务',
  'anomalies.kind.label': '标签',
  'anomalies.band': '{group} 的{series}：{observed}，预期 {expected}',
  'anomalies.heading': '异常',
  'anomalies.hint': '告警或新建任务远多于同一时段通常水平的小时（按服务和标签）。',
  'anomalies.loading': '正在查找异常…',
  'anomalies.none': '此时间范围内没有异常。',
  'anomalies.failed': '无法加载异常。',
  'anomalies.capped': '仅检查了 {total} 个分组中最繁忙的 {evaluated} 个。',
  'anomalies.when': '{start} – {end}',
  'anomalies.score': '评分 {score}',
  'anomalies.drill': '查看条目',

  'anomalies.settings.heading': '异常通知',
  'anomalies.settings.notify': '出现新的异常时发送消息',
  'anomalies.settings.channel': '通知渠道',
  'anomalies.settings.noChannel': '选择渠道',
  'anomalies.settings.locale': '消息语言',
  'anomalies.settings.save': '保存',
  'anomalies.settings.saved': '已保存。',
  'anomalies.settings.failed': '无法保存设置：{message}',

  'notify.anomaly.title': '异常：{group} 的{series}：{observed}，预期 {expected}',
  'notify.anomaly.field.series': '序列',
  'notify.anomaly.field.group': '分组',
  'notify.anomaly.field.start': '开始时间',
  'notify.anomaly.field.score': '评分',
  'channels.event.ai.anomaly': '异常'
} as const satisfies Translation<typeof en>;
