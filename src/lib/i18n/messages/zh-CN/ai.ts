/** 本地 AI 的简体中文消息（docs/zh-CN/ai.md）：相似工作、"上次发生时"、索引设置。 */
import type { Translation } from '../types';
import type { ai as en } from '../en/ai';

export const ai = {
  'apiDocs.tag.ai': '本地 AI：跨中英文查找相似工作，以及它的索引（docs/zh-CN/ai.md）。',
  'apiDocs.op.findSimilar': '与一段文字相似的条目',
  'apiDocs.op.getLastTime': '上次发生时',
  'apiDocs.op.getAiIndex': 'AI 索引及其重建进度',
  'apiDocs.op.rebuildAiIndex': '重建 AI 索引',

  'ai.similar.heading': '相似工作',
  'ai.similar.createHeading': '相似的进行中与历史工作',
  'ai.similar.loading': '正在查找相似工作…',
  'ai.similar.none': '没有找到相似的工作。',
  'ai.similar.failed': '无法加载相似工作。',
  'ai.similar.duplicate': '可能重复：{title}',
  'ai.similar.duplicateHint': '相似度 {score}。新建之前请先确认一下。',
  'ai.similar.score': '相似度 {score}',
  'ai.type.task': '任务',
  'ai.type.incident': '事件',
  'ai.type.runbook': '运行手册',
  'ai.type.ci': '配置项',
  'ai.status.open': '进行中',
  'ai.status.done': '已完成',
  'ai.status.archived': '已归档',

  'ai.lastTime.heading': '上次发生时',
  'ai.lastTime.resolvedBy': '{name} 解决了 {incident}，用时 {duration}。',
  'ai.lastTime.resolvedByNobody': '{incident} 在 {duration} 后恢复（告警自动消除）。',
  'ai.lastTime.runbooks': '使用的运行手册：',
  'ai.lastTime.noRunbook': '当时没有关联运行手册。',
  'ai.lastTime.none': '之前没有解决过类似的事件。',
  'ai.duration.minutes': '{minutes} 分钟',
  'ai.duration.hours': '{hours} 小时 {minutes} 分钟',
  'ai.duration.days': '{days} 天 {hours} 小时',

  'ai.settings.title': 'AI',
  'ai.settings.body':
    'Runboard 会把新工作与本工作区的任务、事件、运行手册和配置项（包括已归档的）进行比对。全部计算都在本服务器上完成；除非配置了向量接口，否则不会向外发送任何内容。',
  'ai.settings.embedder': '向量模型',
  'ai.settings.items': '已索引条目',
  'ai.settings.stale': '等待重新计算',
  'ai.settings.threshold': '重复提示的相似度阈值',
  'ai.settings.rebuild': '重建索引',
  'ai.settings.rebuildHint':
    '重新计算所有条目的向量。只有在修改术语表或更换模型后才需要；日常变更会自动索引。',
  'ai.settings.progress': '正在重建：{done} / {total}',
  'ai.settings.starting': '正在读取条目…',
  'ai.settings.done': '重建完成：共计算 {total} 个条目。',
  'ai.settings.failed': '重建失败：{message}',
  'ai.settings.loadFailed': '无法加载索引信息。'
} as const satisfies Translation<typeof en>;
