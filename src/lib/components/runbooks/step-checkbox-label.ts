/**
 * The screen-reader label of a runbook step's checkbox. tiptap's TaskItem labels it in English
 * ("Task item checkbox for …") unless told otherwise, so the editor and the viewer pass this.
 */
import type { I18n } from '$lib/i18n/i18n.svelte';

/** A label maker for step checkboxes in the current locale, worded as in run mode. */
export function stepCheckboxLabel(t: I18n['t']): (text: string) => string {
  return (text) => {
    const trimmed = text.trim();
    return trimmed === ''
      ? t('runbooks.editor.stepEmpty')
      : t('runMode.stepLabel', { text: trimmed });
  };
}
