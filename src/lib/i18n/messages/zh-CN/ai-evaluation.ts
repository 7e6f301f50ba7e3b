/** AI 在工作区自身历史上的自我评估的简体中文消息（docs/zh-CN/ai-models.md“用自己的数据评估”）。 */
import type { Translation } from '../types';
import type { aiEvaluation as en } from '../en/ai-evaluation';

export const aiEvaluation = {
  'apiDocs.op.startAiEvaluation': '用工作区自己的历史评估 AI',
  'apiDocs.op.getAiEvaluation': 'AI 在工作区自身历史上的评估结果',

  'aiEval.link': '用本工作区的数据评估 AI',
  'aiEval.eyebrow': '设置 · AI',
  'aiEval.title': '用自己的数据评估',
  'aiEval.intro':
    '按时间顺序重放本工作区已完成的工作：模型从过去学习，再用之后发生的工作检验，并与简单基线比较。由此可知这里的建议有多可信。',
  'aiEval.back': '返回设置',
  'aiEval.forbidden.title': '只有管理员可以评估 AI',
  'aiEval.forbidden.body': '请让本工作区的管理员或所有者运行评估。你的角色没有此权限。',
  'aiEval.run': '运行评估',
  'aiEval.running': '运行中…',
  'aiEval.rerun': '重新运行',
  'aiEval.split': '检验从此日期起创建的工作',
  'aiEval.splitHint': '可选。留空时，用已完成工作的最后四分之一做检验，其余用于学习。',
  'aiEval.phase.reading': '正在读取历史…',
  'aiEval.phase.embedding': '正在向量化文本：{done} / {total}',
  'aiEval.phase.replaying': '正在按时间顺序重放：{percent}%',
  'aiEval.empty': '尚未运行。历史较大时需要几秒到几分钟，期间服务器照常响应。',
  'aiEval.tooLittle':
    '已完成的工作太少，暂时无法评估。评估至少需要 {needed} 个已完成的任务和事件，其中分割点之前至少 {perSide} 个、之后至少 {perSide} 个。本工作区有 {found} 个（之前 {before} 个，之后 {after} 个）。',
  'aiEval.tooLittleHint': '请先导入过去的工作（设置 → 历史导入），或完成更多工作。',
  'aiEval.failed': '评估失败：{message}',
  'aiEval.loadFailed': '无法加载评估结果。',
  'aiEval.ran': '上次运行：{when}',
  'aiEval.items': '历史事项',
  'aiEval.trained': '用于学习',
  'aiEval.tested': '用于检验',
  'aiEval.splitAt': '分割日期',
  'aiEval.splitDefault': '最后四分之一',
  'aiEval.splitChosen': '手动选择',
  'aiEval.baseline': '基线',
  'aiEval.model': '模型',

  'aiEval.similar.title': '相似工作',
  'aiEval.similar.recall': 'recall@5',
  'aiEval.similar.cross': '中英文之间的 recall@5',
  'aiEval.similar.how':
    '命中：最相似的五个较早事项中，有一个类型相同、标签完全相同。标签打得越一致，这个数字越准确。',
  'aiEval.similar.queries.one': '基于 {count} 个事项',
  'aiEval.similar.queries.other': '基于 {count} 个事项',
  'aiEval.similar.none': '检验期内没有带标签的事项：相似工作按标签评分，因此这里无法判断。',

  'aiEval.duration.title': '时长',
  'aiEval.duration.mae': '预测误差（MAE）',
  'aiEval.duration.baseline': '中位时长的误差',
  'aiEval.duration.ratio': '比值（目标 ≤ 0.7）',
  'aiEval.duration.calibration': '实际时长落在 p10–p90 内的比例（理想 0.8）',
  'aiEval.duration.scored.one': '基于 {count} 个已完成事项',
  'aiEval.duration.scored.other': '基于 {count} 个已完成事项',

  'aiEval.assignee.title': '处理人',
  'aiEval.assignee.top1': '首选即正确（top-1）',
  'aiEval.assignee.top3': '前三名中有正确的人（top-3）',
  'aiEval.assignee.baselineNote': '基线：至今最常被指派的人。',
  'aiEval.assignee.scored.one': '基于 {count} 个已指派事项',
  'aiEval.assignee.scored.other': '基于 {count} 个已指派事项',

  'aiEval.verdict.duration.trust': '比基线好 {percent}%——可以信任时长范围。',
  'aiEval.verdict.duration.hint': '比基线好 {percent}%——时长范围仅作粗略参考。',
  'aiEval.verdict.duration.ignore': '尚未超过基线——请忽略时长建议。',
  'aiEval.verdict.duration.unknown': '检验期内没有已完成的工作，无法判断。',
  'aiEval.verdict.assignee.trust':
    '正确的人出现在前三名中的比例为 {top3}，基线为 {baseline}——可以信任处理人建议。',
  'aiEval.verdict.assignee.hint':
    '正确的人出现在前三名中的比例为 {top3}，基线为 {baseline}——处理人建议仅作参考。',
  'aiEval.verdict.assignee.ignore': '尚未超过基线（{top3}，基线 {baseline}）——请忽略处理人建议。',
  'aiEval.verdict.assignee.unknown': '检验期内没有已指派的工作，无法判断。',
  'aiEval.verdict.similar.trust': '{percent}% 的情况下能找到相关的过往工作——可以信任相似事项。',
  'aiEval.verdict.similar.hint':
    '{percent}% 的情况下能找到相关的过往工作——使用相似事项前请先核对。',
  'aiEval.verdict.similar.ignore':
    '只有 {percent}% 的情况下能找到相关的过往工作——暂时请忽略相似事项。',
  'aiEval.calibration.good': '时长范围校准良好。',
  'aiEval.calibration.narrow': '时长范围太窄：落在范围外的实际时长比应有的多。',
  'aiEval.calibration.wide': '时长范围比需要的宽。'
} as const satisfies Translation<typeof en>;
