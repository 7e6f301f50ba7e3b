/**
 * The checkable steps of a runbook's content, as run mode lists them: every task item with a
 * step id, in document order, with its text and nesting depth.
 */
import type { Node as PmNode } from '@tiptap/pm/model';

/** One checkable step of a runbook. */
export interface RunbookStep {
  /** The item's stable `stepId`. */
  id: string;
  /** The text of the item's first block. */
  text: string;
  /** How many task items it is nested in. */
  depth: number;
}

/** The task items under `node` in document order (depth counted in task items). */
export function runbookSteps(node: PmNode): RunbookStep[] {
  const found: RunbookStep[] = [];
  const seen = new Set<string>();
  const walk = (parent: PmNode, depth: number): void => {
    parent.forEach((child) => {
      if (child.type.name !== 'taskItem') {
        walk(child, depth);
        return;
      }
      const id: unknown = child.attrs.stepId;
      // An item without an id yet (just typed by someone) gets one from its editor shortly;
      // a duplicate id (a paste being fixed up) is listed once.
      if (typeof id === 'string' && id !== '' && !seen.has(id)) {
        seen.add(id);
        found.push({ id, text: child.firstChild?.textContent ?? '', depth });
      }
      walk(child, depth + 1);
    });
  };
  walk(node, 0);
  return found;
}
