// A worker process that SIGKILLs itself at a chosen point (just before the N-th digest is stored),
// so tests can check what a crash mid-batch leaves behind and that a rerun repairs it exactly once.
import { createEngine, createStoreDocHost } from '@trellis/engine';
import { createLogger } from '@trellis/runtime';
import { createSqliteStore } from '@trellis/store';
import type { Store } from '@trellis/store';
import { createHandlers } from '../jobs/handlers.ts';
import { JobLoop } from '../jobs/loop.ts';
import { WorkerMetrics } from '../metrics.ts';
import { createGroqProvider } from '../providers/groq.ts';

const dataDir = process.argv[2]!;
const llmUrl = process.argv[3]!;
const killAtSave = Number(process.argv[4]);

const real = createSqliteStore({ dataDir });
let saves = 0;
const store: Store = {
  ...real,
  checkins: {
    ...real.checkins,
    async save(c) {
      if (c.status === 'done' && ++saves === killAtSave) process.kill(process.pid, 'SIGKILL');
      return real.checkins.save(c);
    },
  },
};
const logger = createLogger({ level: 'silent', name: 'crash-child' });
const docs = createStoreDocHost(store, logger);
const engine = createEngine({ store, docs, logger });
const provider = createGroqProvider({ apiKey: 'k', model: 'llama-test', baseURL: llmUrl, timeoutMs: 5000 });
const metrics = new WorkerMetrics();
const handlers = createHandlers({ store, docs, engine, provider, metrics, logger, now: () => new Date(), cron: '* * * * *', maxQueued: 1000 });
const loop = new JobLoop({ store, handlers, owner: 'doomed', logger, metrics, concurrency: 1, visibilityMs: 300, pollMs: 10 });
void loop.run();
