import type { Translation } from '../types';
import type { historyImport as en } from '../en/import';

/** Simplified Chinese messages of the history import, key for key as in en/import.ts. */
export const historyImport: Translation<typeof en> = {
  'import.row.tooManyErrors': '问题超过 {max} 处；请先修正这些，再导入以查看其余问题。',
  'import.row.emptyFile': '文件中没有任何条目。',
  'import.row.tooManyRows': '文件中的条目超过 {max} 条，请拆分成较小的文件。',
  'import.row.csvStrayQuote':
    '未加引号的字段中出现了引号；请给整个字段加上引号，并把其中的引号写两遍。',
  'import.row.csvUnclosedQuote': '从这里开始的带引号字段没有结束引号。',
  'import.row.csvMissingColumn': '表头缺少“{column}”列。请在 Jira 中用“导出 CSV（所有字段）”导出。',
  'import.row.csvColumnCount': '这一行有 {found} 个字段，而表头只有 {expected} 个。',
  'import.row.missingField': '缺少“{field}”。',
  'import.row.badDate':
    '“{field}”中的“{value}”不是日期。请使用 ISO 8601（2024-03-12T09:15:00Z）或 Jira 的 12/Mar/24 9:15 AM 格式。',
  'import.row.unknownPriority':
    '未知的优先级“{value}”。可用：Highest、High、Medium、Low、Lowest（或 urgent、high、medium、low、none）。',
  'import.row.tooManyLabels': '标签超过 {max} 个。',
  'import.row.jsonSyntax': '文件不是有效的 JSON：{reason}',
  'import.row.runboardShape': '应为条目数组（见 docs/zh-CN/import.md）。',
  'import.row.unknownField': '未知字段“{field}”。',
  'import.row.badField': '“{field}”的值类型或长度不对。',
  'import.row.trelloShape': '这不是 Trello 看板导出文件：应为包含“lists”和“cards”的对象。',
  'import.row.trelloCard': '这张卡片缺少 id、名称或所在列表。',
  'import.row.trelloUnknownList': '卡片位于列表“{list}”，但导出文件中没有这个列表。',
  'import.row.unknownStatus':
    '看板上没有与状态“{status}”对应的列。现有的列：{columns}；也可以使用 todo、in_progress、done。',
  'import.row.finishedWithoutTime': '该条目已完成，但没有 doneAt 或 resolvedAt；请给出完成时间。',
  'import.row.openButDone': '状态“{status}”不是完成列，但条目带有完成或解决时间。',
  'import.row.timeInFuture': '“{field}”是将来的时间。',
  'import.row.timeBeforeCreated': '“{field}”早于条目的创建时间。',
  'import.row.assigneeNotMember':
    '{email} 已有账号，但不是此工作区的成员；请先把对方加入工作区，或把负责人留空。',
  'import.row.assigneeAmbiguous': '有多位成员叫“{name}”；请用邮箱指定负责人。',

  'import.title': '导入历史数据',
  'import.body':
    '从 Jira、Trello 或 runboard-json 文件导入过去的任务和事件，连同各个时间点和负责人一起导入，报表和智能建议即可立刻从中学习。已完成的条目直接进入归档，未完成的放到看板上。',
  'import.format': '格式',
  'import.format.jira-csv': 'Jira CSV（导出 CSV，所有字段）',
  'import.format.trello-json': 'Trello 看板 JSON',
  'import.format.runboard-json': 'runboard-json',
  'import.timeZone': '不带时区的日期按此时区解读',
  'import.timeZone.hint': 'Jira 按导出人所在的时区写时间。',
  'import.file': '文件',
  'import.file.drop': '把文件拖到这里，或',
  'import.file.choose': '选择文件',
  'import.file.chosen': '{name}（{size}）',
  'import.file.tooLarge': '文件超过 {max}。',
  'import.preview': '检查文件',
  'import.preview.title': '预览',
  'import.preview.total.one': '共 {count} 条：{archived} 条进入归档，{live} 条放到看板',
  'import.preview.total.other': '共 {count} 条：{archived} 条进入归档，{live} 条放到看板',
  'import.preview.kinds': '任务 {task} · 事件 {incident} · 变更 {change}',
  'import.preview.byStatus': '按列统计：{columns}',
  'import.preview.newMembers': '将新建的停用成员（无法登录）：{names}',
  'import.preview.newLabels': '将新建的标签：{names}',
  'import.preview.sample': '前几条',
  'import.preview.errors.one': '发现 1 处问题：修正之前不会导入任何内容',
  'import.preview.errors.other': '发现 {count} 处问题：修正之前不会导入任何内容',
  'import.preview.ok': '没有发现问题。',
  'import.column.row': '行',
  'import.column.message': '问题',
  'import.column.title': '标题',
  'import.column.kind': '类型',
  'import.column.status': '列',
  'import.column.assignee': '负责人',
  'import.column.created': '创建时间',
  'import.column.done': '完成时间',
  'import.confirm.one': '导入 {count} 条',
  'import.confirm.other': '导入 {count} 条',
  'import.reset': '重新开始',
  'import.progress.uploading': '正在上传…… {percent}%',
  'import.progress.checking': '正在检查文件……',
  'import.progress.importing': '正在写入……',
  'import.result.title': '导入完成',
  'import.result.summary':
    '已导入 {imported} 条（{firstKey} – {lastKey}）：归档 {archived} 条，看板 {live} 条，事件 {incidents} 个，新成员 {members} 位。',
  'import.result.archive': '打开归档',
  'import.result.board': '打开看板',
  'import.failed': '导入失败：{message}',

  'apiDocs.tag.import': '从 Jira、Trello 和 runboard-json 导入历史数据，支持预览（仅管理员）。',
  'apiDocs.op.importHistory': '导入历史数据（Jira、Trello、runboard-json）',

  'audit.group.import': '历史导入',
  'audit.action.import.completed': '导入了历史数据',
  'audit.action.import.member_created': '导入时创建了停用成员',
  'audit.sentence.import.completed.one': '{actor} 从 {format} 导入了 {count} 条',
  'audit.sentence.import.completed.other': '{actor} 从 {format} 导入了 {count} 条',
  'audit.sentence.import.member_created':
    '{actor} 导入的历史记录分配给了 {member}，已将其添加为停用成员'
};
