// The one small LLM interface every provider (groq, openai-compatible, offline rules) implements.
export type ProviderName = 'groq' | 'openai' | 'offline';

export interface CompleteInput {
  system: string;
  user: string;
  maxTokens: number;
  signal?: AbortSignal | undefined;
  /** Ask for a JSON object answer (response_format json_object where supported). */
  json?: boolean | undefined;
}

export interface Completion {
  text: string;
  inputTokens: number;
  outputTokens: number;
  model: string;
}

export interface LlmProvider {
  readonly name: ProviderName;
  readonly model: string;
  complete(input: CompleteInput): Promise<Completion>;
  /** Stream the answer; `onDelta` receives each text fragment as it arrives. */
  stream(input: CompleteInput, onDelta: (text: string) => void): Promise<Completion>;
}

/** `unavailable`: refused locally, the provider's circuit is open (providers/circuit-breaker.ts). */
export const LLM_ERROR_KINDS = ['rate_limited', 'timeout', 'server', 'client', 'network', 'aborted', 'unavailable'] as const;
export type LlmErrorKind = (typeof LLM_ERROR_KINDS)[number];

/** A provider failure with what the job queue needs to schedule a retry. */
export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(kind: LlmErrorKind, message: string, opts: { status?: number | undefined; retryAfterMs?: number | undefined; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'LlmError';
    this.kind = kind;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
  /** Client errors (bad request, auth) do not get better by retrying. */
  get retryable(): boolean {
    return this.kind !== 'client' && this.kind !== 'aborted';
  }
}

/** Rough token estimate used for budgets and for providers that report no usage: chars / 4. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
