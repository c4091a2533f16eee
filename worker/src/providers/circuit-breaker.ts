// A per-provider circuit breaker: after several consecutive failures that say "the provider is down"
// (server errors, timeouts, network, rate limits) calls fail fast for a cool-down instead of adding
// load and burning every job's attempts; the error carries the remaining cool-down as retry-after,
// so jobs come back when a trial call is allowed. One trial call at a time (half-open); a success
// closes the circuit, a failure opens it again for twice as long (up to a cap).
import type { WorkerMetrics } from '../metrics.ts';
import type { CompleteInput, Completion, LlmProvider } from './types.ts';
import { LlmError } from './types.ts';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  threshold?: number;
  coolDownMs?: number;
  maxCoolDownMs?: number;
  now?: () => number;
}

export function withCircuitBreaker(inner: LlmProvider, metrics: WorkerMetrics, opts: BreakerOptions = {}): LlmProvider {
  const threshold = opts.threshold ?? 5;
  const base = opts.coolDownMs ?? 30_000;
  const cap = opts.maxCoolDownMs ?? 5 * 60_000;
  const now = opts.now ?? Date.now;
  const labels = { provider: inner.name };
  let failures = 0;
  let openUntil = 0;
  let coolDown = base;
  let trial = false;
  metrics.llmCircuitOpen.set(0, labels);

  const enter = (): void => {
    if (failures < threshold) return;
    const t = now();
    if (t < openUntil || trial) {
      metrics.llmShortCircuited.inc(1, labels);
      throw new LlmError('unavailable', `the ${inner.name} circuit is open after ${failures} consecutive failures`, { retryAfterMs: Math.max(openUntil - t, 1000) });
    }
    trial = true; // half-open: this call is the trial
  };
  const settle = (err: unknown): void => {
    const wasTrial = trial;
    trial = false;
    if (err === null) {
      failures = 0;
      coolDown = base;
      metrics.llmCircuitOpen.set(0, labels);
      return;
    }
    if (!(err instanceof LlmError) || !err.retryable || err.kind === 'unavailable') return;
    failures++;
    if (failures >= threshold) {
      if (wasTrial) coolDown = Math.min(cap, coolDown * 2);
      openUntil = now() + coolDown;
      metrics.llmCircuitOpen.set(1, labels);
    }
  };
  const guard = async (call: () => Promise<Completion>): Promise<Completion> => {
    enter();
    try {
      const res = await call();
      settle(null);
      return res;
    } catch (err) {
      settle(err);
      throw err;
    }
  };
  return {
    name: inner.name,
    model: inner.model,
    complete: (input: CompleteInput) => guard(() => inner.complete(input)),
    stream: (input, onDelta) => guard(() => inner.stream(input, onDelta)),
  };
}
