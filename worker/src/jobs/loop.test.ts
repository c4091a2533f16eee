import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkerFixture } from '../testing/fixture.ts';
import { answerFor, workerFixture } from '../testing/fixture.ts';
import { localDay } from '../checkins/local-day.ts';
import { REQUEUE_AFTER_MS, scanDue } from '../checkins/scan.ts';
import { withCircuitBreaker } from '../providers/circuit-breaker.ts';
import { LlmError } from '../providers/types.ts';
import { llama3Counter } from '../prompts/tokens.ts';
import { CHECKIN_BATCH_ATTEMPTS, DEFAULT_RETRY, retryCapMs, retryDelayMs } from './retry.ts';
import { createHandlers } from './handlers.ts';
import { JobLoop } from './loop.ts';

let f: WorkerFixture;
// Loaded once per process (as the worker does at start): retry delays are measured from the failure.
beforeAll(async () => {
  await llama3Counter();
});
beforeEach(async () => {
  f = await workerFixture();
});
afterEach(() => {
  clock = null;
  return f.close();
});

const retry = { baseMs: 1000, maxMs: 10_000, random: () => 0.5 };

async function batchJob(ids: string[]) {
  const items = ids.map((collaborationId, i) => ({ collaborationId, localDay: localDay(new Date(), 'UTC'), checkinId: `ci_loop_${i}` }));
  return (await f.store.jobs.enqueue({ type: 'checkin-batch', payload: { items } }))!;
}

/** The loop's clock; tests that step through retries move it to each job's runAt. */
let clock: number | null = null;

function loop(timeoutMs = 5_000) {
  return new JobLoop({
    store: f.store, handlers: createHandlers(f.deps({ provider: f.provider('groq', timeoutMs) })), owner: 'w1', logger: f.logger, metrics: f.metrics, retry,
    now: () => clock ?? Date.now(),
  });
}

async function claimAndRun(l: JobLoop, now = Date.now()) {
  const job = await f.store.jobs.claim(['checkin-batch'], 'w1', 60_000, now);
  expect(job).not.toBeNull();
  return l.runOne(job!);
}

describe('job loop', () => {
  it('429 with retry-after: the job is retried later, honouring the header, then succeeds', async () => {
    const c = await f.collaboration();
    const job = await batchJob([c.id]);
    f.fake.respond(() => ({ status: 429, headers: { 'retry-after': '30' }, body: { error: { message: 'rate limited' } } }));
    const l = loop();
    const before = Date.now();
    expect(await claimAndRun(l)).toBe('retry');
    const queued = (await f.store.jobs.get(job.id))!;
    expect(queued.status).toBe('queued');
    expect(queued.runAt - before).toBeGreaterThanOrEqual(30_000);
    expect(queued.runAt - before).toBeLessThan(32_000);
    expect(queued.lastError).toContain('rate_limited 429');
    // Not runnable before retry-after has passed.
    expect(await f.store.jobs.claim(['checkin-batch'], 'w1', 60_000, Date.now())).toBeNull();
    f.fake.respond((req) => ({ content: answerFor(req.user) }));
    expect(await claimAndRun(l, queued.runAt)).toBe('done');
    expect((await f.store.checkins.get(c.id, localDay(new Date(), 'UTC')))!.status).toBe('done');
    expect(f.metrics.render()).toMatch(/trellis_worker_llm_calls_total\{outcome="error",provider="groq"\} 1/);
  });

  it('500 three times: exponential backoff, then the dead letter with the reason; the claim is marked failed', async () => {
    const c = await f.collaboration();
    const job = await batchJob([c.id]);
    f.fake.respond(() => ({ status: 500, body: { error: { message: 'boom' } } }));
    const l = loop();
    const delays: number[] = [];
    let now = Date.now();
    for (const expected of ['retry', 'retry', 'dead'] as const) {
      clock = now;
      expect(await claimAndRun(l, now)).toBe(expected);
      const j = (await f.store.jobs.get(job.id))!;
      if (expected === 'retry') delays.push(j.runAt - now);
      now = j.runAt;
    }
    clock = null;
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    const dead = (await f.store.jobs.get(job.id))!;
    expect(dead).toMatchObject({ status: 'dead' });
    expect(dead.lastError).toContain('server 500');
    expect((await f.store.checkins.get(c.id, localDay(new Date(), 'UTC')))!.status).toBe('failed');
    expect((await f.store.jobs.listDead({ limit: 10 })).items.map((j) => j.id)).toEqual([job.id]);
  });

  it('a timeout is retried like any transient failure, and the loop keeps going', async () => {
    const c = await f.collaboration();
    const job = await batchJob([c.id]);
    f.fake.respond(() => ({ content: '{}', delayMs: 1500 }));
    expect(await claimAndRun(loop(300))).toBe('retry');
    expect((await f.store.jobs.get(job.id))!.lastError).toContain('timeout');
  });

  it('a bad payload fails that job only; the running loop survives and runs the next job', async () => {
    const c = await f.collaboration();
    await f.store.jobs.enqueue({ type: 'checkin-batch', payload: { items: 'nonsense' }, maxAttempts: 1 });
    await batchJob([c.id]);
    f.fake.respond((req) => ({ content: answerFor(req.user) }));
    const l = new JobLoop({ store: f.store, handlers: createHandlers(f.deps()), owner: 'w1', logger: f.logger, metrics: f.metrics, pollMs: 10, retry });
    const running = l.run();
    await expect.poll(async () => (await f.store.checkins.get(c.id, localDay(new Date(), 'UTC')))?.status, { timeout: 5000 }).toBe('done');
    l.stop();
    await running;
    expect((await f.store.jobs.counts()).dead).toBe(1);
  });
});

describe('job leases [W2]', () => {
  it('[W2] a batch that killed the worker on every attempt is dead-lettered at claim time, and the next scan marks its check-in failed', async () => {
    const c = await f.collaboration();
    await scanDue(f.store, f.logger, { cron: '* * * * *', now: new Date() });
    let now = Date.now();
    for (let i = 0; i < CHECKIN_BATCH_ATTEMPTS; i++) {
      // Claimed, then the worker dies: nothing completes or fails the lease.
      expect((await f.store.jobs.claim(['checkin-batch'], 'w1', 100, now))?.attempts).toBe(i + 1);
      now += 200;
    }
    expect(await f.store.jobs.claim(['checkin-batch'], 'w2', 100, now)).toBeNull();
    const [dead] = (await f.store.jobs.listDead({ limit: 5 })).items;
    expect(dead).toMatchObject({ type: 'checkin-batch', attempts: CHECKIN_BATCH_ATTEMPTS });
    expect(dead!.lastError).toMatch(/attempts exhausted/);
    await scanDue(f.store, f.logger, { cron: '* * * * *', now: new Date() });
    const checkin = (await f.store.checkins.get(c.id, localDay(new Date(), 'UTC')))!;
    expect(checkin).toMatchObject({ status: 'failed', jobId: dead!.id });
    expect(checkin.summary).toMatch(/worker died/);
  });

  it('[W2] the running job\'s lease is renewed by heartbeats; a stale claim cannot complete the new lease', async () => {
    const c = await f.collaboration();
    const job = await batchJob([c.id]);
    f.fake.respond((req) => ({ content: answerFor(req.user), delayMs: 400 }));
    const l = new JobLoop({ store: f.store, handlers: createHandlers(f.deps()), owner: 'w1', logger: f.logger, metrics: f.metrics, visibilityMs: 150 });
    const claimed = (await f.store.jobs.claim(['checkin-batch'], 'w1', 150))!;
    const running = l.runOne(claimed);
    await new Promise((r) => setTimeout(r, 300));
    // Past the first lease: the heartbeat kept it, nobody else can claim the job.
    expect(await f.store.jobs.claim(['checkin-batch'], 'w1', 150)).toBeNull();
    expect(await running).toBe('done');
    expect((await f.store.jobs.get(job.id))!.status).toBe('done');
    // A stale claim (same owner, an older lease) finishes nothing.
    expect(await f.store.jobs.complete(job.id, 'lse_stale')).toBe(false);
  });
});

describe('retries sized for real outages [W5]', () => {
  it('[W5] full jitter: each delay is uniform between 0 and the attempt\'s cap; caps grow to 5 minutes; about 30 minutes over a batch\'s attempts', () => {
    expect(retryDelayMs(new Error('x'), 1, { ...DEFAULT_RETRY, random: () => 0 })).toBe(0);
    expect(retryDelayMs(new Error('x'), 1, { ...DEFAULT_RETRY, random: () => 0.999999 })).toBe(20_000);
    expect(retryDelayMs(new Error('x'), 9, { ...DEFAULT_RETRY, random: () => 0.5 })).toBe(150_000);
    let total = 0;
    for (let a = 1; a < CHECKIN_BATCH_ATTEMPTS; a++) total += retryCapMs(a) / 2; // mean of full jitter
    expect(total / 60_000).toBeGreaterThan(25);
    expect(total / 60_000).toBeLessThan(40);
  });

  it('[W5] retry-after is honoured even when it is longer than the jittered backoff', () => {
    const err = new LlmError('rate_limited', '429', { status: 429, retryAfterMs: 90_000 });
    expect(retryDelayMs(err, 1, { ...DEFAULT_RETRY, random: () => 0 })).toBe(90_000);
  });

  it('[W5] the circuit opens after consecutive provider failures: calls fail fast with its cool-down as retry-after, one trial closes it', async () => {
    let t = 1_000_000;
    const breaker = withCircuitBreaker(f.provider('groq'), f.metrics, { threshold: 3, coolDownMs: 30_000, now: () => t });
    f.fake.respond(() => ({ status: 503, body: { error: { message: 'down' } } }));
    const input = { system: 's', user: 'u', maxTokens: 10 };
    for (let i = 0; i < 3; i++) expect(await breaker.complete(input).catch((e: LlmError) => e.kind)).toBe('server');
    const sent = f.fake.requests.length;
    const fast = (await breaker.complete(input).catch((e: unknown) => e)) as LlmError;
    expect(fast).toMatchObject({ kind: 'unavailable', retryAfterMs: 30_000 });
    expect(f.fake.requests).toHaveLength(sent); // nothing reached the provider
    expect(retryDelayMs(fast, 1, { ...DEFAULT_RETRY, random: () => 0 })).toBe(30_000);
    expect(f.metrics.render()).toMatch(/trellis_worker_llm_circuit_open\{provider="groq"\} 1/);
    t += 30_001;
    f.fake.respond(() => ({ content: '{}' }));
    expect((await breaker.complete(input)).text).toBe('{}'); // the trial call
    expect(f.metrics.render()).toMatch(/trellis_worker_llm_circuit_open\{provider="groq"\} 0/);
  });

  it('[W5] a failed day does not block the scan: its check-in is re-queued later the same day and resumes from its stored answer', async () => {
    const c = await f.collaboration();
    const day = localDay(new Date(), 'UTC');
    await scanDue(f.store, f.logger, { cron: '* * * * *', now: new Date() });
    const first = (await f.store.jobs.claim(['checkin-batch'], 'w1', 60_000))!;
    expect(first.maxAttempts).toBe(CHECKIN_BATCH_ATTEMPTS);
    // Its last attempt failed: the check-in is marked failed (as the loop's final attempt does).
    const cur = (await f.store.checkins.get(c.id, day))!;
    const failedAt = new Date();
    await f.store.checkins.save({ ...cur, status: 'failed', summary: 'The AI check-in failed: server 500', completedAt: failedAt.toISOString() });
    // ... after its last attempt: the job is dead.
    for (let job = first, at = Date.now(); ; at += 3_600_000) {
      if ((await f.store.jobs.fail(job.id, job.leaseId!, 'server 500', at))!.status === 'dead') break;
      job = (await f.store.jobs.claim(['checkin-batch'], 'w1', 60_000, at + 3_600_000))!;
    }
    expect(await scanDue(f.store, f.logger, { cron: '* * * * *', now: new Date(failedAt.getTime() + 60_000) })).toMatchObject({ batches: 0, requeued: 0 });
    const later = new Date(failedAt.getTime() + REQUEUE_AFTER_MS);
    expect(await scanDue(f.store, f.logger, { cron: '* * * * *', now: later })).toMatchObject({ batches: 1, requeued: 1 });
    f.fake.respond((req) => ({ content: answerFor(req.user) }));
    const job = (await f.store.jobs.claim(['checkin-batch'], 'w1', 60_000, later.getTime()))!;
    expect(await new JobLoop({ store: f.store, handlers: createHandlers(f.deps()), owner: 'w1', logger: f.logger, metrics: f.metrics }).runOne(job)).toBe('done');
    expect(await f.store.checkins.get(c.id, day)).toMatchObject({ id: cur.id, status: 'done', requeues: 1 });
  });
});
