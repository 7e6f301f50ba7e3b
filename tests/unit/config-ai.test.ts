/**
 * The AI embedder's settings (config.ts, docs/ai.md): lexical by default; `model` needs
 * MODEL_DIR and `openai` needs the URL and the model, each refused at start with a readable
 * problem when missing; an unknown embedder or a URL that is not http(s) is refused too.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../src/lib/server/config';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('RUNBOARD_AI_EMBEDDER', () => {
  it('is lexical by default or when blank', () => {
    expect(loadConfig({}).ai).toEqual({ embedder: 'lexical' });
    expect(loadConfig({ RUNBOARD_AI_EMBEDDER: ' ' }).ai).toEqual({ embedder: 'lexical' });
  });

  it('takes a model folder or an OpenAI-compatible endpoint', () => {
    expect(loadConfig({ RUNBOARD_AI_EMBEDDER: 'model', MODEL_DIR: 'models/e5' }).ai).toEqual({
      embedder: 'model',
      modelDir: resolve('models/e5')
    });
    expect(
      loadConfig({
        RUNBOARD_AI_EMBEDDER: 'openai',
        RUNBOARD_AI_EMBEDDINGS_URL: 'http://127.0.0.1:11434/v1',
        RUNBOARD_AI_EMBEDDINGS_MODEL: 'bge-m3',
        RUNBOARD_AI_EMBEDDINGS_API_KEY: 'k'
      }).ai
    ).toEqual({
      embedder: 'openai',
      url: 'http://127.0.0.1:11434/v1',
      model: 'bge-m3',
      apiKey: 'k'
    });
  });

  it('refuses what is missing or wrong, naming it', () => {
    expect(problems({ RUNBOARD_AI_EMBEDDER: 'model' })[0]).toMatch(/^MODEL_DIR: required/);
    expect(problems({ RUNBOARD_AI_EMBEDDER: 'openai' })[0]).toMatch(
      /^RUNBOARD_AI_EMBEDDINGS_URL and RUNBOARD_AI_EMBEDDINGS_MODEL: required/
    );
    expect(problems({ RUNBOARD_AI_EMBEDDER: 'gpt' })[0]).toMatch(/^RUNBOARD_AI_EMBEDDER:/);
    expect(
      problems({ RUNBOARD_AI_EMBEDDER: 'openai', RUNBOARD_AI_EMBEDDINGS_URL: 'ftp://x/v1' })[0]
    ).toMatch(/^RUNBOARD_AI_EMBEDDINGS_URL:/);
  });
});
