/**
 * The built-in runbook templates, as Markdown in each UI language. A new runbook created from a
 * template gets the text of the request's locale; after that it is ordinary content.
 */
import type { Locale } from '../../shared/locale';
import type { RunbookTemplate } from '../../shared/runbooks/schema';

const en: Record<RunbookTemplate, string> = {
  'incident-response': `## Summary

What is broken, who is affected, and since when.

> [!WARNING]
> Declare the incident and name an incident commander before you start changing things.

## Triage

- [ ] Acknowledge the alert and post in the incident channel
- [ ] Check the service dashboard and recent deploys
- [ ] Decide the severity (SEV1–SEV4)

## Mitigation

- [ ] Roll back or disable the recent change if it is the likely cause
- [ ] Scale out or fail over if capacity is the problem
- [ ] Confirm the symptoms are gone

\`\`\`bash
# Useful commands
kubectl -n <namespace> get pods
kubectl -n <namespace> rollout undo deployment/<name>
\`\`\`

## Communication

| When | Who | Where |
| --- | --- | --- |
| Every 30 minutes | Incident commander | Status page |
| On resolution | Incident commander | Incident channel |

## After the incident

- [ ] Write the timeline
- [ ] Schedule the post-incident review
- [ ] Create follow-up tasks
`,
  maintenance: `## Purpose

What this maintenance changes and why.

> [!NOTE]
> Link the change request and the maintenance window here.

## Before

- [ ] Announce the window to affected teams
- [ ] Take a backup and verify it can be restored
- [ ] Check that monitoring is green

## Steps

- [ ] Put the service in maintenance mode
- [ ] Apply the change
- [ ] Run the smoke tests

\`\`\`bash
# Commands for this change
\`\`\`

## Rollback

> [!WARNING]
> Decide the rollback deadline in advance: if the checks are not green by then, roll back.

- [ ] Restore the previous version or configuration
- [ ] Verify the service

## After

- [ ] Take the service out of maintenance mode
- [ ] Announce the end of the window
`,
  'oncall-handover': `## Shift

| | |
| --- | --- |
| Outgoing | @ |
| Incoming | @ |
| Period | |

## Open incidents

- [ ] Review each open incident with the incoming engineer

## Ongoing work and changes

- Changes in progress and their state
- Scheduled maintenance during the next shift

## Noisy alerts

| Alert | Service | Notes |
| --- | --- | --- |
| | | |

## Notes for the next shift

> [!NOTE]
> Anything the next person should watch, and whom to call.

- [ ] Handover confirmed by the incoming engineer
`
};

const zhCN: Record<RunbookTemplate, string> = {
  'incident-response': `## 概述

出了什么问题、影响了谁、从什么时候开始。

> [!WARNING]
> 在动手变更之前，先宣布事件并指定一位事件指挥官。

## 初步排查

- [ ] 确认告警，并在事件频道中同步
- [ ] 查看服务监控面板和最近的发布
- [ ] 确定事件等级（SEV1–SEV4）

## 止损

- [ ] 如果最近的变更是可能原因，先回滚或关闭它
- [ ] 如果是容量问题，扩容或切换到备用节点
- [ ] 确认故障现象已经消失

\`\`\`bash
# 常用命令
kubectl -n <namespace> get pods
kubectl -n <namespace> rollout undo deployment/<name>
\`\`\`

## 沟通

| 时间 | 负责人 | 渠道 |
| --- | --- | --- |
| 每 30 分钟 | 事件指挥官 | 状态页 |
| 恢复后 | 事件指挥官 | 事件频道 |

## 事后

- [ ] 整理时间线
- [ ] 安排事后复盘
- [ ] 创建后续改进任务
`,
  maintenance: `## 目的

本次维护变更什么，以及为什么要做。

> [!NOTE]
> 在这里附上变更单和维护窗口。

## 维护前

- [ ] 通知受影响的团队
- [ ] 完成备份，并确认可以恢复
- [ ] 确认监控全部正常

## 操作步骤

- [ ] 将服务切换到维护模式
- [ ] 执行变更
- [ ] 运行冒烟测试

\`\`\`bash
# 本次变更的命令
\`\`\`

## 回滚

> [!WARNING]
> 提前定好回滚截止时间：到时检查仍未通过，就立即回滚。

- [ ] 恢复到之前的版本或配置
- [ ] 验证服务正常

## 维护后

- [ ] 退出维护模式
- [ ] 通知维护窗口结束
`,
  'oncall-handover': `## 班次

| | |
| --- | --- |
| 交班人 | @ |
| 接班人 | @ |
| 时段 | |

## 未关闭的事件

- [ ] 与接班人逐一过一遍未关闭的事件

## 进行中的工作和变更

- 正在进行的变更及其状态
- 下一班次内计划的维护

## 频繁触发的告警

| 告警 | 服务 | 备注 |
| --- | --- | --- |
| | | |

## 给下一班的备注

> [!NOTE]
> 下一位值班同学需要关注的事项，以及出问题时找谁。

- [ ] 接班人已确认交接
`
};

const templates: Record<Locale, Record<RunbookTemplate, string>> = { en, 'zh-CN': zhCN };

/** The Markdown of a template in `locale`. */
export function templateMarkdown(template: RunbookTemplate, locale: Locale): string {
  return templates[locale][template];
}
