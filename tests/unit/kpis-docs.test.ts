/**
 * docs/kpis.md and docs/zh-CN/kpis.md state every report figure's definition word for word as
 * the code has it (shared/reports/kpi-definitions.ts), with its id; and the figures that have a
 * metric use that metric's definition, so the API, the HELP line and the docs cannot drift.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KPI_DEFINITIONS, REPORT_FIGURES } from '../../src/lib/shared/reports/kpi-definitions';

const docs = {
  en: readFileSync('docs/kpis.md', 'utf8'),
  'zh-CN': readFileSync('docs/zh-CN/kpis.md', 'utf8')
} as const;

describe('docs/kpis.md', () => {
  it.each(REPORT_FIGURES.map((figure) => [figure.id, figure] as const))(
    '%s: its definition text in both languages',
    (id, figure) => {
      for (const lang of ['en', 'zh-CN'] as const) {
        expect(docs[lang], `${lang} ${id}`).toContain(`\`${id}\``);
        expect(docs[lang], `${lang} ${id}`).toContain(figure.text[lang]);
      }
    }
  );

  it('shares the metric definitions with /metrics', () => {
    for (const figure of REPORT_FIGURES.filter((f) => f.metric !== null)) {
      const metric = KPI_DEFINITIONS.find((d) => d.metric === figure.metric);
      expect(metric?.text).toEqual(figure.text);
    }
    expect(new Set(REPORT_FIGURES.map((f) => f.id)).size).toBe(REPORT_FIGURES.length);
  });
});
