/**
 * The embedder the configuration chooses (`RUNBOARD_AI_EMBEDDER`, docs/ai.md): the lexical one
 * by default, a transformers.js model from `MODEL_DIR`, or an OpenAI-compatible endpoint.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AiEmbedder } from './embedder';
import { LexicalEmbedder } from './lexical-embedder';
import { OpenAiEmbedder } from './openai-embedder';
import { TransformersEmbedder } from './transformers-embedder';

/** The embedder settings (config.ts `AiConfig`). */
export type EmbedderChoice =
  | { embedder: 'lexical' }
  | { embedder: 'model'; modelDir: string }
  | { embedder: 'openai'; url: string; model: string; apiKey?: string };

const modelConfigSchema = z.object({ hidden_size: z.number().int().min(1) });

/** The embedder of `choice`; a model folder without a readable `config.json` throws. */
export function createEmbedder(choice: EmbedderChoice = { embedder: 'lexical' }): AiEmbedder {
  switch (choice.embedder) {
    case 'model': {
      const config = modelConfigSchema.parse(
        // eslint-disable-next-line security/detect-non-literal-fs-filename -- MODEL_DIR, set by the operator
        JSON.parse(readFileSync(join(choice.modelDir, 'config.json'), 'utf8'))
      );
      return new TransformersEmbedder({
        modelDir: choice.modelDir,
        dimensions: config.hidden_size
      });
    }
    case 'openai':
      return new OpenAiEmbedder({
        url: choice.url,
        model: choice.model,
        ...(choice.apiKey ? { apiKey: choice.apiKey } : {})
      });
    default:
      return new LexicalEmbedder();
  }
}
