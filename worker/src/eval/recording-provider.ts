// Wrap a provider to keep every check-in call's request and answer for the report.
import type { CompleteInput, Completion, LlmProvider } from '../providers/types.ts';

export interface RecordedCall {
  system: string;
  user: string;
  text: string;
  model: string;
  latencyMs: number;
  /** The call threw (no answer): its request still counts for the token numbers. */
  failed: boolean;
}

export function recording(inner: LlmProvider): { provider: LlmProvider; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const provider: LlmProvider = {
    name: inner.name,
    model: inner.model,
    async complete(input: CompleteInput): Promise<Completion> {
      const started = performance.now();
      const call = { system: input.system, user: input.user, text: '', model: inner.model, latencyMs: 0, failed: true };
      calls.push(call);
      const out = await inner.complete(input);
      Object.assign(call, { text: out.text, model: out.model, latencyMs: Math.round(performance.now() - started), failed: false });
      return out;
    },
    stream: (input, onDelta) => inner.stream(input, onDelta),
  };
  return { provider, calls };
}
