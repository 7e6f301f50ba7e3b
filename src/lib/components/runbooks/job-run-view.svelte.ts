/**
 * The editor's node view of "run job" blocks: a non-editable box with a Svelte component inside
 * (JobRunBlock.svelte), mounted with the editor component's contexts (i18n, workspace) and
 * given the block's attributes as they change. Form controls inside keep their own events, so
 * typing in a parameter field never reaches ProseMirror.
 */
import { mount, unmount } from 'svelte';
import type { NodeViewRenderer } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import JobRunBlock from '$lib/components/automation/JobRunBlock.svelte';
import type { JobRunContext } from '$lib/automation/job-run-context';
import { JOB_RUN_NODE, jobRunAttrs } from '$lib/shared/runbooks/job-run-node';

const INTERACTIVE = 'input, select, textarea, button, a, label, .run-log, [data-interactive]';

/** The node view renderer of `jobRun` for an editor whose page hands `context`. */
export function jobRunView(
  context: JobRunContext,
  contexts: Map<unknown, unknown>
): NodeViewRenderer {
  return ({ node, editor, getPos }) => {
    const dom = document.createElement('div');
    dom.className = 'rb-job-run';
    dom.contentEditable = 'false';
    dom.dataset.jobRun = '';

    let current: PmNode = node;
    let attrs = $state.raw(jobRunAttrs(node.attrs));
    const props = {
      get attrs() {
        return attrs;
      },
      context,
      onChange: (patch: { jobId?: string | null; label?: string; parameters?: string }) => {
        const pos = getPos();
        if (typeof pos !== 'number' || !editor.isEditable) return;
        editor.view.dispatch(
          editor.state.tr.setNodeMarkup(pos, undefined, { ...current.attrs, ...patch })
        );
      }
    };
    const component = mount(JobRunBlock, { target: dom, props, context: contexts });

    return {
      dom,
      update: (next) => {
        if (next.type.name !== JOB_RUN_NODE) return false;
        current = next;
        attrs = jobRunAttrs(next.attrs);
        return true;
      },
      stopEvent: (event) =>
        event.target instanceof Element && event.target.closest(INTERACTIVE) !== null,
      ignoreMutation: () => true,
      destroy: () => {
        void unmount(component);
      }
    };
  };
}
