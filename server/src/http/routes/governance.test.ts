// Rules, policy, members and settings over HTTP [G1] [G4].
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKIN_ORPHAN_MS, readMessages } from '@trellis/schema';
import { startTestApp } from '../test-app.ts';
import type { TestApp } from '../test-app.ts';

let t: TestApp;
let own: string;
let own2: string;
let edi: string;
beforeAll(async () => {
  t = await startTestApp();
  [own, own2, edi] = await Promise.all([t.token('own'), t.token('own2'), t.token('edi')]);
});
afterAll(async () => {
  await t.close();
});

const doneRule = {
  id: 'cheer', name: 'Cheer when done', trigger: 'activityStatusChanged',
  condition: { '==': [{ var: 'to' }, 'done'] },
  actions: [{ action: 'sendMessage', params: { body: { cat: ['🎉 ', { var: 'title' }] } } }],
};

async function completeOne(id: string, token: string) {
  const p = await t.call('POST', `/api/collaborations/${id}/actions/proposeActivity`, { token, body: { params: { title: 'Hike' } } });
  const activityId = (p.json as { result: { activityId: string } }).result.activityId;
  return t.call('POST', `/api/collaborations/${id}/actions/completeActivity`, { token, body: { params: { activityId } } });
}

describe('rules', () => {
  it('[G4] PUT rules validates and answers 400 with the reason', async () => {
    const c = await t.collaboration('own');
    const bad = await t.call('PUT', `/api/collaborations/${c.id}/rules`, { token: own, body: { rules: [{ ...doneRule, condition: { eval: 'process.exit()' } }] } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining('eval') } });
    const ok = await t.call('PUT', `/api/collaborations/${c.id}/rules`, { token: own, body: { rules: [doneRule] } });
    expect(ok.json).toMatchObject({ rules: [{ id: 'cheer', authorId: 'own', enabled: true }] });
    expect((await t.call('GET', `/api/collaborations/${c.id}/rules`, { token: own })).json).toMatchObject({ rules: [{ id: 'cheer' }] });
  });

  it('[G4] a rule fires for REST actions, as a system message', async () => {
    const c = await t.collaboration('own', { edi: 'editor' });
    await t.call('PUT', `/api/collaborations/${c.id}/rules`, { token: own, body: { rules: [doneRule] } });
    await completeOne(c.id, edi);
    expect(readMessages(await t.storedDoc(c.id))).toMatchObject([{ body: '🎉 Hike', kind: 'system' }]);
  });

  it('[G4] a rule written by an owner later downgraded to viewer does nothing', async () => {
    const c = await t.collaboration('own', { own2: 'owner' });
    await t.call('PUT', `/api/collaborations/${c.id}/rules`, { token: own, body: { rules: [doneRule] } });
    expect((await t.call('PATCH', `/api/collaborations/${c.id}/members/own`, { token: own2, body: { role: 'viewer' } })).status).toBe(200);
    expect((await completeOne(c.id, own2)).status).toBe(200);
    expect(readMessages(await t.storedDoc(c.id))).toHaveLength(0);
  });

  it('[G4] a self-triggering rule terminates', async () => {
    const c = await t.collaboration('own');
    const echo = { id: 'echo', name: 'Echo', trigger: 'messageCreated', actions: [{ action: 'sendMessage', params: { body: { cat: ['re: ', { var: 'body' }] } } }] };
    await t.call('PUT', `/api/collaborations/${c.id}/rules`, { token: own, body: { rules: [echo] } });
    const res = await t.call('POST', `/api/collaborations/${c.id}/actions/sendMessage`, { token: own, body: { params: { body: 'hi' } } });
    expect(res.status).toBe(200);
    expect(readMessages(await t.storedDoc(c.id)).map((m) => m.body)).toEqual(['hi', 're: hi', 're: re: hi', 're: re: re: hi']);
  });
});

describe('members and settings', () => {
  it('[G1] the last owner cannot leave, be removed or be downgraded (409)', async () => {
    const c = await t.collaboration('own', { edi: 'editor' });
    expect((await t.call('DELETE', `/api/collaborations/${c.id}/members/own`, { token: own })).status).toBe(409);
    expect((await t.call('PATCH', `/api/collaborations/${c.id}/members/own`, { token: own, body: { role: 'editor' } })).status).toBe(409);
    expect((await t.store.members.get(c.id, 'own'))?.role).toBe('owner');
  });

  it('[G1] add, list, change and remove members; adding twice is 409', async () => {
    const c = await t.collaboration('own');
    const added = await t.call('POST', `/api/collaborations/${c.id}/members`, { token: own, body: { userId: 'not-yet-signed-in', role: 'editor' } });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ userId: 'not-yet-signed-in', role: 'editor', addedBy: 'own' });
    expect((await t.call('POST', `/api/collaborations/${c.id}/members`, { token: own, body: { userId: 'not-yet-signed-in', role: 'viewer' } })).status).toBe(409);
    const page1 = await t.call('GET', `/api/collaborations/${c.id}/members?limit=1`, { token: own });
    const p1 = page1.json as { items: { userId: string }[]; nextCursor: string };
    expect(p1.items).toHaveLength(1);
    const page2 = await t.call('GET', `/api/collaborations/${c.id}/members?limit=1&cursor=${p1.nextCursor}`, { token: own });
    expect((page2.json as { items: unknown[]; nextCursor: null }).nextCursor).toBeNull();
    expect((await t.call('PATCH', `/api/collaborations/${c.id}/members/not-yet-signed-in`, { token: own, body: { role: 'viewer' } })).json).toMatchObject({ role: 'viewer' });
    expect((await t.call('DELETE', `/api/collaborations/${c.id}/members/not-yet-signed-in`, { token: own })).status).toBe(200);
    expect((await t.call('DELETE', `/api/collaborations/${c.id}/members/not-yet-signed-in`, { token: own })).status).toBe(404);
    const log = await t.store.audit.list(c.id, { limit: 10 });
    expect(log.items.filter((e) => e.kind === 'membership').map((e) => e.action)).toEqual(expect.arrayContaining(['addMember', 'changeRole', 'removeMember']));
  });

  it('PATCH updates title, time zone, AI check-ins and archive; bad time zone is 400', async () => {
    const c = await t.collaboration('own');
    const res = await t.call('PATCH', `/api/collaborations/${c.id}`, { token: own, body: { title: 'Renamed', settings: { timeZone: 'Europe/Berlin' } } });
    expect(res.json).toMatchObject({ title: 'Renamed', settings: { timeZone: 'Europe/Berlin', aiCheckins: true }, role: 'owner' });
    expect((await t.call('PATCH', `/api/collaborations/${c.id}`, { token: own, body: { settings: { aiCheckins: false }, archived: true } })).json).toMatchObject({ settings: { timeZone: 'Europe/Berlin', aiCheckins: false }, archived: true });
    expect((await t.call('PATCH', `/api/collaborations/${c.id}`, { token: own, body: { settings: { timeZone: 'Nowhere/Land' } } })).status).toBe(400);
  });

  it('POST then GET /api/collaborations lists mine with my role, paginated', async () => {
    const token = await t.token('lister');
    for (const title of ['A', 'B', 'C']) expect((await t.call('POST', '/api/collaborations', { token, body: { title } })).status).toBe(201);
    const first = (await t.call('GET', '/api/collaborations?limit=2', { token })).json as { items: { title: string; role: string }[]; nextCursor: string };
    expect(first.items.map((i) => i.title)).toEqual(['C', 'B']);
    expect(first.items[0]?.role).toBe('owner');
    const second = (await t.call('GET', `/api/collaborations?limit=2&cursor=${first.nextCursor}`, { token })).json as { items: { title: string }[]; nextCursor: null };
    expect(second).toMatchObject({ items: [{ title: 'A' }], nextCursor: null });
  });
});

describe('check-ins, notifications, me', () => {
  it('[W7] [W11] POST checkins says what will happen: 202 with the job, 409 with the reason when nothing will run; GET lists digests', async () => {
    const c = await t.collaboration('own', { edi: 'editor' });
    const first = await t.call('POST', `/api/collaborations/${c.id}/checkins`, { token: own });
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ status: 'queued', jobId: expect.any(String), supersedes: null });
    const job = await t.store.jobs.get((first.json as { jobId: string }).jobId);
    // [W11] The job carries the day the owner is told, so it runs for that day even after midnight.
    expect(job).toMatchObject({ type: 'checkin', payload: { collaborationId: c.id, force: true, fresh: false, localDay: (first.json as { localDay: string }).localDay }, dedupeKey: `checkin-now:${c.id}` });
    const again = await t.call('POST', `/api/collaborations/${c.id}/checkins`, { token: own });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: { code: 'conflict', message: expect.stringMatching(/already queued/) } });
    expect((await t.call('GET', `/api/collaborations/${c.id}/checkins`, { token: edi })).json).toEqual({ items: [], nextCursor: null });

    // Today's digest done: 409 unless a fresh run is asked for, which supersedes it.
    await t.store.jobs.complete(job!.id, (await t.store.jobs.claim(['checkin'], 'w', 1000))!.leaseId!);
    const day = new Date().toISOString().slice(0, 10);
    const digest = { id: 'ci_done', collaborationId: c.id, localDay: day, status: 'running' as const, summary: '', proposals: [], provider: 'offline', model: 'rules', aiGenerated: false,
      inputTokens: 0, outputTokens: 0, latencyMs: 0, createdAt: new Date().toISOString(), completedAt: null, jobId: null, answer: null, stateVector: null, requeues: 0 };
    await t.store.checkins.claim(digest);
    await t.store.checkins.save({ ...digest, status: 'done', summary: 'done today' });
    const done = await t.call('POST', `/api/collaborations/${c.id}/checkins`, { token: own });
    expect(done.status).toBe(409);
    expect((done.json as { error: { message: string } }).error.message).toMatch(/already done; ask for a fresh run/);
    const fresh = await t.call('POST', `/api/collaborations/${c.id}/checkins`, { token: own, body: { fresh: true } });
    expect(fresh.status).toBe(202);
    expect(fresh.json).toMatchObject({ supersedes: 'ci_done' });
    expect((await t.store.jobs.get((fresh.json as { jobId: string }).jobId))!.payload).toMatchObject({ fresh: true });
    const audit = (await t.call('GET', `/api/collaborations/${c.id}/audit`, { token: own })).json as { items: { action: string; outcome: string }[] };
    expect(audit.items.filter((e) => e.action === 'checkinNow').map((e) => e.outcome)).toEqual(['queued', 'refused:conflict', 'refused:conflict', 'queued']);
  });

  it('[W13] a check-in left running by a job that is gone no longer blocks the day: after two hours the owner may ask again', async () => {
    const c = await t.collaboration('own', {});
    const day = new Date().toISOString().slice(0, 10);
    const startedAt = (ms: number) => new Date(Date.now() - ms).toISOString();
    const stuck = { id: 'ci_stuck', collaborationId: c.id, localDay: day, status: 'running' as const, summary: '', proposals: [], provider: 'groq', model: 'm', aiGenerated: true,
      inputTokens: 0, outputTokens: 0, latencyMs: 0, createdAt: startedAt(10 * 60_000), completedAt: null, jobId: 'job_gone', answer: null, stateVector: null, requeues: 0 };
    await t.store.checkins.claim(stuck);
    const recent = await t.call('POST', `/api/collaborations/${c.id}/checkins`, { token: own });
    expect(recent.status).toBe(409);
    expect((recent.json as { error: { message: string } }).error.message).toMatch(/already running; if it has not finished two hours after it started, you can ask again/);
    await t.store.checkins.save({ ...stuck, createdAt: startedAt(CHECKIN_ORPHAN_MS + 60_000) });
    const later = await t.call('POST', `/api/collaborations/${c.id}/checkins`, { token: own });
    expect(later.status).toBe(202);
    expect(later.json).toMatchObject({ status: 'queued', supersedes: 'ci_stuck', localDay: day });
    expect((await t.store.jobs.get((later.json as { jobId: string }).jobId))!.payload).toMatchObject({ collaborationId: c.id, force: true, localDay: day });
  });

  it('mentions create notifications the user can list and mark read; /api/me counts unread', async () => {
    const c = await t.collaboration('own', { edi: 'editor' });
    await t.call('GET', '/api/me', { token: edi }); // first sight mirrors the user (display name "edi")
    await t.call('POST', `/api/collaborations/${c.id}/actions/sendMessage`, { token: own, body: { params: { body: 'ping @edi' } } });
    const me = await t.call('GET', '/api/me', { token: edi });
    expect(me.json).toMatchObject({ user: { id: 'edi', email: 'edi@example.com' }, unreadNotifications: 1 });
    const list = (await t.call('GET', '/api/notifications?unread=1', { token: edi })).json as { items: { id: string; kind: string }[] };
    expect(list.items).toMatchObject([{ kind: 'mention' }]);
    const read = await t.call('POST', '/api/notifications/read', { token: edi, body: { ids: [list.items[0]!.id] } });
    expect(read.json).toEqual({ updated: 1, unread: 0 });
    // Someone else's notification id changes nothing.
    expect((await t.call('POST', '/api/notifications/read', { token: own, body: { ids: [list.items[0]!.id] } })).json).toMatchObject({ updated: 0 });
  });
});
