// The worker's composition root: the only place that reads process.env. Wires the store, the
// engine over a store-backed DocHost, the LLM provider and the job loop; serves /metrics if asked;
// stops gracefully on SIGTERM/SIGINT (running jobs finish or release their lease, the store closes).
import { createEngine, createStoreDocHost } from '@trellis/engine';
import { createLogger, onParentGone, orExit } from '@trellis/runtime';
import { parseEnv } from '@trellis/schema';
import { openStore } from '@trellis/store';
import { workerId } from './jobs/handlers.ts';
import { WorkerMetrics } from './metrics.ts';
import { startMetricsServer } from './metrics-server.ts';
import { withCircuitBreaker } from './providers/circuit-breaker.ts';
import { createProvider } from './providers/select.ts';
import { llama3Counter } from './prompts/tokens.ts';
import { WorkerService } from './service.ts';

const MAX_QUEUED_JOBS = 5_000;
const LLM_TIMEOUT_MS = 60_000;
/** How long a worker whose supervisor died may take to stop (the supervisor's own stop timeout). */
const ORPHAN_STOP_MS = 8_000;

async function main(): Promise<void> {
  const env = orExit(() => parseEnv(process.env));
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'worker' });
  const store = await openStore(env);
  const docs = createStoreDocHost(store, logger);
  const engine = createEngine({ store, docs, logger });
  const metrics = new WorkerMetrics();
  const provider = withCircuitBreaker(createProvider({ ...env, timeoutMs: LLM_TIMEOUT_MS }), metrics);
  // The prompt budget's tokenizer takes a second or two to load: at start, not in the first batch.
  if (provider.name !== 'offline') void llama3Counter().catch((err: unknown) => logger.error({ err }, 'loading the tokenizer failed'));
  const service = new WorkerService({
    deps: { store, docs, engine, provider, metrics, logger, now: () => new Date(), cron: env.CHECKIN_CRON, maxQueued: MAX_QUEUED_JOBS },
    owner: workerId(),
  });
  const metricsServer = env.WORKER_METRICS_PORT !== undefined ? await startMetricsServer(env.WORKER_METRICS_PORT, env.HOST, () => metrics.render()) : null;
  if (metricsServer) logger.info({ port: metricsServer.port }, 'worker metrics listening');

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'worker shutting down');
    service.stop();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  // Under the supervisor: it is gone (even killed with SIGKILL) and nobody will send SIGKILL after
  // its stop timeout, so stop as on SIGTERM within that same bound ([S11]); leased jobs run again elsewhere.
  onParentGone(() => {
    shutdown('supervisor gone');
    setTimeout(() => process.exit(1), ORPHAN_STOP_MS).unref();
  });

  await service.run();
  await metricsServer?.close();
  await store.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
