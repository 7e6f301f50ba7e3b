/** English messages of the reports and KPIs (docs/kpis.md): the API reference. */
export const reports = {
  'apiDocs.op.getKpis': 'KPIs over a time range'
} as const;
