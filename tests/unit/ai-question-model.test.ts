/**
 * The optional chat endpoint of ai/ask (src/lib/server/ai/question-model.ts) against a real
 * HTTP server on port 0 acting as an OpenAI-compatible endpoint: a valid answer becomes the
 * query; garbage, a field outside the schema, SQL-ish values, an error status and a timeout
 * give null (the rules' query stays). The request carries the JSON schema and the key. And the
 * configuration wants URL and model together.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelQuery, queryOfAnswer } from '../../src/lib/server/ai/question-model';
import { loadConfig } from '../../src/lib/server/config';

type Reply = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let url: string;
let reply: Reply = () => {};
const requests: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];

const chat = (content: string): string =>
  JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: JSON.parse(body) as Record<string, unknown> });
      reply(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ask = (question = 'what broke the checkout flow', timeoutMs = 2000) =>
  modelQuery({ url, model: 'qwen2.5:7b', apiKey: 'sk-test', timeoutMs }, question, {
    now: Date.parse('2026-03-18T04:00:00.000Z'),
    timeZone: 'Asia/Shanghai'
  });

const json =
  (status: number, text: string): Reply =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(text);
  };

describe('modelQuery', () => {
  it('uses a valid answer, and asks with the JSON schema, the model and the key', async () => {
    reply = json(
      200,
      chat(
        JSON.stringify({
          kind: 'incident',
          status: 'open',
          from: '2026-03-08T16:00:00.000Z',
          text: 'checkout'
        })
      )
    );
    requests.length = 0;
    expect(await ask()).toEqual({
      kind: 'incident',
      status: 'open',
      from: '2026-03-08T16:00:00.000Z',
      text: 'checkout'
    });
    const [request] = requests;
    expect(request!.headers.authorization).toBe('Bearer sk-test');
    expect(request!.body['model']).toBe('qwen2.5:7b');
    expect(request!.body['response_format']).toMatchObject({
      type: 'json_schema',
      json_schema: { schema: { additionalProperties: false } }
    });
  });

  it('ignores garbage, fields outside the schema and SQL-ish values', async () => {
    for (const content of [
      'SELECT * FROM tasks',
      'not json at all',
      JSON.stringify({ kind: 'incident', sql: 'select * from tasks' }),
      JSON.stringify({ status: 'open; DROP TABLE tasks' }),
      JSON.stringify({ text: "x'; DROP TABLE users; --" }),
      JSON.stringify({ labels: ['db', 'a UNION SELECT password FROM users'] }),
      JSON.stringify({ from: 'last tuesday' })
    ]) {
      reply = json(200, chat(content));
      expect(await ask(), content).toBeNull();
    }
    reply = json(200, '{"choices": []}');
    expect(await ask()).toBeNull();
    reply = json(500, '{"error": "model not loaded"}');
    expect(await ask()).toBeNull();
  });

  it('gives up after the timeout', async () => {
    reply = () => {}; // never answers
    expect(await ask('slow', 300)).toBeNull();
  });

  it('answers null for nothing usable in a text', () => {
    expect(queryOfAnswer('{}')).toEqual({});
    expect(queryOfAnswer('[1,2]')).toBeNull();
  });
});

describe('the chat endpoint configuration', () => {
  it('wants URL and model together, and a known scheme', () => {
    expect(() => loadConfig({ RUNBOARD_AI_CHAT_URL: 'http://127.0.0.1:11434/v1' })).toThrow(
      /RUNBOARD_AI_CHAT_MODEL/
    );
    expect(() =>
      loadConfig({ RUNBOARD_AI_CHAT_URL: 'file:///etc/passwd', RUNBOARD_AI_CHAT_MODEL: 'm' })
    ).toThrow(/RUNBOARD_AI_CHAT_URL/);
    expect(
      loadConfig({
        RUNBOARD_AI_CHAT_URL: 'http://127.0.0.1:11434/v1/',
        RUNBOARD_AI_CHAT_MODEL: 'qwen2.5:7b'
      }).aiChat
    ).toEqual({ url: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b', timeoutMs: 5000 });
    expect(loadConfig({}).aiChat).toBeUndefined();
  });
});

describe('queryOfAnswer', () => {
  it('keeps ordinary ops words that are also SQL words', () => {
    expect(
      queryOfAnswer(JSON.stringify({ text: 'update nginx config after select test' }))
    ).toEqual({
      text: 'update nginx config after select test'
    });
    expect(queryOfAnswer(JSON.stringify({ text: 'select name from users' }))).toBeNull();
  });
});
