/** 远程运行器协议的简体中文消息：API 文档。 */
import type { Translation } from '../types';
import type { automationRunner as en } from '../en/automation-runner';

export const automationRunner = {
  'apiDocs.op.runnerClaim': '领取下一个运行（远程运行器）',
  'apiDocs.op.runnerOutput': '上报运行输出（远程运行器）',
  'apiDocs.op.runnerFinish': '上报运行结果（远程运行器）',
  'apiDocs.op.runnerHeartbeat': '上报仍在进行的运行（远程运行器）'
} as const satisfies Translation<typeof en>;
