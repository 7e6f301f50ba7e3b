/** English messages of the reports and KPIs (docs/kpis.md): the API reference. */
export const reports = {
  'apiDocs.tag.reports': 'KPIs over a time range, each with its definition (docs/kpis.md).',
  'apiDocs.op.getKpis': 'KPIs over a time range',
  'apiDocs.op.listReportItems': 'The items behind a KPI'
} as const;
