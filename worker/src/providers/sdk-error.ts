// Map groq-sdk / openai SDK errors (same Stainless shape) to typed LlmErrors for the job queue.
import { LlmError } from './types.ts';
import { retryAfterMs } from './retry-after.ts';

interface SdkLikeError {
  name?: unknown;
  status?: unknown;
  headers?: unknown;
  message?: unknown;
}

function headersOf(e: SdkLikeError): { get(name: string): string | null } | undefined {
  const h = e.headers;
  return h && typeof (h as Headers).get === 'function' ? (h as Headers) : undefined;
}

export function toLlmError(err: unknown, signal?: AbortSignal): LlmError {
  if (err instanceof LlmError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkLikeError;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (signal?.aborted) return new LlmError('aborted', 'request aborted', { cause: err });
  if (name === 'APIConnectionTimeoutError' || name === 'TimeoutError' || /timed? ?out/i.test(message)) {
    return new LlmError('timeout', `LLM request timed out: ${message}`, { cause: err });
  }
  if (name === 'APIUserAbortError' || name === 'AbortError') return new LlmError('timeout', `LLM request aborted: ${message}`, { cause: err });
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status === undefined) return new LlmError('network', `LLM connection failed: ${message}`, { cause: err });
  const retryAfter = retryAfterMs(headersOf(e));
  const opts = { status, retryAfterMs: retryAfter, cause: err };
  if (status === 429) return new LlmError('rate_limited', `LLM rate limited (429)`, opts);
  if (status === 408) return new LlmError('timeout', `LLM request timeout (408)`, opts);
  if (status >= 500) return new LlmError('server', `LLM server error (${status})`, opts);
  return new LlmError('client', `LLM request refused (${status}): ${message.slice(0, 200)}`, opts);
}
