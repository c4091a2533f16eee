// Groq through groq-sdk: JSON mode for check-ins, streaming for @ai replies. Retries are the queue's job.
import Groq from 'groq-sdk';
import type { CompleteInput, Completion, LlmProvider } from './types.ts';
import type { ChatChunk, ChatResult } from './chat-call.ts';
import { callOnce, streamOnce } from './chat-call.ts';
import { chatRequest } from './chat-request.ts';

export interface GroqConfig {
  apiKey: string;
  model: string;
  baseURL?: string | undefined;
  timeoutMs?: number | undefined;
}

export function createGroqProvider(cfg: GroqConfig): LlmProvider {
  const timeoutMs = cfg.timeoutMs ?? 60_000;
  const client = new Groq({ apiKey: cfg.apiKey, baseURL: cfg.baseURL ?? 'https://api.groq.com', maxRetries: 0, timeout: timeoutMs });
  return {
    name: 'groq',
    model: cfg.model,
    complete(input: CompleteInput): Promise<Completion> {
      return callOnce(input, cfg.model, timeoutMs, async (signal) => {
        const body = chatRequest(cfg.model, input, input.json === true);
        return (await client.chat.completions.create(body, { signal })) as ChatResult;
      });
    },
    stream(input, onDelta) {
      return streamOnce(input, cfg.model, timeoutMs, onDelta, async (signal) => {
        const stream = await client.chat.completions.create({ ...chatRequest(cfg.model, input), stream: true }, { signal });
        return stream as AsyncIterable<ChatChunk>;
      });
    },
  };
}
