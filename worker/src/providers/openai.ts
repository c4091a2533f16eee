// Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp server) through the openai package.
import OpenAI from 'openai';
import type { CompleteInput, Completion, LlmProvider } from './types.ts';
import type { ChatChunk, ChatResult } from './chat-call.ts';
import { callOnce, streamOnce } from './chat-call.ts';
import { chatRequest } from './chat-request.ts';

export interface OpenAiConfig {
  baseURL: string;
  apiKey?: string | undefined;
  model: string;
  timeoutMs?: number | undefined;
  /** Local servers differ in JSON-mode support; off by default, the parser copes with prose. */
  jsonMode?: boolean | undefined;
}

export function createOpenAiProvider(cfg: OpenAiConfig): LlmProvider {
  const timeoutMs = cfg.timeoutMs ?? 60_000;
  // Local servers ignore the key, but the SDK insists on one.
  const client = new OpenAI({ apiKey: cfg.apiKey ?? 'unused', baseURL: cfg.baseURL, maxRetries: 0, timeout: timeoutMs });
  return {
    name: 'openai',
    model: cfg.model,
    complete(input: CompleteInput): Promise<Completion> {
      return callOnce(input, cfg.model, timeoutMs, async (signal) => {
        const body = chatRequest(cfg.model, input, input.json === true && cfg.jsonMode === true);
        return (await client.chat.completions.create(body, { signal })) as ChatResult;
      });
    },
    stream(input, onDelta) {
      return streamOnce(input, cfg.model, timeoutMs, onDelta, async (signal) => {
        const stream = await client.chat.completions.create(
          { ...chatRequest(cfg.model, input), stream: true, stream_options: { include_usage: true } },
          { signal },
        );
        return stream as AsyncIterable<ChatChunk>;
      });
    },
  };
}
