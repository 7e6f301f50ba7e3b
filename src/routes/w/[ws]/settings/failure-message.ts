/**
 * The message shown when a settings change fails: known API error codes get a sentence of
 * their own, anything else shows the server's message.
 */
import type { I18n } from '$lib/i18n/i18n.svelte';
import { RestError } from '$lib/rest-client';

/** A translated explanation of a failed REST call. */
export function failureMessage(t: I18n['t'], failure: unknown): string {
  if (failure instanceof RestError) {
    if (failure.code === 'last_owner') return t('members.lastOwner');
    if (failure.code === 'forbidden') return t('workspace.error.forbidden');
    if (failure.code === 'network_error') return t('workspace.error.network');
  }
  const message = failure instanceof Error ? failure.message : String(failure);
  return t('workspace.error.failed', { message });
}
