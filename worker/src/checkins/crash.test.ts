// [W1] [W4] SIGKILL at every step of a check-in batch: a second worker finishes the job once the short
// leases run out, every proposal is applied exactly once, the model is asked again only when its
// answer was not stored yet, and each digest states exactly what ran.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readMessages } from '@trellis/schema';
import type { RuleDefinition } from '@trellis/schema';
import type { WorkerFixture } from '../testing/fixture.ts';
import { answerFor, workerFixture } from '../testing/fixture.ts';
import { createHandlers } from '../jobs/handlers.ts';
import { JobLoop } from '../jobs/loop.ts';
import { localDay } from './local-day.ts';
import { scanDue } from './scan.ts';

let f: WorkerFixture;
beforeEach(async () => {
  f = await workerFixture();
});
afterEach(() => f.close());

const child = fileURLToPath(new URL('../testing/crash-child.ts', import.meta.url));
/** Each case starts a worker process (tsx, the tokenizer) and a survivor: slow on a busy machine. */
const CRASH_TEST_MS = 90_000;

/** Run the queued job (the scanned batch unless told) in a child that SIGKILLs itself at `step`,
 *  check what it left, then let a survivor take the job over once the leases ran out and finish it.
 *  `clockShiftMs` shifts the child's clock; `survivorNow` is the survivor's. */
async function crashThenResume(
  step: string, started: (p: ChildProcess) => void, afterCrash: () => Promise<void> = async () => {},
  opts: { type?: 'checkin-batch' | 'checkin'; clockShiftMs?: number; survivorNow?: () => Date } = {},
): Promise<void> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, f.dir, f.fake.url, step, String(opts.clockShiftMs ?? 0)], { stdio: ['ignore', 'ignore', 'pipe'] });
  started(proc);
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, sig) => resolve(sig)));
  expect(signal, stderr).toBe('SIGKILL');
  await afterCrash();
  expect((await f.store.jobs.counts()).leased).toBe(1);
  await new Promise((r) => setTimeout(r, 400));
  const loop = new JobLoop({ store: f.store, handlers: createHandlers(f.deps(opts.survivorNow ? { now: opts.survivorNow } : {})), owner: 'survivor', logger: f.logger, metrics: f.metrics });
  const job = await f.store.jobs.claim([opts.type ?? 'checkin-batch'], 'survivor', 60_000);
  expect(job?.attempts).toBe(2);
  expect(await loop.runOne(job!)).toBe('done');
}

// [kill point, model calls in all, how many digests the child stored]
const STEPS: [string, number, number][] = [
  ['before-call:1', 1, 0],
  ['during-call', 2, 0],
  ['answers:1', 1, 0],
  ['append:1', 1, 0], // first collaboration's message stored, its outcome not yet recorded
  ['audit:1', 1, 0], // first message audited, its outcome not yet recorded
  ['idem-done:1', 1, 0], // first message recorded, its approval not yet proposed
  ['audit:3', 1, 0], // first collaboration's refusal audited before the engine, its digest not yet stored
  ['idem-done:2', 1, 0], // first collaboration's actions done, its digest not yet stored
  ['append:2', 1, 1], // between two collaborations' actions
  ['digest:3', 1, 2], // last digest
  ['complete:1', 1, 3], // everything stored, the job not marked done
];

it.each(STEPS)('[W1] [W4] SIGKILL at %s, rerun after the lease: each proposal applied once, digests exact', async (step, calls, storedByChild) => {
  const cs: { id: string }[] = [];
  const acts = new Map<string, string>();
  for (let i = 0; i < 3; i++) {
    const c = await f.collaboration();
    const [act] = await f.seed(c.id, { activities: [{ title: `Trip ${i}` }] });
    acts.set(c.id, act!);
    cs.push(c);
  }
  let proc: ChildProcess | null = null;
  let requests = 0;
  f.fake.respond((req) => {
    requests++;
    if (step === 'during-call' && requests === 1) proc?.kill('SIGKILL');
    // Each answer differs: a re-asked model must not make a different proposal run as well.
    return {
      content: answerFor(req.user, (id) => [
        { action: 'sendMessage', params: { body: `hello ${id} (${requests})` }, reason: 'daily' },
        { action: 'scheduleActivity', params: { activityId: acts.get(id), at: '2031-05-01T09:00:00Z' }, reason: 'dates agreed' },
        { action: 'deleteEverything', params: {}, reason: 'refused before the engine' },
      ]),
    };
  });
  await scanDue(f.store, f.logger, { cron: '* * * * *', now: new Date() });
  const day = localDay(new Date(), 'UTC');
  await crashThenResume(step, (p) => (proc = p), async () => {
    const before = await Promise.all(cs.map(async (c) => (await f.store.checkins.get(c.id, day))?.status));
    expect(before.filter((s) => s === 'done')).toHaveLength(storedByChild);
  });
  expect(f.fake.requests).toHaveLength(calls);

  for (const c of cs) {
    const ai = readMessages(await f.storedDoc(c.id)).filter((m) => m.kind === 'ai');
    expect(ai).toHaveLength(1);
    const pending = (await f.store.approvals.listPending([c.id], { limit: 10 })).items;
    expect(pending).toHaveLength(1);
    const list = (await f.store.checkins.list(c.id, { limit: 10 })).items;
    expect(list.map((d) => d.status)).toEqual(['done']);
    // The digest names what ran: the stored message's body and the approval that exists.
    expect(list[0]!.proposals.map((p) => p.fate)).toEqual(['executed', 'pending_approval', 'refused']);
    expect(list[0]!.proposals[0]!.params).toEqual({ body: ai[0]!.body });
    expect(list[0]!.proposals[1]!.approvalId).toBe(pending[0]!.id);
    const audit = (await f.store.audit.list(c.id, { limit: 50 })).items.filter((e) => e.actor.kind === 'ai');
    // Each proposal audited exactly once, also when the crash fell between its audit entry and its outcome.
    expect(audit.map((e) => `${e.action}:${e.outcome}`).sort()).toEqual(['deleteEverything:refused:unknown_action', 'scheduleActivity:pending_approval', 'sendMessage:executed']);
  }
}, CRASH_TEST_MS);

// Kill points: between the firing's two actions, and after the whole firing, both before the AI's
// message (the triggering change) is recorded, so the survivor re-runs it and meets its events again.
it.each(['append:2', 'append:3'])('[G4] [W1] a rule fired by the AI\'s message fires once when the job is taken over after a SIGKILL at %s', async (step) => {
  const c = await f.collaboration();
  const noted: RuleDefinition = {
    id: 'noted', name: 'noted', enabled: true, trigger: 'messageCreated', condition: { '==': [{ var: 'kind' }, 'ai'] },
    actions: [{ action: 'sendMessage', params: { body: 'noted' } }, { action: 'proposeActivity', params: { title: 'Follow up' } }],
  };
  expect((await f.engine.run({ collaborationId: c.id, actor: { kind: 'user', userId: 'owner1' }, name: 'setRules', params: { rules: [noted] } })).status).toBe('executed');
  f.fake.respond((req) => ({ content: answerFor(req.user, () => [{ action: 'sendMessage', params: { body: 'hello' }, reason: 'daily' }]) }));
  await scanDue(f.store, f.logger, { cron: '* * * * *', now: new Date() });
  await crashThenResume(step, () => {});
  const doc = await f.storedDoc(c.id);
  expect(readMessages(doc).map((m) => `${m.kind}:${m.body}`)).toEqual(['ai:hello', 'system:noted']);
  expect(doc.getArray('activities').toJSON().map((a: { title: string }) => a.title)).toEqual(['Follow up']);
  const ruleAudit = (await f.store.audit.list(c.id, { limit: 50 })).items.filter((e) => e.actor.kind === 'rule');
  expect(ruleAudit.map((e) => `${e.action}:${e.outcome}`).sort()).toEqual(['proposeActivity:executed', 'sendMessage:executed']);
  // One firing is one run ([A1]): both of its changes carry the same run id.
  const runs = new Set((await f.store.docs.loadHistory(c.id)).updates.filter((u) => u.attribution?.actor.kind === 'rule').map((u) => u.attribution?.runId));
  expect(runs.size).toBe(1);
}, CRASH_TEST_MS);

// Kill points around the digest's rule firing: after the digest is stored, and between the
// `checkinCompleted` rule's two actions. The digest is what the rule reacts to, so it must fire once.
it.each(['digest-saved:1', 'append:2'])('[W9] a checkinCompleted rule fires exactly once when the job is taken over after a SIGKILL at %s', async (step) => {
  const c = await f.collaboration();
  const onDigest: RuleDefinition = {
    id: 'on-digest', name: 'on digest', enabled: true, trigger: 'checkinCompleted', condition: true,
    actions: [{ action: 'sendMessage', params: { body: 'digest noted' } }, { action: 'proposeActivity', params: { title: 'Read the digest' } }],
  };
  expect((await f.engine.run({ collaborationId: c.id, actor: { kind: 'user', userId: 'owner1' }, name: 'setRules', params: { rules: [onDigest] } })).status).toBe('executed');
  f.fake.respond((req) => ({ content: answerFor(req.user, () => [{ action: 'sendMessage', params: { body: 'hello' }, reason: 'daily' }]) }));
  await scanDue(f.store, f.logger, { cron: '* * * * *', now: new Date() });
  await crashThenResume(step, () => {});
  const doc = await f.storedDoc(c.id);
  expect(readMessages(doc).map((m) => `${m.kind}:${m.body}`)).toEqual(['ai:hello', 'system:digest noted']);
  expect(doc.getArray('activities').toJSON().map((a: { title: string }) => a.title)).toEqual(['Read the digest']);
  const ruleAudit = (await f.store.audit.list(c.id, { limit: 50 })).items.filter((e) => e.actor.kind === 'rule');
  expect(ruleAudit.map((e) => `${e.action}:${e.outcome}`).sort()).toEqual(['proposeActivity:executed', 'sendMessage:executed']);
  expect((await f.store.checkins.list(c.id, { limit: 10 })).items.map((d) => d.status)).toEqual(['done']);
}, CRASH_TEST_MS);

// An owner's "check in now" a few seconds before midnight in the collaboration's zone, killed between
// its two actions; the job is taken over after midnight. It finishes the check-in it began (the day
// the owner was told), not a new one for the next day, which would leave the first half-done forever.
it('[W11] a check-in asked for just before local midnight and killed mid-way is finished, for its own day, after midnight', async () => {
  const c = await f.collaboration({ timeZone: 'Asia/Kathmandu' });
  const [act] = await f.seed(c.id, { activities: [{ title: 'Trip' }] });
  f.fake.respond((req) => ({ content: answerFor(req.user, () => [
    { action: 'sendMessage', params: { body: 'hello' }, reason: 'daily' },
    { action: 'scheduleActivity', params: { activityId: act, at: '2031-05-01T09:00:00Z' }, reason: 'dates agreed' },
  ]) }));
  // Kathmandu is UTC+05:45: its next midnight is at 18:15 UTC.
  const now = Date.now();
  const midnight = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate(), 18, 15);
  const nextMidnight = midnight > now + 30_000 ? midnight : midnight + 86_400_000;
  // The child starts (tsx, the tokenizer) well within the 20 s left before midnight.
  const shift = nextMidnight - 20_000 - now;
  const day = localDay(new Date(now + shift), c.settings.timeZone);
  // As the server enqueues it (routes/checkins.ts), telling the owner the day it will run for.
  await f.store.jobs.enqueue({ type: 'checkin', payload: { collaborationId: c.id, force: true, fresh: false, localDay: day }, dedupeKey: `checkin-now:${c.id}` });
  await crashThenResume('idem-done:1', () => {}, async () => {}, { type: 'checkin', clockShiftMs: shift, survivorNow: () => new Date(Date.now() + shift + 60_000) });
  expect(localDay(new Date(Date.now() + shift + 60_000), c.settings.timeZone)).not.toBe(day);
  const list = (await f.store.checkins.list(c.id, { limit: 10 })).items;
  expect(list.map((d) => `${d.localDay}:${d.status}`)).toEqual([`${day}:done`]);
  expect(list[0]!.proposals.map((p) => p.fate)).toEqual(['executed', 'pending_approval']);
  expect(readMessages(await f.storedDoc(c.id)).filter((m) => m.kind === 'ai').map((m) => m.body)).toEqual(['hello']);
  expect((await f.store.approvals.listPending([c.id], { limit: 10 })).items).toHaveLength(1);
}, CRASH_TEST_MS);
