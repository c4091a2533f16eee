// The worker's Prometheus metrics: jobs, LLM calls, tokens and latency, check-ins, @ai replies.
import { Metrics } from '@trellis/runtime';
import type { Counter, Gauge, Histogram } from '@trellis/runtime';

export class WorkerMetrics {
  readonly registry = new Metrics();
  readonly jobs: Gauge = this.registry.gauge('trellis_worker_jobs', 'Jobs in the queue by status');
  readonly jobRuns: Counter = this.registry.counter('trellis_worker_job_runs_total', 'Job runs by type and result');
  readonly llmCalls: Counter = this.registry.counter('trellis_worker_llm_calls_total', 'LLM calls by provider and outcome');
  readonly llmTokens: Counter = this.registry.counter('trellis_worker_llm_tokens_total', 'LLM tokens by direction');
  readonly llmLatency: Histogram = this.registry.histogram('trellis_worker_llm_latency_seconds', 'LLM call latency', [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60]);
  readonly checkins: Counter = this.registry.counter('trellis_worker_checkins_total', 'Check-ins by status');
  readonly proposals: Counter = this.registry.counter('trellis_worker_ai_proposals_total', 'AI proposals by fate');
  readonly aiReplies: Counter = this.registry.counter('trellis_worker_ai_replies_total', '@ai replies by outcome');
  readonly llmCircuitOpen: Gauge = this.registry.gauge('trellis_worker_llm_circuit_open', '1 while the provider circuit is open (calls fail fast)');
  readonly llmShortCircuited: Counter = this.registry.counter('trellis_worker_llm_short_circuited_total', 'LLM calls refused locally by an open circuit');
  readonly checkinRequeues: Counter = this.registry.counter('trellis_worker_checkin_requeues_total', 'Failed check-ins re-queued later the same night');

  setJobCounts(counts: Record<string, number>): void {
    for (const [status, n] of Object.entries(counts)) this.jobs.set(n, { status });
  }

  render(): string {
    return this.registry.render();
  }
}
