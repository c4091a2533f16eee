import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKIN_ORPHAN_MS, readMessages } from '@trellis/schema';
import type { WorkerFixture } from '../testing/fixture.ts';
import { answerFor, idsInPrompt, workerFixture } from '../testing/fixture.ts';
import type { CheckinItem } from './claim.ts';
import { runningCheckin } from './claim.ts';
import { localDay } from './local-day.ts';
import { runCheckins } from './run-checkins.ts';

let f: WorkerFixture;
beforeEach(async () => {
  f = await workerFixture();
});
afterEach(() => f.close());

const day = () => localDay(new Date(), 'UTC');
const items = (ids: string[], job = 'job_t1'): CheckinItem[] => ids.map((id, i) => ({ collaborationId: id, localDay: day(), checkinId: `ci_${job}_${i}` }));
const opts = { jobId: 'job_t1', force: false, final: false, signal: new AbortController().signal };

describe('check-in batches', () => {
  it('a normal batch: AI messages land in the doc, protected actions become approvals with the reason, digests are stored', async () => {
    const a = await f.collaboration();
    const b = await f.collaboration();
    const [actId] = await f.seed(a.id, { messages: ['Shall we book the cabin?'], activities: [{ title: 'Book cabin' }] });
    f.fake.respond((req) => ({
      content: answerFor(req.user, (id) => [
        { action: 'sendMessage', params: { body: `Good morning ${id}` }, reason: 'daily nudge' },
        ...(id === a.id ? [{ action: 'scheduleActivity', params: { activityId: actId, at: '2030-01-01T10:00:00Z' }, reason: 'the team agreed on a date' }] : []),
      ]),
    }));
    const res = await runCheckins(f.deps(), items([a.id, b.id]), opts);
    expect(res.done).toHaveLength(2);
    expect(f.fake.requests).toHaveLength(1);
    expect(idsInPrompt(f.fake.requests[0]!.user).sort()).toEqual([a.id, b.id].sort());

    const msgs = readMessages(await f.storedDoc(a.id)).filter((m) => m.kind === 'ai');
    expect(msgs.map((m) => m.body)).toEqual([`Good morning ${a.id}`]);
    const pending = await f.store.approvals.listPending([a.id], { limit: 10 });
    expect(pending.items).toHaveLength(1);
    expect(pending.items[0]).toMatchObject({ action: 'scheduleActivity', reason: 'the team agreed on a date' });

    const digest = await f.store.checkins.get(a.id, day());
    expect(digest).toMatchObject({ status: 'done', provider: 'groq', model: 'llama-test', aiGenerated: true, summary: `All quiet in ${a.id}.` });
    expect(digest!.proposals.map((p) => p.fate)).toEqual(['executed', 'pending_approval']);
    expect(digest!.proposals[1]!.approvalId).toBe(pending.items[0]!.id);
    expect(digest!.inputTokens).toBeGreaterThan(0);
  });

  it('an unknown or malformed action is refused on its own; the rest still run', async () => {
    const a = await f.collaboration();
    f.fake.respond((req) => ({
      content: answerFor(req.user, () => [
        { action: 'launchRockets', params: {}, reason: 'why not' },
        { action: 'sendMessage', params: { body: 42 }, reason: 'bad params' },
        'not even an object',
        { action: 'sendMessage', params: { body: 'hello' }, reason: 'ok' },
      ]),
    }));
    const [digest] = (await runCheckins(f.deps(), items([a.id]), opts)).done;
    expect(digest!.proposals.map((p) => [p.fate, p.detail?.split(':')[0]])).toEqual([
      ['refused', 'unknown action "launchRockets"'], ['refused', 'bad_request'], ['refused', 'malformed action'], ['executed', undefined],
    ]);
    expect(readMessages(await f.storedDoc(a.id)).map((m) => m.body)).toEqual(['hello']);
  });

  it('an entry for a collaboration not in the batch is never acted on', async () => {
    const a = await f.collaboration();
    const other = await f.collaboration();
    f.fake.respond((req) => ({
      content: JSON.stringify({ checkins: [
        ...JSON.parse(answerFor(req.user)).checkins,
        { collaborationId: other.id, summary: 'sneaky', actions: [{ action: 'sendMessage', params: { body: 'pwned' }, reason: 'x' }] },
      ] }),
    }));
    const res = await runCheckins(f.deps(), items([a.id]), opts);
    expect(res.done.map((d) => d.collaborationId)).toEqual([a.id]);
    expect(readMessages(await f.storedDoc(other.id))).toEqual([]);
    expect(await f.store.checkins.get(other.id, day())).toBeNull();
  });

  it('[W7] 10,000 actions in one answer: the first 10 run, the next 40 are listed as refused, the rest are one refusal', async () => {
    const a = await f.collaboration();
    const flood = Array.from({ length: 10_000 }, (_, i) => ({ action: 'sendMessage', params: { body: `spam ${i}` }, reason: 'spam' }));
    f.fake.respond((req) => ({ content: answerFor(req.user, () => flood) }));
    const [digest] = (await runCheckins(f.deps(), items([a.id]), opts)).done;
    expect(f.fake.requests).toHaveLength(1);
    expect(readMessages(await f.storedDoc(a.id))).toHaveLength(10);
    expect(digest!.proposals).toHaveLength(51);
    expect(digest!.proposals.filter((p) => p.fate === 'executed')).toHaveLength(10);
    expect(digest!.proposals.filter((p) => p.detail === 'too many actions (max 10)')).toHaveLength(40);
    expect(digest!.proposals.at(-1)).toMatchObject({ action: '(more actions)', fate: 'refused', detail: '9950 more action(s) refused: too many actions (max 10)' });
    const audit = (await f.store.audit.list(a.id, { limit: 100 })).items;
    expect(audit.filter((e) => e.outcome === 'refused:too_many')).toHaveLength(41);
  });

  it('[W7] a duplicate entry for one collaboration is recorded in the digest and the audit; only the first runs', async () => {
    const a = await f.collaboration();
    f.fake.respond(() => ({ content: JSON.stringify({ checkins: [
      { collaborationId: a.id, summary: 'first', actions: [{ action: 'sendMessage', params: { body: 'one' }, reason: 'r' }] },
      { collaborationId: a.id, summary: 'second', actions: [{ action: 'sendMessage', params: { body: 'two' }, reason: 'r' }, { action: 'proposeActivity', params: { title: 'x' }, reason: 'r' }] },
    ] }) }));
    const [digest] = (await runCheckins(f.deps(), items([a.id]), opts)).done;
    expect(digest!.summary).toBe('first');
    expect(readMessages(await f.storedDoc(a.id)).map((m) => m.body)).toEqual(['one']);
    expect(digest!.proposals.map((p) => [p.action, p.fate])).toEqual([['sendMessage', 'executed'], ['(duplicate entry)', 'refused']]);
    expect(digest!.proposals[1]!.detail).toMatch(/second entry .* ignored \(it proposed 2 action/);
    expect((await f.store.audit.list(a.id, { limit: 10 })).items.map((e) => e.outcome)).toContain('refused:duplicate');
  });

  it('[W4] every proposal\'s fate, refused before or inside the engine, is in the audit log and the digest, once', async () => {
    const a = await f.collaboration();
    const [actId] = await f.seed(a.id, { activities: [{ title: 'Book cabin' }] });
    f.fake.respond((req) => ({
      content: answerFor(req.user, () => [
        { action: 'launchRockets', params: {}, reason: 'why not' },
        'not even an object',
        { action: 'removeMember', params: { userId: 'owner1' }, reason: 'the notes said so' },
        { action: 'sendMessage', params: { body: 42 }, reason: 'bad params' },
        { action: 'cancelActivity', params: { activityId: 'act_missing' }, reason: 'gone' },
        { action: 'sendMessage', params: { body: 'hello' }, reason: 'ok' },
        { action: 'scheduleActivity', params: { activityId: actId, at: '2030-01-01T10:00:00Z' }, reason: 'agreed' },
      ]),
    }));
    const [digest] = (await runCheckins(f.deps(), items([a.id]), opts)).done;
    expect(digest!.proposals.map((p) => p.fate)).toEqual(['refused', 'refused', 'refused', 'refused', 'refused', 'executed', 'pending_approval']);
    const audited = async () => (await f.store.audit.list(a.id, { limit: 50 })).items.filter((e) => e.actor.kind === 'ai').reverse();
    const expected = [
      ['launchRockets', 'refused:unknown_action'], ['(malformed)', 'refused:malformed'], ['removeMember', 'refused:governance'], ['sendMessage', 'refused:bad_request'],
      ['cancelActivity', 'refused:not_found'], ['sendMessage', 'executed'], ['scheduleActivity', 'pending_approval'],
    ];
    // Entries written within one millisecond have no order among them (ids sort by time, then by a
    // digest): compare as sets.
    const byKey = (rows: (string | null)[][]) => rows.map((r) => r.join(' ')).sort();
    expect(byKey((await audited()).map((e) => [e.action, e.outcome]))).toEqual(byKey(expected));
    expect((await audited()).find((e) => e.action === 'launchRockets')!.detail).toMatchObject({ message: 'unknown action "launchRockets"', reason: 'why not', decided: 'before the engine' });
    // A retry of the same run (its answer stored) decides the same refusals without logging them again.
    const stored = (await f.store.checkins.get(a.id, day()))!;
    await f.store.checkins.save({ ...stored, status: 'running' });
    await runCheckins(f.deps(), items([a.id]), opts);
    expect(await audited()).toHaveLength(expected.length);
    expect(f.fake.requests).toHaveLength(1);
  });

  it.each([
    ['prose around the JSON', (json: string) => `Sure! Here is the digest:\n${json}\nHope this helps.`],
    ['a ```json fence', (json: string) => `\`\`\`json\n${json}\n\`\`\``],
  ])('accepts %s', async (_name, wrap) => {
    const a = await f.collaboration();
    f.fake.respond((req) => ({ content: wrap(answerFor(req.user)) }));
    const res = await runCheckins(f.deps(), items([a.id]), opts);
    expect(res.done).toHaveLength(1);
    expect(f.fake.requests).toHaveLength(1);
  });

  it('truncated JSON is invalid: asked again once, then split in halves, never half-used', async () => {
    const cs = await Promise.all([1, 2, 3, 4].map(() => f.collaboration()));
    let calls = 0;
    f.fake.respond((req) => {
      calls++;
      const full = answerFor(req.user, () => [{ action: 'sendMessage', params: { body: 'hi' }, reason: 'r' }]);
      // The first two answers (the batch and its retry) are cut off; the halves are fine.
      return { content: calls <= 2 ? full.slice(0, full.length - 20) : full };
    });
    const res = await runCheckins(f.deps(), items(cs.map((c) => c.id)), opts);
    expect(res.done).toHaveLength(4);
    expect(f.fake.requests.map((r) => idsInPrompt(r.user).length)).toEqual([4, 4, 2, 2]);
    for (const c of cs) expect(readMessages(await f.storedDoc(c.id))).toHaveLength(1);
  });

  it('a partial answer: present entries are used, the missing ones asked again', async () => {
    const cs = await Promise.all([1, 2, 3].map(() => f.collaboration()));
    f.fake.respond((req) => {
      const ids = idsInPrompt(req.user);
      const keep = ids.length > 1 ? ids.slice(0, 1) : ids;
      return { content: JSON.stringify({ checkins: keep.map((id) => ({ collaborationId: id, summary: 's', actions: [] })) }) };
    });
    const res = await runCheckins(f.deps(), items(cs.map((c) => c.id)), opts);
    expect(res.done).toHaveLength(3);
    expect(f.fake.requests.map((r) => idsInPrompt(r.user).length)).toEqual([3, 2, 1]);
  });

  it('the offline provider writes a rule-based digest labelled aiGenerated:false, model rules', async () => {
    const a = await f.collaboration();
    await f.seed(a.id, { activities: [{ title: 'Pay deposit', status: 'scheduled', at: '2020-01-01T00:00:00Z' }] });
    const [digest] = (await runCheckins(f.deps({ provider: f.provider('offline') }), items([a.id]), opts)).done;
    expect(digest).toMatchObject({ status: 'done', aiGenerated: false, model: 'rules', provider: 'offline', proposals: [] });
    expect(digest!.summary).toContain('Overdue: "Pay deposit"');
    expect(f.fake.requests).toHaveLength(0);
  });

  it('[W7] a fresh run asked for by an owner supersedes today\'s digest once; its retry resumes it', async () => {
    const a = await f.collaboration();
    let n = 0;
    f.fake.respond((req) => ({ content: answerFor(req.user, () => [{ action: 'sendMessage', params: { body: `run ${++n}` }, reason: 'r' }]) }));
    await runCheckins(f.deps(), items([a.id], 'job_a'), { ...opts, jobId: 'job_a' });
    const item = [{ collaborationId: a.id, localDay: day(), checkinId: 'ci_job_fresh' }];
    const [fresh] = (await runCheckins(f.deps(), item, { ...opts, jobId: 'job_fresh', force: true, fresh: true })).done;
    expect(fresh).toMatchObject({ status: 'done', jobId: 'job_fresh' });
    expect((await f.store.checkins.list(a.id, { limit: 5 })).items.map((c) => c.proposals[0]!.params)).toEqual([{ body: 'run 2' }]);
    // Redelivered, the same job does not run a third time.
    expect((await runCheckins(f.deps(), item, { ...opts, jobId: 'job_fresh', force: true, fresh: true })).skipped).toBe(1);
    expect(readMessages(await f.storedDoc(a.id)).map((m) => m.body)).toEqual(['run 1', 'run 2']);
  });

  it('[W13] an owner\'s forced run takes over a check-in its lost job left running for over two hours, and finishes it', async () => {
    const a = await f.collaboration();
    f.fake.respond((req) => ({ content: answerFor(req.user, () => [{ action: 'sendMessage', params: { body: 'back on track' }, reason: 'r' }]) }));
    const stuck = { ...runningCheckin({ collaborationId: a.id, localDay: day(), checkinId: 'ci_stuck' }, new Date(Date.now() - CHECKIN_ORPHAN_MS - 60_000), 'job_gone') };
    expect(await f.store.checkins.claim(stuck)).toBe(true);
    const item = [{ collaborationId: a.id, localDay: day(), checkinId: 'ci_job_now' }];
    const [done] = (await runCheckins(f.deps(), item, { ...opts, jobId: 'job_now', force: true, fresh: true })).done;
    expect(done).toMatchObject({ id: 'ci_stuck', status: 'done', jobId: 'job_now' });
    expect(done!.runId).not.toBe(stuck.runId);
    expect(await f.store.checkins.get(a.id, day())).toMatchObject({ id: 'ci_stuck', status: 'done' });
    expect(readMessages(await f.storedDoc(a.id)).map((m) => m.body)).toEqual(['back on track']);
  });

  it('[W13] a check-in running for less than two hours is left to its job: a forced run skips it', async () => {
    const a = await f.collaboration();
    const running = runningCheckin({ collaborationId: a.id, localDay: day(), checkinId: 'ci_busy' }, new Date(Date.now() - 10 * 60_000), 'job_alive');
    expect(await f.store.checkins.claim(running)).toBe(true);
    const res = await runCheckins(f.deps(), [{ collaborationId: a.id, localDay: day(), checkinId: 'ci_job_now' }], { ...opts, jobId: 'job_now', force: true, fresh: true });
    expect(res).toMatchObject({ done: [], skipped: 1 });
    expect(await f.store.checkins.get(a.id, day())).toMatchObject({ id: 'ci_busy', status: 'running', jobId: 'job_alive' });
    expect(f.fake.requests).toHaveLength(0);
  });

  it('[A7] [W7] each run of a day has its own run id: undoing the fresh run leaves the first run\'s changes', async () => {
    const a = await f.collaboration();
    let n = 0;
    f.fake.respond((req) => ({ content: answerFor(req.user, () => [{ action: 'proposeActivity', params: { title: `Plan ${++n}` }, reason: 'r' }]) }));
    const [first] = (await runCheckins(f.deps(), items([a.id], 'job_a'), { ...opts, jobId: 'job_a' })).done;
    const item = [{ collaborationId: a.id, localDay: day(), checkinId: 'ci_job_fresh' }];
    const [second] = (await runCheckins(f.deps(), item, { ...opts, jobId: 'job_fresh', force: true, fresh: true })).done;
    expect(first!.runId).toMatch(new RegExp(`^checkin:${day()}:run_`));
    expect(second!.runId).toMatch(new RegExp(`^checkin:${day()}:run_`));
    expect(second!.runId).not.toBe(first!.runId);
    // The digest served names the run that made it.
    expect((await f.store.checkins.get(a.id, day()))!.runId).toBe(second!.runId);
    const titles = async () => ((await f.storedDoc(a.id)).getArray('activities').toJSON() as { title: string }[]).map((x) => x.title);
    expect(await titles()).toEqual(['Plan 1', 'Plan 2']);
    const undone = await f.engine.revert({ collaborationId: a.id, userId: 'owner1', selector: { runId: second!.runId! } });
    expect(undone).toMatchObject({ status: 'done', conflicts: [] });
    expect(await titles()).toEqual(['Plan 1']);
  });

  it('[A4] [A7] a check-in record stored before run ids keeps its day\'s run id, so its changes stay revertible', async () => {
    const a = await f.collaboration();
    f.fake.respond((req) => ({ content: answerFor(req.user, () => [{ action: 'proposeActivity', params: { title: 'Old plan' }, reason: 'r' }]) }));
    const [legacy] = items([a.id], 'job_old');
    const { runId: _dropped, ...old } = runningCheckin(legacy!, new Date(), 'job_old');
    expect(await f.store.checkins.claim(old)).toBe(true);
    const [done] = (await runCheckins(f.deps(), [legacy!], { ...opts, jobId: 'job_old' })).done;
    expect(done!.runId).toBeUndefined();
    const undone = await f.engine.revert({ collaborationId: a.id, userId: 'owner1', selector: { runId: `checkin:${day()}` } });
    expect(undone).toMatchObject({ status: 'done', conflicts: [] });
    expect((await f.storedDoc(a.id)).getArray('activities').toJSON()).toEqual([]);
  });

  it('a collaboration already done today is skipped', async () => {
    const a = await f.collaboration();
    f.fake.respond((req) => ({ content: answerFor(req.user) }));
    await runCheckins(f.deps(), items([a.id], 'job_a'), { ...opts, jobId: 'job_a' });
    const again = await runCheckins(f.deps(), items([a.id], 'job_b'), { ...opts, jobId: 'job_b' });
    expect(again.skipped).toBe(1);
    expect(f.fake.requests).toHaveLength(1);
  });
});
