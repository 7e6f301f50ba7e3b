import { describe, expect, test } from 'vitest';
import { templateMarkdown } from '../../src/lib/server/runbooks/templates';
import { docToMarkdown, markdownToDoc } from '../../src/lib/shared/runbooks/markdown';
import { runbookTemplateSchema } from '../../src/lib/shared/runbooks/schema';
import { LOCALES } from '../../src/lib/shared/locale';

describe('runbook templates', () => {
  for (const locale of LOCALES) {
    for (const template of runbookTemplateSchema.options) {
      test(`${template} (${locale}) parses into steps, a callout and a table`, () => {
        const doc = markdownToDoc(templateMarkdown(template, locale));
        const types = (doc.content ?? []).map((node) => node.type);
        expect(types).toContain('heading');
        expect(types).toContain('taskList');
        expect(types).toContain('callout');
        if (template !== 'maintenance') expect(types).toContain('table');
        // Stable under a round trip, so an exported template imports unchanged.
        expect(docToMarkdown(markdownToDoc(docToMarkdown(doc)))).toBe(docToMarkdown(doc));
      });
    }
  }

  test('the two languages have the same structure', () => {
    for (const template of runbookTemplateSchema.options) {
      const shape = (locale: (typeof LOCALES)[number]) =>
        (markdownToDoc(templateMarkdown(template, locale)).content ?? []).map((n) => n.type);
      expect(shape('zh-CN')).toEqual(shape('en'));
    }
  });
});
