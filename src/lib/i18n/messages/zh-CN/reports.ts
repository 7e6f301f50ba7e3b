/** 报表与 KPI 的简体中文消息（docs/zh-CN/kpis.md）：API 参考。 */
import type { Translation } from '../types';
import type { reports as en } from '../en/reports';

export const reports = {
  'apiDocs.tag.reports': '时间范围内的 KPI 指标，每项附带其定义（docs/zh-CN/kpis.md）。',
  'apiDocs.op.getKpis': '时间范围内的 KPI 指标',
  'apiDocs.op.listReportItems': 'KPI 背后的条目（下钻明细）'
} as const satisfies Translation<typeof en>;
