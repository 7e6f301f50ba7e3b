/** Simplified Chinese text of outgoing messages, key for key as in en/notify.ts. */
import type { Translation } from '../types';
import type { notify as en } from '../en/notify';

export const notify: Translation<typeof en> = {
  'notify.incident.opened': '事件 {ref} 已触发：{title}',
  'notify.incident.acknowledged': '事件 {ref} 已由 {actor} 确认：{title}',
  'notify.incident.resolved': '事件 {ref} 已解决：{title}',
  'notify.incident.resolvedAutomatically': '事件 {ref} 已解决（告警已恢复）：{title}',
  'notify.incident.reopened': '事件 {ref} 再次告警，已重新打开：{title}',
  'notify.incident.closed': '事件 {ref} 已由 {actor} 关闭：{title}',
  'notify.incident.escalated': '事件 {ref} 尚未确认：呼叫 {people}（第 {step} 级）：{title}',
  'notify.incident.escalatedToChannel': '事件 {ref} 尚未确认（第 {step} 级）：{title}',
  'notify.field.severity': '严重级别',
  'notify.field.state': '状态',
  'notify.field.workspace': '工作区',
  'notify.field.labels': '标签',
  'notify.field.comment': '备注',
  'notify.field.runbook': '运行手册',
  'notify.field.source': '来源',
  'notify.severity.critical': '紧急',
  'notify.severity.high': '高',
  'notify.severity.warning': '警告',
  'notify.severity.info': '提示',
  'notify.state.triggered': '已触发',
  'notify.state.acknowledged': '已确认',
  'notify.state.resolved': '已解决',
  'notify.state.closed': '已关闭',
  'notify.action.open': '在 Runboard 中打开',
  'notify.action.acknowledge': '确认',
  'notify.ack.done': '{user} 已在 {via} 中确认事件 {ref}。',
  'notify.ack.already': '事件 {ref} 已经是「{state}」状态。',
  'notify.ack.invalid': '此按钮已失效，请在 Runboard 中打开事件。',
  'notify.actor.server': 'Runboard',
  'notify.test.title': '来自 Runboard 的测试消息',
  'notify.test.body': '看到这条消息，说明工作区 {workspace} 的渠道「{name}」可以正常使用。'
};
