// A worker process that SIGKILLs itself at a chosen step of a check-in batch, so tests can check what
// a crash at that point leaves behind and that a rerun repairs it exactly once. The step is
// `<point>:<n>` (the n-th time that point is reached):
//   before-call   before the n-th model call is sent
//   answers       right after the n-th call's answers are stored (before any action)
//   append        right after the n-th document write is stored (its idempotency record still running)
//   idem-done     right after the n-th action's outcome is recorded
//   audit         right after the n-th audit entry is appended (before what follows it is recorded)
//   digest        just before the n-th digest is stored
//   digest-saved  right after the n-th digest is stored
//   complete      just before the job is marked done
// With a `stall@` prefix the worker stops itself (SIGSTOP) there instead, as a worker frozen past its
// leases (a long GC or VM pause) would, until the test sends SIGCONT. It reports on stderr when it
// stalls (`stalled`) and when it then gets to completing or failing the job (`settled:<result>`).
// An optional fifth argument shifts the worker's clock by that many ms (a run near a local midnight).
// Leases are short (300 ms) so the survivor can take over at once.
import { createEngine, createStoreDocHost } from '@trellis/engine';
import { createLogger } from '@trellis/runtime';
import { createSqliteStore } from '@trellis/store';
import type { Store } from '@trellis/store';
import { createHandlers } from '../jobs/handlers.ts';
import { JobLoop } from '../jobs/loop.ts';
import { WorkerMetrics } from '../metrics.ts';
import { createGroqProvider } from '../providers/groq.ts';
import { llama3Counter } from '../prompts/tokens.ts';
import type { LlmProvider } from '../providers/types.ts';

const dataDir = process.argv[2]!;
const llmUrl = process.argv[3]!;
const [stall, chosen] = (process.argv[4] ?? 'none:0').startsWith('stall@') ? [true, process.argv[4]!.slice(6)] : [false, process.argv[4] ?? 'none:0'];
const [point, nth] = chosen.split(':') as [string, string];
const clockShiftMs = Number(process.argv[5] ?? 0);
const counts = new Map<string, number>();
/** Die (or stall) if this is the n-th time `at` is reached and `at` is the chosen point. */
function step(at: string): void {
  const n = (counts.get(at) ?? 0) + 1;
  counts.set(at, n);
  if (at !== point || n !== Number(nth)) return;
  // Written synchronously (stderr is a pipe), so the test sees it before the process stops.
  if (stall) process.stderr.write('stalled\n');
  process.kill(process.pid, stall ? 'SIGSTOP' : 'SIGKILL');
}

const real = createSqliteStore({ dataDir });
const store: Store = {
  ...real,
  docs: { ...real.docs, async append(...a) {
    const r = await real.docs.append(...a);
    step('append');
    return r;
  } },
  kv: { ...real.kv, async set(key, value, opts) {
    await real.kv.set(key, value, opts);
    if (key.startsWith('idem:') && value.includes('"state":"done"')) step('idem-done');
  } },
  checkins: {
    ...real.checkins,
    async saveAnswers(cs) {
      const stored = await real.checkins.saveAnswers(cs);
      step('answers');
      return stored;
    },
    async finish(c) {
      if (c.status === 'done') step('digest');
      const stored = await real.checkins.finish(c);
      if (c.status === 'done') step('digest-saved');
      return stored;
    },
  },
  audit: { ...real.audit, async append(e) {
    await real.audit.append(e);
    step('audit');
  } },
  jobs: { ...real.jobs, async complete(...a) {
    step('complete');
    const ok = await real.jobs.complete(...a);
    process.stderr.write(`settled:${ok ? 'done' : 'lost'}\n`);
    return ok;
  }, async fail(...a) {
    const next = await real.jobs.fail(...a);
    process.stderr.write(`settled:${next?.status ?? 'lost'}\n`);
    return next;
  } },
};
const logger = createLogger({ level: 'silent', name: 'crash-child' });
const docs = createStoreDocHost(store, logger);
const engine = createEngine({ store, docs, logger, idempotencyLeaseMs: 300 });
const groq = createGroqProvider({ apiKey: 'k', model: 'llama-test', baseURL: llmUrl, timeoutMs: 5000 });
const provider: LlmProvider = { ...groq, name: groq.name, model: groq.model, complete(input) {
  step('before-call');
  return groq.complete(input);
} };
const metrics = new WorkerMetrics();
const handlers = createHandlers({ store, docs, engine, provider, metrics, logger, now: () => new Date(Date.now() + clockShiftMs), cron: '* * * * *', maxQueued: 1000 });
const loop = new JobLoop({ store, handlers, owner: 'doomed', logger, metrics, concurrency: 1, visibilityMs: 300, pollMs: 10 });
// As the worker does at start (main.ts): the tokenizer loads before the first batch, not inside it.
await llama3Counter();
void loop.run();
