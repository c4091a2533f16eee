// Shared call/stream handling for the OpenAI-shaped chat APIs (groq-sdk and openai share it).
import type { CompleteInput, Completion } from './types.ts';
import { estimateTokens, LlmError } from './types.ts';
import { toLlmError } from './sdk-error.ts';

export interface Usage {
  prompt_tokens?: number | undefined;
  completion_tokens?: number | undefined;
}

export interface ChatResult {
  model?: string | undefined;
  choices: { message?: { content?: string | null | undefined } | undefined }[];
  usage?: Usage | null | undefined;
}

export interface ChatChunk {
  model?: string | undefined;
  choices: { delta?: { content?: string | null | undefined } | undefined }[];
  usage?: Usage | null | undefined;
  x_groq?: { usage?: Usage | null | undefined } | undefined;
}

/** Combine the caller's signal with a per-request timeout. */
export function withTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const t = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, t]) : t;
}

/** Our own timeout fired (not the caller's abort): report it as a timeout whatever the SDK threw. */
function mapError(err: unknown, input: CompleteInput, signal: AbortSignal): LlmError {
  if (signal.aborted && !input.signal?.aborted) return new LlmError('timeout', 'LLM request timed out', { cause: err });
  return toLlmError(err, input.signal);
}

export async function callOnce(input: CompleteInput, fallbackModel: string, timeoutMs: number, run: (signal: AbortSignal) => Promise<ChatResult>): Promise<Completion> {
  const signal = withTimeout(input.signal, timeoutMs);
  let res: ChatResult;
  try {
    res = await run(signal);
  } catch (err) {
    throw mapError(err, input, signal);
  }
  const text = res.choices[0]?.message?.content ?? '';
  return {
    text,
    model: res.model ?? fallbackModel,
    inputTokens: res.usage?.prompt_tokens ?? estimateTokens(input.system + input.user),
    outputTokens: res.usage?.completion_tokens ?? estimateTokens(text),
  };
}

export async function streamOnce(
  input: CompleteInput,
  fallbackModel: string,
  timeoutMs: number,
  onDelta: (text: string) => void,
  open: (signal: AbortSignal) => Promise<AsyncIterable<ChatChunk>>,
): Promise<Completion> {
  const signal = withTimeout(input.signal, timeoutMs);
  let text = '';
  let model = fallbackModel;
  let usage: Usage | null | undefined;
  try {
    for await (const chunk of await open(signal)) {
      model = chunk.model ?? model;
      usage = chunk.usage ?? chunk.x_groq?.usage ?? usage;
      const delta = chunk.choices[0]?.delta?.content;
      if (delta) {
        text += delta;
        onDelta(delta);
      }
    }
  } catch (err) {
    throw mapError(err, input, signal);
  }
  if (input.signal?.aborted) throw new LlmError('aborted', 'stream aborted');
  return {
    text,
    model,
    inputTokens: usage?.prompt_tokens ?? estimateTokens(input.system + input.user),
    outputTokens: usage?.completion_tokens ?? estimateTokens(text),
  };
}
