import { describe, expect, it } from 'vitest';
import { runbookOutline } from '../../src/lib/components/runbooks/runbook-outline';
import { markdownToDoc, runbookSchema } from '../../src/lib/shared/runbooks/markdown';

function docOf(markdown: string) {
  return runbookSchema().nodeFromJSON(markdownToDoc(markdown));
}

const RUNBOOK = `# Restore PostgreSQL

Intro.

## Before you start

- [ ] Page the owner

### Check backups

\`\`\`bash
# not a heading
ls /backups
\`\`\`

## Restore

> [!NOTE]
> Quoted text.

##

## 恢复之后
`;

describe('runbookOutline', () => {
  it('lists the headings in order with their level, skipping empty ones and code', () => {
    const outline = runbookOutline(docOf(RUNBOOK));
    expect(outline.map(({ level, text }) => [level, text])).toEqual([
      [1, 'Restore PostgreSQL'],
      [2, 'Before you start'],
      [3, 'Check backups'],
      [2, 'Restore'],
      [2, '恢复之后']
    ]);
  });

  it('gives positions where the heading nodes are', () => {
    const doc = docOf(RUNBOOK);
    for (const entry of runbookOutline(doc)) {
      const node = doc.nodeAt(entry.pos);
      expect(node?.type.name).toBe('heading');
      expect(node?.textContent).toBe(entry.text);
    }
  });

  it('leaves out a first heading that repeats the title, and nothing else', () => {
    const doc = docOf(RUNBOOK);
    expect(runbookOutline(doc, 'Restore PostgreSQL ')[0]?.text).toBe('Before you start');
    expect(runbookOutline(doc, 'Restore')[0]?.text).toBe('Restore PostgreSQL');
    expect(runbookOutline(docOf('Just text.\n'), 'Anything')).toEqual([]);
  });
});
