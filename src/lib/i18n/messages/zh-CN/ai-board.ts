/** 看板上的预测与指派时的推荐的简体中文消息（docs/zh-CN/ai.md）。 */
import type { Translation } from '../types';
import type { aiBoard as en } from '../en/ai-board';

export const aiBoard = {
  'apiDocs.op.listTaskPredictions': '未完成任务的预计时长与到期风险',
  'aiBoard.short.minutes': '{n}分钟',
  'aiBoard.short.hours': '{n}小时',
  'aiBoard.short.days': '{n}天',
  'aiBoard.chip': '约{p50}（{p10}–{p90}）',
  'aiBoard.chip.label': '预计完成用时：约 {p50}，介于 {p10} 与 {p90} 之间',
  'aiBoard.risk.late': '可能逾期',
  'aiBoard.risk.late.tooltip': '很可能在到期后才完成：p50 {date}',
  'aiBoard.risk.atRisk': '到期有风险',
  'aiBoard.risk.atRisk.tooltip': '可能在到期后才完成：p50 {date}，最坏自创建起 {p90}',
  'aiBoard.option.predictions': '预测',
  'aiBoard.option.predictions.hint': '在卡片上显示预计时长和到期风险',
  'aiBoard.filter.atRisk': '有风险',
  'aiBoard.filter.atRisk.hint': '只看可能逾期的卡片',
  'aiBoard.assign.suggested': '推荐',
  'aiBoard.assign.suggestedLow': '推荐（置信度低）',
  'aiBoard.assign.option': '{name} — {reason} · {confidence}',
  'aiBoard.assign.lowConfidence': '置信度低'
} as const satisfies Translation<typeof en>;
