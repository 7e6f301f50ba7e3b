/**
 * Chat buttons that call back (docs/notifications.md): what Slack (an interactivity request, the
 * form field `payload`) and Mattermost (a message action, JSON) post when a button of a
 * Runboard message is pressed, and the answer each expects. The button carries a signed,
 * expiring token (auth/signed-token.ts) that is its only authority; what it may do is the
 * caller's to check: the incidents' Acknowledge (`/hooks/chat-ack`) and the changes'
 * Approve/Reject (`/hooks/chat-approve`) share this.
 */
import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { ApiError } from './errors';
import { parsePart, readBodyBytes } from './operation';

/** What Slack (form field `payload`) and Mattermost (JSON) post when the button is pressed. */
const chatActionBodySchema = z.union([
  z.object({
    context: z.object({ token: z.string().min(1).max(2000) }),
    user_name: z.string().max(200).optional()
  }),
  z.object({
    actions: z.array(z.object({ value: z.string().min(1).max(2000) })).min(1),
    user: z.object({
      username: z.string().max(200).optional(),
      name: z.string().max(200).optional()
    }),
    response_url: z.string().max(2000).optional()
  })
]);

/** A pressed button: its token, who pressed it (their chat name), and how to answer. */
export interface ChatAction {
  token: string;
  user: string;
  /** Mattermost (a `context`) rather than Slack. */
  mattermost: boolean;
  /** Slack's `response_url`, where a reply to the press is posted. */
  responseUrl?: string;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'syntax error';
    throw new ApiError(400, 'invalid_json', `the request body is not valid JSON: ${reason}`);
  }
}

/** Reads a button press (400 when it is neither Slack's nor Mattermost's). */
export async function readChatAction(request: Request): Promise<ChatAction> {
  const bytes = await readBodyBytes(request, 64 * 1024);
  const text = new TextDecoder().decode(bytes);
  const form = (request.headers.get('content-type') ?? '').includes(
    'application/x-www-form-urlencoded'
  );
  const raw: unknown = form
    ? parseJson(new TextEncoder().encode(new URLSearchParams(text).get('payload') ?? ''))
    : parseJson(bytes);
  const body = parsePart(chatActionBodySchema, raw, 'request body') as z.output<
    typeof chatActionBodySchema
  >;
  if ('context' in body) {
    return { token: body.context.token, user: body.user_name ?? '?', mattermost: true };
  }
  return {
    token: body.actions[0]!.value,
    user: body.user.username ?? body.user.name ?? '?',
    mattermost: false,
    ...(body.response_url ? { responseUrl: body.response_url } : {})
  };
}

/** The chat's name for a token's `via` claim. */
export function chatName(via: string): string {
  return via === 'slack' ? 'Slack' : via === 'mattermost' ? 'Mattermost' : via;
}

/** Answers a button press with `message`, in the chat's shape. */
export function chatActionReply(action: ChatAction, message: string): Response {
  // Slack shows a reply to a button press only when it is posted to the press's response_url.
  if (action.responseUrl?.startsWith('https://hooks.slack.com/')) {
    void fetch(action.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: message, replace_original: false, response_type: 'ephemeral' }),
      signal: AbortSignal.timeout(5_000)
    }).catch(() => undefined);
  }
  return json(
    action.mattermost
      ? { update: { message }, ephemeral_text: message }
      : { text: message, replace_original: false, response_type: 'in_channel' },
    { headers: { 'cache-control': 'no-store' } }
  );
}
