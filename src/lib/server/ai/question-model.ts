/**
 * The optional reader of hard questions (docs/ai-ask.md): when an OpenAI-compatible chat
 * endpoint is configured (e.g. a local Ollama) and the rules found only text in a question, the
 * endpoint is asked to fill the SAME typed query through a JSON schema (`response_format`). Its
 * answer is data: parsed as JSON, checked by `askQuerySchema` and refused when anything is off
 * (a field not in the schema, a value that looks like SQL, a bad date). A refusal, an error or a
 * timeout leaves the rules' query; nothing depends on the endpoint.
 */
import { z } from 'zod';
import { askQuerySchema, type AskQuery } from '../../shared/ai/question';
import type { Logger } from '../log';

/** Where the endpoint is and how long to wait (config.ts `AiChatConfig`). */
export interface ChatEndpoint {
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

/** Largest answer read from the endpoint. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Shapes of SQL (and statement ends) a filter value has no business holding. Ordinary words such
 * as "update" or "select" alone stay allowed (an ops question may say "update nginx").
 */
const SQL_SHAPES = [
  /;|--|\/\*/,
  /\bunion\s+select\b/i,
  /\bunion\s+all\s+select\b/i,
  /\b(?:drop|alter|truncate)\s+(?:table|database|schema)\b/i,
  /\binsert\s+into\b/i,
  /\bdelete\s+from\b/i,
  /\bupdate\s+\S+\s+set\b/i
];

/** Whether `value` looks like SQL: one of `SQL_SHAPES`, or a `select` with a `from` after it. */
function looksLikeSql(value: string): boolean {
  if (SQL_SHAPES.some((shape) => shape.test(value))) return true;
  const select = /\bselect\b/i.exec(value);
  return select !== null && /\bfrom\b/i.test(value.slice(select.index));
}

/** The JSON schema the endpoint answers in: the typed query's fields, nothing else. */
export const MODEL_QUERY_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', description: 'ISO 8601 UTC, inclusive' },
    to: { type: 'string', description: 'ISO 8601 UTC, exclusive' },
    status: { type: 'string', enum: ['open', 'todo', 'in_progress', 'done'] },
    priority: { type: 'string', enum: ['urgent', 'high', 'medium', 'low'] },
    kind: { type: 'string', enum: ['task', 'incident', 'change'] },
    labels: { type: 'array', items: { type: 'string' } },
    cis: { type: 'array', items: { type: 'string' } },
    assignee: { type: 'string', description: 'member name or e-mail, "me" or "none"' },
    text: { type: 'string' }
  }
} as const;

const chatAnswerSchema = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional() }) }))
    .min(1)
});

/** The query in the endpoint's answer text, or null when it is not a clean typed query. */
export function queryOfAnswer(content: string): AskQuery | null {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return null;
  }
  const parsed = askQuerySchema.safeParse(value);
  if (!parsed.success) return null;
  const strings = Object.values(parsed.data).flatMap((v) => (Array.isArray(v) ? v : [v]));
  if (strings.some((v) => typeof v === 'string' && looksLikeSql(v))) return null;
  return parsed.data;
}

/**
 * Asks the endpoint to compile `question`; null on any failure (logged without the key). `now`
 * and `timeZone` are told to it so relative times can be resolved.
 */
export async function modelQuery(
  endpoint: ChatEndpoint,
  question: string,
  context: { now: number; timeZone: string; logger?: Logger; fetch?: typeof fetch }
): Promise<AskQuery | null> {
  const doFetch = context.fetch ?? fetch;
  const system =
    'You turn a question about IT operations work (tasks, incidents, changes) into a JSON ' +
    'filter. Answer with one JSON object following the schema, nothing else. Leave a field out ' +
    'when the question does not say it. Times are ISO 8601 in UTC; now is ' +
    `${new Date(context.now).toISOString()}, the asker's time zone is ${context.timeZone}.`;
  try {
    const response = await doFetch(`${endpoint.url}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {})
      },
      body: JSON.stringify({
        model: endpoint.model,
        temperature: 0,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: question }
        ],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'ask_query', strict: true, schema: MODEL_QUERY_JSON_SCHEMA }
        }
      }),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
      redirect: 'error'
    });
    if (!response.ok) throw new Error(`status ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_ANSWER_BYTES) throw new Error('answer too large');
    const answer = chatAnswerSchema.safeParse(JSON.parse(text));
    const content = answer.success ? answer.data.choices[0]!.message.content : null;
    const query = content ? queryOfAnswer(content) : null;
    if (!query) context.logger?.warn('ai/ask: the chat endpoint answered no valid query');
    return query;
  } catch (error) {
    context.logger?.warn('ai/ask: the chat endpoint failed; the rules’ query is used', {
      error: error instanceof Error ? error.message : String(error)
    });
    return null;
  }
}
