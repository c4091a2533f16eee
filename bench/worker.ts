// Worker benchmark: N collaborations (default 10,000) in a temp SQLite store, check-ins against the
// fake LLM with 1 s latency, several batches in flight. Prints a markdown table.
// Run: `tsx bench/worker.ts [collaborations]`, or import runWorkerBench().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, createStoreDocHost } from '@trellis/engine';
import { createLogger } from '@trellis/runtime';
import { appendActivity, appendMessage, newId } from '@trellis/schema';
import type { Collaboration } from '@trellis/schema';
import { createSqliteStore } from '@trellis/store';
import { scanDue } from '../worker/src/checkins/scan.ts';
import { createHandlers } from '../worker/src/jobs/handlers.ts';
import { JobLoop } from '../worker/src/jobs/loop.ts';
import { WorkerMetrics } from '../worker/src/metrics.ts';
import { createGroqProvider } from '../worker/src/providers/groq.ts';
import { startFakeLlm } from '../worker/src/testing/fake-llm.ts';

export interface WorkerBenchResult {
  collaborations: number;
  llmCalls: number;
  wallSeconds: number;
  inputTokensPerCollaboration: number;
  outputTokensPerCollaboration: number;
  peakRssMb: number;
  rssMbAtQuarters: number[];
  checkinsDone: number;
}

export async function runWorkerBench(opts: { collaborations?: number; concurrency?: number; latencyMs?: number } = {}): Promise<WorkerBenchResult> {
  const n = opts.collaborations ?? 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'trellis-bench-worker-'));
  const store = createSqliteStore({ dataDir: dir });
  const logger = createLogger({ level: 'silent', name: 'bench' });
  const docs = createStoreDocHost(store, logger);
  const engine = createEngine({ store, docs, logger });
  const ids = (user: string) => [...user.matchAll(/"collaborationId":"([^"]+)"/g)].map((m) => m[1]!);
  const fake = await startFakeLlm((req) => ({
    delayMs: opts.latencyMs ?? 1000,
    content: JSON.stringify({
      checkins: ids(req.user).map((id) => ({
        collaborationId: id, summary: 'Two new messages; the hike is still only proposed.',
        actions: [{ action: 'sendMessage', params: { body: 'Morning! Shall we pick a date for the hike?' }, reason: 'proposal waiting for a date' }],
      })),
    }),
  }));
  try {
    // A typical collaboration-day: a few messages, an activity, some notes.
    const now = new Date();
    for (let i = 0; i < n; i++) {
      const c: Collaboration = {
        id: newId('col'), title: `Weekend trip ${i}`, ownerId: `user${i}`, settings: { timeZone: i % 2 ? 'Europe/Berlin' : 'UTC', aiCheckins: true },
        policy: {}, rules: [], archived: false, createdAt: now.toISOString(), updatedAt: now.toISOString(),
      };
      await store.collaborations.create(c);
      await docs.change(c.id, 'bench-seed', (doc) => {
        appendMessage(doc, { id: newId('msg'), authorId: c.ownerId, kind: 'user', body: 'Are we still on for the lake hike on Saturday? I can drive.' });
        appendMessage(doc, { id: newId('msg'), authorId: 'user-b', kind: 'user', body: 'Yes! I will bring sandwiches. Someone should check the weather forecast on Friday.' });
        appendActivity(doc, { id: newId('act'), title: 'Lake hike', proposedBy: c.ownerId });
      });
    }
    const metrics = new WorkerMetrics();
    const provider = createGroqProvider({ apiKey: 'bench', model: 'llama-bench', baseURL: fake.url, timeoutMs: 30_000 });
    const handlers = createHandlers({ store, docs, engine, provider, metrics, logger, now: () => new Date(), cron: '* * * * *', maxQueued: 100_000 });
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = performance.now();
    await scanDue(store, logger, { cron: '* * * * *', now: new Date(), maxQueued: 100_000 });
    const loop = new JobLoop({ store, handlers, owner: 'bench', logger, metrics, concurrency: opts.concurrency ?? 24, pollMs: 20 });
    const running = loop.run();
    const quarters: number[] = [];
    const total = Math.ceil(n / 20);
    for (;;) {
      const counts = await store.jobs.counts();
      const finished = counts.done + counts.dead;
      while (quarters.length < 4 && finished >= (total * (quarters.length + 1)) / 4) quarters.push(Math.round(process.memoryUsage().rss / 2 ** 20));
      if (counts.queued + counts.leased === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const wallSeconds = (performance.now() - started) / 1000;
    loop.stop();
    await running;
    clearInterval(sampler);
    const tokens = (direction: string) => metrics.llmTokens.get({ direction });
    let done = 0;
    for (let cursor: string | undefined, page; (page = await store.collaborations.listCheckinEnabled({ cursor, limit: 500 })); ) {
      for (const c of page.items) if ((await store.checkins.latestDone(c.id)) !== null) done++;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return {
      collaborations: n, llmCalls: fake.requests.length, wallSeconds: Math.round(wallSeconds * 10) / 10,
      inputTokensPerCollaboration: Math.round(tokens('input') / n), outputTokensPerCollaboration: Math.round(tokens('output') / n),
      peakRssMb: Math.round(peak / 2 ** 20), rssMbAtQuarters: quarters, checkinsDone: done,
    };
  } finally {
    await fake.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function workerBenchTable(r: WorkerBenchResult): string {
  return [
    '| worker check-ins | value | target |',
    '| --- | --- | --- |',
    `| collaborations | ${r.collaborations} | 10,000 |`,
    `| check-ins done | ${r.checkinsDone} | all |`,
    `| LLM calls | ${r.llmCalls} | ≤ 500 |`,
    `| wall time (1 s LLM latency) | ${r.wallSeconds} s | |`,
    `| input tokens / collaboration | ${r.inputTokensPerCollaboration} | ≤ 400 |`,
    `| output tokens / collaboration | ${r.outputTokensPerCollaboration} | |`,
    `| peak RSS | ${r.peakRssMb} MB | flat |`,
    `| RSS at 25/50/75/100 % of batches | ${r.rssMbAtQuarters.join(' / ')} MB | flat |`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = process.argv[2] ? Number(process.argv[2]) : undefined;
  runWorkerBench(n ? { collaborations: n } : {}).then(
    (r) => console.log(workerBenchTable(r)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
