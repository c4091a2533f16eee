// The one place LLM calls are metered: every call through the provider the job handlers get — a
// check-in batch's, an @ai reply's streamed answer, a reply that waits for approval — counts once by
// provider and outcome, and a call that answered adds its tokens and latency. Short-circuited calls
// (the circuit breaker under it refused them) count as errors here and in their own counter.
import type { WorkerMetrics } from '../metrics.ts';
import type { Completion, LlmProvider } from './types.ts';

export function withMetering(inner: LlmProvider, metrics: WorkerMetrics): LlmProvider {
  const labels = { provider: inner.name };
  const metered = async (call: () => Promise<Completion>): Promise<Completion> => {
    const started = performance.now();
    let res: Completion;
    try {
      res = await call();
    } catch (err) {
      metrics.llmCalls.inc(1, { ...labels, outcome: 'error' });
      throw err;
    }
    metrics.llmCalls.inc(1, { ...labels, outcome: 'ok' });
    metrics.llmTokens.inc(res.inputTokens, { direction: 'input' });
    metrics.llmTokens.inc(res.outputTokens, { direction: 'output' });
    metrics.llmLatency.observe((performance.now() - started) / 1000);
    return res;
  };
  return {
    name: inner.name,
    model: inner.model,
    complete: (input) => metered(() => inner.complete(input)),
    stream: (input, onDelta) => metered(() => inner.stream(input, onDelta)),
  };
}
