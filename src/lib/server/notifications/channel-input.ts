/**
 * A setting that names a notification channel (the weekly report's, the anomaly message's):
 * the channel must be one of the workspace's, or the input is refused on its field.
 */
import { DomainError } from '../../shared/model/domain-error';

/** Throws `invalid_input` on `channelId` unless it names a channel of `workspaceId`. */
export async function checkChannelInput(
  channels: { getChannel(workspaceId: string, id: string): Promise<unknown> },
  workspaceId: string,
  channelId: string | null | undefined
): Promise<void> {
  if (!channelId) return;
  try {
    await channels.getChannel(workspaceId, channelId);
  } catch {
    throw new DomainError('invalid_input', 'no such notification channel', {
      details: [{ path: 'channelId', message: 'not a channel of this workspace' }]
    });
  }
}
