// History and revert over a real server on loopback (SPEC [A5]–[A9]): members read the change
// groups and the past, a run is undone without trampling a person's later edit, a viewer cannot
// revert, an editor's revert leaves to the owners what they could not do by hand, and a revert is
// a run that can itself be reverted; a member's requests share one budget ([A11]).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import type { TestUser } from '../../testing/harness.ts';
import { addMember, api, connect, createCollaboration, login, startTestServer, synced, waitFor } from '../../testing/harness.ts';
import { HISTORY_BURST } from './history.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let dan: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, carol, dan] = await Promise.all(['alice', 'bob', 'carol', 'dan'].map((n) => login(server.url, `${n}@example.com`))) as [TestUser, TestUser, TestUser, TestUser];
});
afterAll(async () => {
  await server.stop();
});

interface Group { id: string; at: string; actor: { kind: string; id: string }; runId?: string; summary: string; changes: { root: string; itemId: string | null; field: string | null; before: unknown; after: unknown }[] }
interface Activity { id: string; title: string; status: string; at?: string }

const base = (id: string) => `/api/collaborations/${id}`;
const activities = (doc: Y.Doc) => doc.getArray<Y.Map<unknown>>('activities').toArray().map((m) => m.toJSON() as Activity);

async function scenario() {
  const id = await createCollaboration(server.url, alice, 'Trip');
  await addMember(server.url, alice, id, bob, 'editor');
  await addMember(server.url, alice, id, carol, 'viewer');
  const hike = await server.engine.run({ collaborationId: id, actor: { kind: 'user', userId: alice.user.id }, name: 'proposeActivity', params: { title: 'Hike' } });
  const hikeId = hike.status === 'executed' ? String(hike.result?.['activityId']) : '';
  const beforeRun = new Date();
  await new Promise((r) => setTimeout(r, 20));
  // One AI run: creates an activity, writes a message, and (approved by the owner) schedules the hike.
  const ai = { kind: 'ai' as const, ref: `run_ai_${id}` };
  const minibus = await server.engine.run({ collaborationId: id, actor: ai, name: 'proposeActivity', params: { title: 'Book a minibus' } });
  const minibusId = minibus.status === 'executed' ? String(minibus.result?.['activityId']) : '';
  await server.engine.run({ collaborationId: id, actor: ai, name: 'sendMessage', params: { body: 'I booked nothing yet.' } });
  const schedule = await server.engine.run({ collaborationId: id, actor: ai, name: 'scheduleActivity', params: { activityId: hikeId, at: '2030-06-01T09:00:00Z' } });
  expect(schedule.status).toBe('pending_approval');
  const approved = await api(server.url, 'POST', `/api/approvals/${schedule.status === 'pending_approval' ? schedule.approvalId : ''}/approve`, alice.token);
  expect(approved.status).toBe(200);
  return { id, hikeId, minibusId, runId: ai.ref, beforeRun };
}

describe('history and revert routes', () => {
  it('[A5] members (viewers included) read change groups newest first, filtered and paginated, with human summaries; strangers get 404', async () => {
    const s = await scenario();
    const viewer = await api<{ items: Group[]; nextCursor: string | null }>(server.url, 'GET', `${base(s.id)}/history`, carol.token);
    expect(viewer.status).toBe(200);
    const summaries = viewer.body.items.map((g) => g.summary);
    // The run is one group: what it created, wrote and (approved by the owner) scheduled.
    expect(summaries[0]).toBe("The AI created 'Book a minibus', wrote the message 'I booked nothing yet.' and 2 more changes");
    expect(viewer.body.items[0]!.changes).toContainEqual({ root: 'activities', itemId: s.hikeId, field: 'at', before: null, after: '2030-06-01T09:00:00Z' });
    expect(summaries[summaries.length - 1]).toBe("alice created 'Hike'");
    const ai = await api<{ items: Group[] }>(server.url, 'GET', `${base(s.id)}/history?kind=ai`, carol.token);
    expect(ai.body.items.length).toBeGreaterThan(0);
    expect(ai.body.items.every((g) => g.actor.kind === 'ai' && g.runId === s.runId)).toBe(true);
    expect((await api<{ items: Group[] }>(server.url, 'GET', `${base(s.id)}/history?run=${s.runId}`, bob.token)).body.items.length).toBe(ai.body.items.length);
    const page1 = await api<{ items: Group[]; nextCursor: string }>(server.url, 'GET', `${base(s.id)}/history?limit=1`, alice.token);
    expect(page1.body.items).toHaveLength(1);
    const page2 = await api<{ items: Group[] }>(server.url, 'GET', `${base(s.id)}/history?limit=1&before=${page1.body.nextCursor}`, alice.token);
    expect(page2.body.items[0]!.id).toBe(viewer.body.items[1]!.id);
    expect((await api(server.url, 'GET', `${base(s.id)}/history`, dan.token)).status).toBe(404);
    expect((await api(server.url, 'GET', `${base(s.id)}/history?kind=robot`, alice.token)).status).toBe(400);
  });

  it('[A6] history/at serves the collaboration as it was at a time or after a change group', async () => {
    const s = await scenario();
    const then = await api<{ activities: Activity[]; messages: unknown[]; notes: string }>(server.url, 'GET', `${base(s.id)}/history/at?t=${s.beforeRun.toISOString()}`, carol.token);
    expect(then.status).toBe(200);
    expect(then.body.activities.map((a) => a.title)).toEqual(['Hike']);
    expect(then.body.messages).toEqual([]);
    const groups = (await api<{ items: Group[] }>(server.url, 'GET', `${base(s.id)}/history`, carol.token)).body.items;
    const created = groups.find((g) => g.runId === s.runId)!;
    const after = await api<{ activities: Activity[] }>(server.url, 'GET', `${base(s.id)}/history/at?change=${created.id}`, carol.token);
    expect(after.body.activities.map((a) => a.title)).toEqual(['Hike', 'Book a minibus']);
    expect((await api(server.url, 'GET', `${base(s.id)}/history/at`, carol.token)).status).toBe(400);
  });

  it('[A7][A8] a run is reverted without trampling a person\'s later edit; a viewer cannot revert; the revert is a run that can be reverted', async () => {
    const s = await scenario();
    // Bob, later, moves the hike by hand (over sync): that field is his now.
    const p = connect(server.url, s.id, bob.token);
    try {
      await synced(p);
      await waitFor(() => activities(p.doc).some((a) => a.id === s.hikeId && a.status === 'scheduled'), 10_000, 'approved schedule');
      const hike = p.doc.getArray<Y.Map<unknown>>('activities').toArray().find((m) => m.get('id') === s.hikeId)!;
      hike.set('at', '2030-06-02T09:00:00Z');
      await waitFor(async () => (await api<{ items: Group[] }>(server.url, 'GET', `${base(s.id)}/history?actor=${bob.user.id}`, alice.token)).body.items.length > 0, 10_000, "bob's edit stored");
      const bobs = await api<{ items: Group[] }>(server.url, 'GET', `${base(s.id)}/history?actor=${bob.user.id}`, carol.token);
      expect(bobs.body.items[0]!.summary).toBe("bob changed the due date of 'Hike' from '2030-06-01T09:00:00Z' to '2030-06-02T09:00:00Z'");

      expect((await api(server.url, 'POST', `${base(s.id)}/runs/${s.runId}/revert`, carol.token, {})).status).toBe(403);
      expect((await api(server.url, 'POST', `${base(s.id)}/runs/${s.runId}/revert`, dan.token, {})).status).toBe(404);
      expect((await api(server.url, 'POST', `${base(s.id)}/runs/run_nothing/revert`, alice.token, {})).status).toBe(404);

      const dry = await api<{ reverted: unknown[]; conflicts: { itemId: string; field: string; by?: { id: string } }[]; runId: string | null }>(server.url, 'POST', `${base(s.id)}/runs/${s.runId}/revert`, alice.token, { dryRun: true });
      expect(dry.status).toBe(200);
      expect(dry.body.runId).toBeNull();
      expect(dry.body.conflicts).toContainEqual(expect.objectContaining({ itemId: s.hikeId, field: 'at', by: { kind: 'user', id: bob.user.id } }));
      expect(activities(p.doc).map((a) => a.title)).toContain('Book a minibus');

      const done = await api<{ reverted: { itemId: string | null; field: string | null }[]; conflicts: unknown[]; runId: string }>(server.url, 'POST', `${base(s.id)}/runs/${s.runId}/revert`, alice.token, {});
      expect(done.status).toBe(200);
      expect(done.body.runId).toMatch(/^run_/);
      expect(done.body.reverted).toContainEqual(expect.objectContaining({ itemId: s.minibusId, field: null }));
      expect(done.body.reverted).toContainEqual(expect.objectContaining({ itemId: s.hikeId, field: 'status' }));
      await waitFor(() => !activities(p.doc).some((a) => a.title === 'Book a minibus'), 10_000, 'revert reached the client');
      const hikeNow = activities(p.doc).find((a) => a.id === s.hikeId)!;
      expect(hikeNow.status).toBe('proposed');
      expect(hikeNow.at).toBe('2030-06-02T09:00:00Z');
      expect(p.doc.getArray<Y.Map<unknown>>('messages').toArray().map((m) => m.get('body'))).toEqual([]);
      const audit = await api<{ items: { action: string; actor: { userId?: string } }[] }>(server.url, 'GET', `${base(s.id)}/audit`, alice.token);
      expect(audit.body.items.some((e) => e.action === 'revertRun' && e.actor.userId === alice.user.id)).toBe(true);

      // Undo the undo.
      const again = await api<{ reverted: unknown[] }>(server.url, 'POST', `${base(s.id)}/runs/${done.body.runId}/revert`, alice.token, {});
      expect(again.status).toBe(200);
      await waitFor(() => activities(p.doc).some((a) => a.title === 'Book a minibus'), 10_000, 'undo of the undo reached the client');
      expect(activities(p.doc).find((a) => a.id === s.hikeId)!.status).toBe('scheduled');
      expect(activities(p.doc).find((a) => a.id === s.hikeId)!.at).toBe('2030-06-02T09:00:00Z');
    } finally {
      p.destroy();
    }
  });

  it('[A7][P4] a refused edit of the run\'s message (restored by the server) takes nothing over: the run still reverts whole', async () => {
    const s = await scenario();
    const p = connect(server.url, s.id, bob.token);
    try {
      await synced(p);
      await waitFor(() => p.doc.getArray('messages').length === 1, 10_000, 'the AI message');
      // [P2] an editor may not change the AI's message: refused, and the server restores it.
      (p.doc.getArray<Y.Map<unknown>>('messages').get(0)).set('body', 'hijacked');
      await waitFor(() => p.doc.getArray<Y.Map<unknown>>('messages').get(0).get('body') === 'I booked nothing yet.', 10_000, 'the refusal restored the message');
      const res = await api<{ reverted: { root: string; itemId: string | null }[]; conflicts: unknown[] }>(server.url, 'POST', `${base(s.id)}/runs/${s.runId}/revert`, alice.token, {});
      expect(res.status).toBe(200);
      expect(res.body.reverted.filter((c) => c.root === 'messages')).toHaveLength(1);
      expect(res.body.conflicts.filter((c) => (c as { root: string }).root === 'messages')).toEqual([]);
      await waitFor(() => p.doc.getArray('messages').length === 0, 10_000, 'the AI message removed');
    } finally {
      p.destroy();
    }
  });

  it('[A8] an editor reverts what they may do by hand; the rest waits for an owner\'s approval, then runs', async () => {
    const s = await scenario();
    const res = await api<{ reverted: { itemId: string | null; field: string | null }[]; needsOwner: { itemId: string | null }[]; approvalId: string }>(server.url, 'POST', `${base(s.id)}/runs/${s.runId}/revert`, bob.token, {});
    expect(res.status).toBe(200);
    // Status back to proposed is an editor's right (reopen); deleting an activity and the AI's message are not.
    expect(res.body.reverted).toContainEqual(expect.objectContaining({ itemId: s.hikeId, field: 'status' }));
    expect(res.body.needsOwner).toContainEqual(expect.objectContaining({ itemId: s.minibusId }));
    expect(res.body.approvalId).toMatch(/^apr_/);
    const inbox = await api<{ items: { id: string }[] }>(server.url, 'GET', '/api/approvals?status=pending', alice.token);
    expect(inbox.body.items.map((a) => a.id)).toContain(res.body.approvalId);
    const approve = await api(server.url, 'POST', `/api/approvals/${res.body.approvalId}/approve`, alice.token);
    expect(approve.status).toBe(200);
    const now = await api<{ activities: Activity[]; messages: unknown[] }>(server.url, 'GET', `${base(s.id)}/history/at?t=${new Date(Date.now() + 1000).toISOString()}`, bob.token);
    expect(now.body.activities.map((a) => a.title)).toEqual(['Hike']);
    expect(now.body.messages).toEqual([]);
  });

  it('[A8][A9] the revert routes answer a stranger 404 whatever the body (a collaboration they are not in does not exist for them); an owner-only undo answers a viewer 403', async () => {
    const s = await scenario();
    const [run, since] = [`${base(s.id)}/runs/${s.runId}/revert`, `${base(s.id)}/history/revert`];
    for (const body of [{}, { dryRun: 'yes' }, { actor: 'ai', since: 'yesterday' }, { injected: { $gt: '' } }]) {
      for (const path of [run, since]) expect((await api(server.url, 'POST', path, dan.token, body)).status, `${path} ${JSON.stringify(body)}`).toBe(404);
      expect((await api(server.url, 'POST', since, carol.token, body)).status, JSON.stringify(body)).toBe(403);
    }
    // Nothing was undone.
    const now = await api<{ activities: Activity[] }>(server.url, 'GET', `${base(s.id)}/history/at?t=${new Date(Date.now() + 1000).toISOString()}`, alice.token);
    expect(now.body.activities.map((a) => a.title)).toEqual(['Hike', 'Book a minibus']);
  });

  it('[A7] a run reverted five times at once is undone once: one revert run, the other answers revert nothing; undoing that undo, also five times at once, restores each entry once', async () => {
    const s = await scenario();
    const state = async () => (await api<{ activities: Activity[]; messages: { body: string }[] }>(server.url, 'GET', `${base(s.id)}/history/at?t=${new Date(Date.now() + 1000).toISOString()}`, alice.token)).body;
    const five = (runId: string) => Promise.all(Array.from({ length: 5 }, () => api<{ runId: string | null; reverted: unknown[] }>(server.url, 'POST', `${base(s.id)}/runs/${runId}/revert`, alice.token, {})));
    const first = await five(s.runId);
    expect(first.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const runs = first.map((r) => r.body.runId).filter((r): r is string => r !== null);
    expect(runs).toHaveLength(1);
    expect(first.filter((r) => r.body.runId === null).every((r) => r.body.reverted.length === 0)).toBe(true);
    let now = await state();
    expect(now.activities.map((a) => [a.title, a.status])).toEqual([['Hike', 'proposed']]);
    expect(now.messages).toEqual([]);
    const again = await five(runs[0]!);
    expect(again.map((r) => r.body.runId).filter((r) => r !== null)).toHaveLength(1);
    now = await state();
    expect(now.activities.map((a) => a.title)).toEqual(['Hike', 'Book a minibus']);
    expect(now.activities.find((a) => a.id === s.hikeId)?.status).toBe('scheduled');
    expect(now.messages.map((m) => m.body)).toEqual(['I booked nothing yet.']);
  });

  it('[A9] an owner undoes everything one actor did since a time; others may not', async () => {
    const s = await scenario();
    expect((await api(server.url, 'POST', `${base(s.id)}/history/revert`, bob.token, { actor: 'ai', since: s.beforeRun.toISOString() })).status).toBe(403);
    const res = await api<{ reverted: unknown[]; runId: string }>(server.url, 'POST', `${base(s.id)}/history/revert`, alice.token, { actor: { kind: 'ai', id: 'ai' }, since: s.beforeRun.toISOString() });
    expect(res.status).toBe(200);
    const now = await api<{ activities: Activity[]; messages: unknown[] }>(server.url, 'GET', `${base(s.id)}/history/at?t=${new Date(Date.now() + 1000).toISOString()}`, alice.token);
    expect(now.body.activities.map((a) => [a.title, a.status])).toEqual([['Hike', 'proposed']]);
    expect(now.body.messages).toEqual([]);
  });

  it('[A7] [W7] the day\'s check-in run id `checkin:<day>` undoes the run of the digest stored now, not the day\'s earlier run', async () => {
    const id = await createCollaboration(server.url, alice, 'Trip');
    const day = new Date().toISOString().slice(0, 10);
    const [first, fresh] = [`checkin:${day}:run_first`, `checkin:${day}:run_fresh`];
    for (const [ref, title] of [[first, 'First plan'], [fresh, 'Fresh plan']] as const) {
      expect((await server.engine.run({ collaborationId: id, actor: { kind: 'ai', ref }, name: 'proposeActivity', params: { title } })).status).toBe('executed');
    }
    const digest = { id: `ci_${id}`.slice(0, 64), collaborationId: id, localDay: day, status: 'running' as const, summary: '', proposals: [], provider: 'groq', model: 'm', aiGenerated: true,
      inputTokens: 0, outputTokens: 0, latencyMs: 0, createdAt: new Date().toISOString(), completedAt: null, jobId: null, answer: null, stateVector: null, requeues: 0, runId: fresh };
    await server.store.checkins.claim(digest);
    await server.store.checkins.save({ ...digest, status: 'done', completedAt: new Date().toISOString() });
    const undone = await api<{ revertedRunId: string }>(server.url, 'POST', `${base(id)}/runs/checkin:${day}/revert`, alice.token, {});
    expect(undone.status).toBe(200);
    expect(undone.body.revertedRunId).toBe(fresh);
    const left = (await api<{ activities: Activity[] }>(server.url, 'GET', `${base(id)}/history/at?t=${new Date(Date.now() + 1000).toISOString()}`, alice.token)).body.activities;
    expect(left.map((a) => a.title)).toEqual(['First plan']);
  });

  it('[A11] a member\'s history requests share one budget: past it they are answered 429 in words, and other members are not slowed', async () => {
    const erin = await login(server.url, 'erin@example.com');
    const id = await createCollaboration(server.url, alice, 'Budget');
    await addMember(server.url, alice, id, erin, 'viewer');
    const paths = [`${base(id)}/history`, `${base(id)}/history/at?t=${encodeURIComponent(new Date().toISOString())}`];
    const answers = await Promise.all(Array.from({ length: HISTORY_BURST + 40 }, (_, i) => api<{ error?: { code: string; message: string } }>(server.url, 'GET', paths[i % 2]!, erin.token)));
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(HISTORY_BURST);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.body.error).toEqual({ code: 'rate_limited', message: 'too many history requests; try again in a minute' });
    // A viewer's refused undo is counted too (it would otherwise add an audit entry per request).
    expect((await api(server.url, 'POST', `${base(id)}/runs/run_x/revert`, erin.token, {})).status).toBe(429);
    expect((await api(server.url, 'GET', paths[0]!, alice.token)).status).toBe(200);
  });
});
