import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, createStoreDocHost } from '@trellis/engine';
import { readMessages } from '@trellis/schema';
import { createSqliteStore } from '@trellis/store';
import type { Store } from '@trellis/store';
import { localDay } from './checkins/local-day.ts';
import { WorkerMetrics } from './metrics.ts';
import { startMetricsServer } from './metrics-server.ts';
import { WorkerService } from './service.ts';
import type { WorkerFixture } from './testing/fixture.ts';
import { answerFor, idsInPrompt, workerFixture } from './testing/fixture.ts';

let f: WorkerFixture;
const extra: Store[] = [];
beforeEach(async () => {
  f = await workerFixture();
});
afterEach(async () => {
  for (const s of extra.splice(0)) await s.close();
  await f.close();
});

/** A second worker process's view: its own store handle on the same DATA_DIR, engine and metrics. */
function secondWorkerDeps() {
  const store = createSqliteStore({ dataDir: f.dir, pollMs: 5 });
  extra.push(store);
  const docs = createStoreDocHost(store, f.logger);
  return f.deps({ store, docs, engine: createEngine({ store, docs, logger: f.logger }), metrics: new WorkerMetrics() });
}

const fast = { tickMs: 50, pollMs: 10, concurrency: 3 };

describe('worker service', () => {
  it('two workers running concurrently: at most one check-in per collaboration and local day, no double work', async () => {
    const collabs: { id: string }[] = [];
    for (let i = 0; i < 45; i++) collabs.push(await f.collaboration());
    f.fake.respond((req) => ({ content: answerFor(req.user, (id) => [{ action: 'sendMessage', params: { body: `digest for ${id}` }, reason: 'daily' }]), delayMs: 30 }));
    const w1 = new WorkerService({ deps: f.deps({ cron: '* * * * *' }), owner: 'w1', ...fast });
    const w2 = new WorkerService({ deps: { ...secondWorkerDeps(), cron: '* * * * *' }, owner: 'w2', ...fast });
    const runs = [w1.run(), w2.run()];
    const day = localDay(new Date(), 'UTC');
    await expect.poll(async () => {
      let done = 0;
      for (const c of collabs) if ((await f.store.checkins.get(c.id, day))?.status === 'done') done++;
      return done;
    }, { timeout: 15_000 }).toBe(45);
    // Let both keep ticking a little: nothing more may happen.
    await new Promise((r) => setTimeout(r, 300));
    w1.stop();
    w2.stop();
    await Promise.all(runs);
    const asked = f.fake.requests.flatMap((r) => idsInPrompt(r.user));
    expect(asked.length).toBe(45);
    expect(new Set(asked).size).toBe(45);
    for (const c of collabs) {
      expect(readMessages(await f.storedDoc(c.id)).map((m) => m.body)).toEqual([`digest for ${c.id}`]);
      expect((await f.store.checkins.list(c.id, { limit: 10 })).items).toHaveLength(1);
    }
  });

  it('a forced check-in (REST job) runs now; when today\'s is done the job returns the existing one', async () => {
    const c = await f.collaboration({ timeZone: 'Asia/Tokyo' });
    f.fake.respond((req) => ({ content: answerFor(req.user) }));
    const w = new WorkerService({ deps: f.deps({ cron: '0 0 1 1 *' }), owner: 'w1', ...fast });
    const running = w.run();
    await f.store.jobs.enqueue({ type: 'checkin', payload: { collaborationId: c.id, force: true } });
    const day = localDay(new Date(), 'Asia/Tokyo');
    await expect.poll(async () => (await f.store.checkins.get(c.id, day))?.status, { timeout: 5000 }).toBe('done');
    const first = (await f.store.checkins.get(c.id, day))!;
    await f.store.jobs.enqueue({ type: 'checkin', payload: { collaborationId: c.id, force: true } });
    await expect.poll(async () => (await f.store.jobs.counts()).done, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    w.stop();
    await running;
    expect(f.fake.requests).toHaveLength(1);
    expect((await f.store.checkins.get(c.id, day))!.id).toBe(first.id);
  });

  it('serves Prometheus metrics: job counts, LLM calls, tokens, latency', async () => {
    const c = await f.collaboration();
    f.fake.respond((req) => ({ content: answerFor(req.user) }));
    const deps = f.deps({ cron: '* * * * *' });
    const w = new WorkerService({ deps, owner: 'w1', ...fast });
    const running = w.run();
    await expect.poll(async () => (await f.store.checkins.get(c.id, localDay(new Date(), 'UTC')))?.status, { timeout: 5000 }).toBe('done');
    deps.metrics.setJobCounts(await f.store.jobs.counts());
    const m = await startMetricsServer(0, '127.0.0.1', () => deps.metrics.render());
    const text = await (await fetch(`http://127.0.0.1:${m.port}/metrics`)).text();
    await m.close();
    w.stop();
    await running;
    expect(text).toMatch(/trellis_worker_jobs\{status="done"\} \d+/);
    expect(text).toMatch(/trellis_worker_jobs\{status="dead"\} 0/);
    expect(text).toMatch(/trellis_worker_llm_calls_total\{outcome="ok",provider="groq"\} 1/);
    expect(text).toMatch(/trellis_worker_llm_tokens_total\{direction="input"\} [1-9]/);
    expect(text).toMatch(/trellis_worker_llm_latency_seconds_count 1/);
  });

  it('meters every model call once in /metrics: check-ins, streamed @ai replies, replies waiting for approval, failed calls', async () => {
    const isCheckin = (r: { system: string }) => r.system.includes('check-in assistant');
    const breaks = (r: { system: string; user: string }) => !isCheckin(r) && r.user.includes('@ai this one breaks');
    const checked = await f.collaboration();
    const gated = await f.collaboration();
    await f.store.collaborations.update(gated.id, { policy: { sendMessage: { ai: 'approval' } } });
    const streamed = await f.collaboration();
    const failing = await f.collaboration();
    f.fake.respond((req) => {
      if (isCheckin(req)) return { content: answerFor(req.user) };
      if (breaks(req)) return { status: 400, body: { error: { message: 'bad request' } } };
      return req.body.stream ? { chunks: ['Boots ', 'and a map.'] } : { content: 'Sure, after approval.' };
    });
    const ask = (c: { id: string }, body: string) => f.engine.run({ collaborationId: c.id, actor: { kind: 'user', userId: 'owner1' }, name: 'sendMessage', params: { body } });
    await ask(gated, '@ai may I?');
    await ask(streamed, '@ai what to pack?');
    await ask(failing, '@ai this one breaks');
    const deps = f.deps({ cron: '* * * * *' });
    const w = new WorkerService({ deps, owner: 'w1', ...fast, retry: { baseMs: 1, maxMs: 1 } });
    const running = w.run();
    await expect.poll(async () => (await f.store.checkins.get(checked.id, localDay(new Date(), 'UTC')))?.status, { timeout: 10_000 }).toBe('done');
    await expect.poll(async () => (await f.store.approvals.listPending([gated.id], { limit: 5 })).items.length, { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => readMessages(await f.storedDoc(streamed.id)).some((m) => m.kind === 'ai' && m.streaming === undefined), { timeout: 10_000 }).toBe(true);
    await expect.poll(async () => (await f.store.jobs.counts()).dead, { timeout: 10_000 }).toBe(1);
    const m = await startMetricsServer(0, '127.0.0.1', () => deps.metrics.render());
    const text = await (await fetch(`http://127.0.0.1:${m.port}/metrics`)).text();
    await m.close();
    w.stop();
    await running;
    const asked = f.fake.requests;
    const failed = asked.filter(breaks).length;
    expect(asked.some((r) => r.body.stream === true && !breaks(r))).toBe(true);
    expect(asked.some((r) => r.body.stream !== true && !isCheckin(r))).toBe(true);
    expect(failed).toBeGreaterThanOrEqual(1);
    const count = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
    expect(count(/trellis_worker_llm_calls_total\{outcome="ok",provider="groq"\} (\d+)/)).toBe(asked.length - failed);
    expect(count(/trellis_worker_llm_calls_total\{outcome="error",provider="groq"\} (\d+)/)).toBe(failed);
    expect(count(/trellis_worker_llm_latency_seconds_count (\d+)/)).toBe(asked.length - failed);
    expect(count(/trellis_worker_llm_tokens_total\{direction="output"\} (\d+)/)).toBeGreaterThan(0);
  });
});
