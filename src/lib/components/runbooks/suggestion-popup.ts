/**
 * The small list that pops up while typing `@name` (mention a member) or `#key` (link a task)
 * in the runbook editor: plain DOM built with `textContent` only (item labels are user data),
 * positioned next to the caret with @floating-ui/dom, driven by the keyboard like a listbox.
 */
import { computePosition, flip, offset, shift } from '@floating-ui/dom';
import type { SuggestionOptions, SuggestionProps } from '@tiptap/suggestion';

/** One choice in the popup. */
export interface SuggestionChoice {
  id: string;
  label: string;
  /** Secondary text shown muted after the label (a task key, an e-mail…). */
  detail?: string;
}

/** Builds the `render` option of a tiptap suggestion; `emptyText` shows when nothing matches. */
export function suggestionPopup<T extends SuggestionChoice>(options: {
  emptyText: () => string;
  label: string;
  testId: string;
}): NonNullable<SuggestionOptions<T, T>['render']> {
  return () => {
    let root: HTMLDivElement | null = null;
    let props: SuggestionProps<T, T> | null = null;
    let active = 0;

    const draw = (): void => {
      if (root === null || props === null) return;
      root.replaceChildren();
      if (props.items.length === 0) {
        const empty = document.createElement('p');
        empty.className = 'rb-suggest-empty';
        empty.textContent = options.emptyText();
        root.append(empty);
      }
      props.items.forEach((item, index) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'rb-suggest-item';
        button.setAttribute('role', 'option');
        button.setAttribute('aria-selected', String(index === active));
        button.dataset.testid = `${options.testId}-item`;
        const label = document.createElement('span');
        label.textContent = item.label;
        button.append(label);
        if (item.detail) {
          const detail = document.createElement('span');
          detail.className = 'rb-suggest-detail';
          detail.textContent = item.detail;
          button.append(detail);
        }
        // mousedown, not click: a click would blur the editor and end the suggestion first.
        button.addEventListener('mousedown', (event) => {
          event.preventDefault();
          props?.command(item);
        });
        root?.append(button);
      });
      void place();
    };

    const place = async (): Promise<void> => {
      const rect = props?.clientRect?.();
      if (root === null || !rect) return;
      const reference = { getBoundingClientRect: () => rect };
      const { x, y } = await computePosition(reference, root, {
        placement: 'bottom-start',
        strategy: 'fixed',
        middleware: [offset(6), flip(), shift({ padding: 8 })]
      });
      if (root !== null) Object.assign(root.style, { left: `${x}px`, top: `${y}px` });
    };

    return {
      onStart(next) {
        props = next;
        active = 0;
        root = document.createElement('div');
        root.className = 'rb-suggest';
        root.setAttribute('role', 'listbox');
        root.setAttribute('aria-label', options.label);
        root.dataset.testid = options.testId;
        document.body.append(root);
        draw();
      },
      onUpdate(next) {
        props = next;
        active = Math.min(active, Math.max(0, next.items.length - 1));
        draw();
      },
      onKeyDown({ event }) {
        if (props === null) return false;
        const count = props.items.length;
        if (event.key === 'ArrowDown' && count > 0) {
          active = (active + 1) % count;
          draw();
          return true;
        }
        if (event.key === 'ArrowUp' && count > 0) {
          active = (active - 1 + count) % count;
          draw();
          return true;
        }
        if (event.key === 'Enter' || event.key === 'Tab') {
          const item = props.items[active];
          if (item === undefined) return false;
          props.command(item);
          return true;
        }
        return false;
      },
      onExit() {
        root?.remove();
        root = null;
        props = null;
      }
    };
  };
}
