/**
 * A change's plans in its task document (`<ws>.task.<id>`, board/task-doc.ts): the
 * implementation, rollback and test plans are rich text, co-edited like a runbook, each in its
 * own `Y.XmlFragment` beside the task's root map. REST reads and writes them as Markdown through
 * the runbook conversions (runbooks/markdown.ts), so what the editor can hold is what is stored.
 */
import type * as Y from 'yjs';
import {
  docToMarkdown,
  fillXmlFragment,
  markdownToDoc,
  xmlFragmentToJson
} from '../runbooks/markdown';

/** The plans and the fragment each lives in. */
export const CHANGE_PLAN_FRAGMENTS = {
  plan: 'changePlan',
  rollbackPlan: 'changeRollbackPlan',
  testPlan: 'changeTestPlan'
} as const;

export type ChangePlanName = keyof typeof CHANGE_PLAN_FRAGMENTS;
export type ChangePlans = Record<ChangePlanName, string>;

/** Writes the given plans (Markdown) into the task document; absent ones are left as they are. */
export function writeChangePlans(doc: Y.Doc, plans: Partial<ChangePlans>): void {
  doc.transact(() => {
    for (const [name, fragment] of Object.entries(CHANGE_PLAN_FRAGMENTS)) {
      const markdown = plans[name as ChangePlanName];
      if (markdown === undefined) continue;
      fillXmlFragment(doc.getXmlFragment(fragment), markdownToDoc(markdown));
    }
  });
}

/** The plans of a task document as Markdown ('' for an empty one). */
export function readChangePlans(doc: Y.Doc): ChangePlans {
  const out = { plan: '', rollbackPlan: '', testPlan: '' };
  for (const [name, fragment] of Object.entries(CHANGE_PLAN_FRAGMENTS)) {
    const xml = doc.getXmlFragment(fragment);
    out[name as ChangePlanName] = xml.length === 0 ? '' : docToMarkdown(xmlFragmentToJson(xml));
  }
  return out;
}
