/**
 * 从工作中直接启动自动化运行的中文文案（docs/automation.md）：运行手册里的“运行作业”块，
 * 任务、变更和事件上的运行对话框与运行记录面板，以及它们共用的参数表单。
 */
import type { automationRuns as en } from '../en/automation-runs';
import type { Translation } from '../types';

export const automationRuns: Translation<typeof en> = {
  'automationRuns.loading': '加载中…',
  'automationRuns.jobsFailed': '无法加载作业列表，请检查网络后重试。',
  'automationRuns.noJobs': '此工作区还没有作业。请管理员在“自动化”中添加。',
  'automationRuns.run': '运行',
  'automationRuns.starting': '正在启动…',
  'automationRuns.started': '运行已启动。',
  'automationRuns.openRun': '查看运行详情',
  'automationRuns.cancel': '取消',
  'automationRuns.close': '关闭',
  'automationRuns.dryRun': '试运行（检查模式，不做任何变更）',
  'automationRuns.dryRunHint': 'Ansible 只报告将会变更的内容，不会真正执行变更。',
  'automationRuns.dryRunChip': '试运行',
  'automationRuns.exitCode': '退出码 {code}',
  'automationRuns.noPermission': '只有运维人员和管理员可以运行作业。',
  'automationRuns.requiresChange': '此作业需要已批准的变更，且只能在变更窗口内运行。',
  'automationRuns.system': 'Runboard',

  'automationRuns.block.title': '运行作业',
  'automationRuns.block.insert': '插入“运行作业”块',
  'automationRuns.block.noJob': '尚未选择作业',
  'automationRuns.block.jobMissing': '该作业已不存在',
  'automationRuns.block.edit': '编辑',
  'automationRuns.block.job': '作业',
  'automationRuns.block.pickJob': '选择作业…',
  'automationRuns.block.label': '说明',
  'automationRuns.block.labelHint': '这一步做什么，例如“重启从库”',
  'automationRuns.block.presets': '预设参数（每次运行前仍可修改）',
  'automationRuns.block.save': '保存',
  'automationRuns.block.runHint': '针对某个任务执行此运行手册时，即可在这里运行该作业。',
  'automationRuns.block.startedAt': '启动于 {time}',

  'automationRuns.param.none': '此作业没有参数。',
  'automationRuns.param.choose': '请选择…',
  'automationRuns.param.defaultIs': '默认值：{value}',
  'automationRuns.param.requiredMark': '必填',
  'automationRuns.param.required': '此项必填。',
  'automationRuns.param.wholeNumber': '请输入整数。',
  'automationRuns.param.atLeast': '不能小于 {min}。',
  'automationRuns.param.atMost': '不能大于 {max}。',
  'automationRuns.param.minLength': '至少 {min} 个字符。',
  'automationRuns.param.maxLength': '最多 {max} 个字符。',
  'automationRuns.param.choice': '请从选项中选择一项。',
  'automationRuns.param.boolean': '只能是“是”或“否”。',

  'automationRuns.panel.title': '自动化运行记录',
  'automationRuns.panel.empty': '暂无运行记录。',
  'automationRuns.panel.by': '{name} · {time}',

  'automationRuns.task.runJob': '运行作业',
  'automationRuns.task.dialogTitle': '为此任务运行作业',
  'automationRuns.change.runImplementation': '执行实施',
  'automationRuns.change.runRollback': '执行回退',
  'automationRuns.change.implementationTitle': '运行此变更的实施作业',
  'automationRuns.change.rollbackTitle': '运行此变更的回退作业',
  'automationRuns.change.notReady': '变更获批或已排期后，或在实施过程中，才能为其运行作业。',
  'automationRuns.incident.runRemediation': '执行修复',
  'automationRuns.incident.remediationTitle': '为此事件运行修复作业',
  'automationRuns.incident.proposed': '建议的修复作业',
  'automationRuns.incident.proposedHint': '修复规则与此事件标签相匹配的作业。',
  'automationRuns.incident.automatic': '自动运行',
  'automationRuns.incident.matches': '匹配 {labels}'
};
