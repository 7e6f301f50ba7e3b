/** 时长预测与处理人推荐的简体中文消息（docs/zh-CN/ai-models.md）。 */
import type { Translation } from '../types';
import type { aiPredict as en } from '../en/ai-predict';

export const aiPredict = {
  'apiDocs.op.predictWork': '预测时长并推荐处理人',
  'aiPredict.minutes': '{m} 分钟',
  'aiPredict.hours': '{h} 小时',
  'aiPredict.hoursMinutes': '{h} 小时 {m} 分钟',
  'aiPredict.days': '{d} 天',
  'aiPredict.daysHours': '{d} 天 {h} 小时',
  'aiPredict.title': '智能预测',
  'aiPredict.loading': '正在预测…',
  'aiPredict.failed': '无法预测：{message}',
  'aiPredict.noHistory': '已完成的工作还太少，暂时无法预测。',
  'aiPredict.assign': '指派给 {name}',
  'aiPredict.noSuggestion': '从历史工作中看不出合适人选。',
  'aiPredict.duration': '预计 {p50}（{p10}–{p90}）',
  'aiPredict.duration.basedOn.one': '参考了 {count} 条相似记录',
  'aiPredict.duration.basedOn.other': '参考了 {count} 条相似记录',
  'aiPredict.duration.priorsOnly': '仅依据类型、优先级和标签估算',
  'aiPredict.dueRisk': '可能无法按期完成',
  'aiPredict.suggested': '推荐',
  'aiPredict.confidence': '置信度 {percent}%',
  'aiPredict.reason.resolvedSimilar.one': '处理过 {count} 个类似事项',
  'aiPredict.reason.resolvedSimilar.other': '处理过 {count} 个类似事项',
  'aiPredict.reason.resolvedSimilarTopic.one': '处理过 {count} 个类似的 {topic} 事项',
  'aiPredict.reason.resolvedSimilarTopic.other': '处理过 {count} 个类似的 {topic} 事项',
  'aiPredict.reason.resolvedSimilarIncidents.one': '解决过 {count} 个类似的 {topic} 事件',
  'aiPredict.reason.resolvedSimilarIncidents.other': '解决过 {count} 个类似的 {topic} 事件',
  'aiPredict.reason.onCall': '当前值班',
  'aiPredict.reason.frequent.one': '此前处理过 {count} 个事项',
  'aiPredict.reason.frequent.other': '此前处理过 {count} 个事项',
  'aiPredict.reason.noOpenWork': '手头没有未完成的事项',
  'aiPredict.reason.lightLoad.one': '手头有 {count} 个未完成事项',
  'aiPredict.reason.lightLoad.other': '手头有 {count} 个未完成事项'
} as const satisfies Translation<typeof en>;
