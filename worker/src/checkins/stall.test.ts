// [W1] [W10] A worker frozen past its job lease (SIGSTOP at a step of a check-in batch, as a long GC or
// VM pause would) while a second worker takes the job over and finishes it: when the first wakes up
// and carries on, nothing the second stored changes — no proposal applied twice, no second answer
// acted on, the digest still names what ran.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readMessages } from '@trellis/schema';
import type { WorkerFixture } from '../testing/fixture.ts';
import { answerFor, workerFixture } from '../testing/fixture.ts';
import { startStalling } from '../testing/stalling-child.ts';
import { createHandlers } from '../jobs/handlers.ts';
import { JobLoop } from '../jobs/loop.ts';
import { localDay } from './local-day.ts';
import { scanDue } from './scan.ts';

let f: WorkerFixture;
beforeEach(async () => {
  f = await workerFixture();
});
afterEach(() => f.close());

const STALL_TEST_MS = 90_000;

/** What members see of a collaboration's check-in day. */
async function outcome(collaborationId: string) {
  const digests = (await f.store.checkins.list(collaborationId, { limit: 10 })).items;
  return {
    ai: readMessages(await f.storedDoc(collaborationId)).filter((m) => m.kind === 'ai').map((m) => m.body),
    approvals: (await f.store.approvals.listPending([collaborationId], { limit: 10 })).items.map((a) => a.id),
    digests: digests.map((d) => ({ status: d.status, summary: d.summary, proposals: d.proposals })),
    audit: (await f.store.audit.list(collaborationId, { limit: 50 })).items.filter((e) => e.actor.kind === 'ai').map((e) => `${e.action}:${e.outcome}`).sort(),
  };
}

// [stall point, model calls in all, whether the model answers nonsense after the first call]
const STALLS: [string, number, boolean][] = [
  ['before-call:1', 2, false], // its call goes out after the takeover: a second, different answer
  ['before-call:1', 5, true], // its late calls get no usable answer: the check-ins are not marked failed
  ['answers:1', 1, false], // its answer stored: both act on it
  ['idem-done:1', 1, false], // between two actions
];

it.each(STALLS)('[W10] a worker stalled at %s past its lease, woken after another finished the job (%i model calls, nonsense after the first: %s), changes nothing', async (step, calls, nonsense) => {
  const cs: string[] = [];
  const acts = new Map<string, string>();
  for (let i = 0; i < 2; i++) {
    const c = await f.collaboration();
    const [act] = await f.seed(c.id, { activities: [{ title: `Trip ${i}` }] });
    acts.set(c.id, act!);
    cs.push(c.id);
  }
  let requests = 0;
  f.fake.respond((req) => {
    requests++;
    if (nonsense && requests > 1) return { content: '{"checkins": "no"}' };
    // Each answer differs, as a model asked twice would.
    return {
      content: answerFor(req.user, (id) => [
        { action: 'sendMessage', params: { body: `hello ${id} (${requests})` }, reason: 'daily' },
        { action: 'scheduleActivity', params: { activityId: acts.get(id), at: `2031-05-0${requests}T09:00:00Z` }, reason: 'dates agreed' },
        { action: 'deleteEverything', params: {}, reason: 'refused before the engine' },
      ], (id) => `Answer ${requests} for ${id}.`),
    };
  });
  await scanDue(f.store, f.logger, { cron: '* * * * *', now: new Date() });

  const proc = startStalling(f.dir, f.fake.url, step);
  try {
    await proc.seen(/stalled/);
    // Past the job's and the idempotency records' leases (300 ms each in the child).
    await new Promise((r) => setTimeout(r, 400));
    const loop = new JobLoop({ store: f.store, handlers: createHandlers(f.deps()), owner: 'survivor', logger: f.logger, metrics: f.metrics });
    const job = await f.store.jobs.claim(['checkin-batch'], 'survivor', 60_000);
    expect(job?.attempts).toBe(2);
    expect(await loop.runOne(job!)).toBe('done');
    const finished = await Promise.all(cs.map(outcome));

    proc.wake();
    await proc.seen(/settled:/);
    expect(proc.stderr()).toContain('settled:lost');
    expect(f.fake.requests).toHaveLength(calls);
    // What the survivor stored is what members see: the woken worker changed none of it.
    expect(await Promise.all(cs.map(outcome))).toEqual(finished);
    const day = localDay(new Date(), 'UTC');
    for (const [i, id] of cs.entries()) {
      const o = finished[i]!;
      expect(o.ai).toHaveLength(1);
      expect(o.approvals).toHaveLength(1);
      expect(o.digests.map((d) => d.status)).toEqual(['done']);
      const proposals = o.digests[0]!.proposals;
      expect(proposals.map((p) => p.fate)).toEqual(['executed', 'pending_approval', 'refused']);
      expect(proposals[0]!.params).toEqual({ body: o.ai[0] });
      expect(proposals[1]!.approvalId).toBe(o.approvals[0]);
      expect(o.audit).toEqual(['deleteEverything:refused:unknown_action', 'scheduleActivity:pending_approval', 'sendMessage:executed']);
      expect((await f.store.checkins.get(id, day))?.status).toBe('done');
    }
  } finally {
    await proc.kill();
  }
}, STALL_TEST_MS);
