// Approvals that respect later changes [G3] and the activity state machine [G5], through the real
// REST routes of a real server on loopback (dev login, port 0).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readActivities } from '@trellis/schema';
import { addMember, api, createCollaboration, login, startTestServer, storedDoc } from '../../testing/harness.ts';
import type { TestUser } from '../../testing/harness.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let own: TestUser;
let edi: TestUser;
let vie: TestUser;

beforeAll(async () => {
  srv = await startTestServer();
  [own, edi, vie] = await Promise.all([login(srv.url, 'own@example.com'), login(srv.url, 'edi@example.com'), login(srv.url, 'vie@example.com')]);
});
afterAll(async () => {
  await srv.stop();
});

const act = (c: string, who: TestUser, name: string, params: Record<string, unknown>) => api<Record<string, unknown>>(srv.url, 'POST', `/api/collaborations/${c}/actions/${name}`, who.token, { params });
const decide = (approvalId: string, decision: 'approve' | 'reject' | 'repropose', who = own) => api<Record<string, unknown>>(srv.url, 'POST', `/api/approvals/${approvalId}/${decision}`, who.token);
const activity = async (c: string, id: string) => readActivities(await storedDoc(srv.dataDir, c)).find((a) => a.id === id);

async function withActivity() {
  const c = await createCollaboration(srv.url, own);
  await addMember(srv.url, own, c, edi, 'editor');
  await addMember(srv.url, own, c, vie, 'viewer');
  const res = await act(c, edi, 'proposeActivity', { title: 'Hike' });
  return { c, activityId: String((res.body['result'] as { activityId: string }).activityId) };
}

/** The AI's schedule of the activity, waiting for an owner (default policy). */
async function aiSchedule(c: string, activityId: string, at = '2031-02-03T04:05:06Z'): Promise<string> {
  const out = await srv.engine.run({ collaborationId: c, actor: { kind: 'ai', ref: 'run1' }, name: 'scheduleActivity', params: { activityId, at } });
  if (out.status !== 'pending_approval') throw new Error(`expected pending approval, got ${JSON.stringify(out)}`);
  return out.approvalId;
}

describe('stale approvals over REST', () => {
  it('[G3][G5] approving the AI\'s schedule of a since-cancelled activity: 409 stale, it stays cancelled, the approval stays rejectable', async () => {
    const { c, activityId } = await withActivity();
    const approvalId = await aiSchedule(c, activityId);
    expect((await act(c, edi, 'cancelActivity', { activityId, reason: 'rain' })).status).toBe(200);
    expect((await api(srv.url, 'GET', `/api/approvals/${approvalId}`, own.token)).body).toMatchObject({ stale: true, status: 'pending' });
    const res = await decide(approvalId, 'approve');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'stale' } });
    expect(await activity(c, activityId)).toMatchObject({ status: 'cancelled', cancelReason: 'rain' });
    // Re-proposing it is refused too: a cancelled activity cannot be scheduled (reopen it first).
    expect(await decide(approvalId, 'repropose')).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect((await decide(approvalId, 'reject')).body).toMatchObject({ status: 'rejected', approval: { status: 'rejected' } });
    const log = await api<{ items: { kind: string; outcome: string }[] }>(srv.url, 'GET', `/api/collaborations/${c}/audit?limit=100`, own.token);
    expect(log.body.items.filter((e) => e.kind === 'approval').map((e) => e.outcome)).toEqual(['rejected', 'refused:stale']);
  });

  it('[G3] an owner re-proposes a stale approval from the current state; approving the new one runs it', async () => {
    const { c, activityId } = await withActivity();
    const approvalId = await aiSchedule(c, activityId, '2031-02-03T04:05:06Z');
    // The activity changes meanwhile: an editor schedules it at another time.
    expect((await act(c, edi, 'scheduleActivity', { activityId, at: '2031-01-01T10:00:00Z' })).status).toBe(200);
    expect((await decide(approvalId, 'approve')).status).toBe(409);
    expect((await decide(approvalId, 'repropose', edi)).status).toBe(403);
    const again = await decide(approvalId, 'repropose');
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ status: 'pending_approval', approval: { status: 'pending', action: 'scheduleActivity', proposedBy: { kind: 'ai' } }, superseded: { id: approvalId, status: 'rejected' } });
    const newId = String(again.body['approvalId']);
    expect((await api(srv.url, 'GET', `/api/approvals/${newId}`, own.token)).body).toMatchObject({ stale: false });
    expect((await decide(newId, 'approve')).body).toMatchObject({ status: 'approved', outcome: { status: 'executed' } });
    expect(await activity(c, activityId)).toMatchObject({ status: 'scheduled', at: '2031-02-03T04:05:06Z' });
    expect((await decide(approvalId, 'approve')).status).toBe(409);
  });

  it('[G3] an approval whose target did not change runs as before', async () => {
    const { c, activityId } = await withActivity();
    const approvalId = await aiSchedule(c, activityId);
    expect((await decide(approvalId, 'approve')).body).toMatchObject({ status: 'approved', outcome: { status: 'executed' } });
    expect((await activity(c, activityId))?.status).toBe('scheduled');
  });
});

describe('reopenActivity over REST', () => {
  it('[G5] a cancelled activity cannot be scheduled (409); reopen brings it back; viewers may not reopen', async () => {
    const { c, activityId } = await withActivity();
    expect((await act(c, edi, 'scheduleActivity', { activityId, at: '2031-01-01T10:00:00Z' })).status).toBe(200);
    expect((await act(c, edi, 'cancelActivity', { activityId, reason: 'rain' })).status).toBe(200);
    expect(await act(c, own, 'scheduleActivity', { activityId, at: '2031-01-02T10:00:00Z' })).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect(await act(c, own, 'completeActivity', { activityId })).toMatchObject({ status: 409 });
    expect((await act(c, vie, 'reopenActivity', { activityId })).status).toBe(403);
    expect(await act(c, edi, 'reopenActivity', { activityId })).toMatchObject({ status: 200, body: { status: 'executed', result: { status: 'scheduled' } } });
    const a = await activity(c, activityId);
    expect(a).toMatchObject({ status: 'scheduled', at: '2031-01-01T10:00:00Z' });
    expect(a?.cancelReason).toBeUndefined();
    const ai = await srv.engine.run({ collaborationId: c, actor: { kind: 'ai' }, name: 'completeActivity', params: { activityId } });
    expect(ai.status).toBe('pending_approval');
  });

  it('[G5] the policy lists reopenActivity with its defaults', async () => {
    const { c } = await withActivity();
    const res = await api<{ defaults: Record<string, Record<string, string>> }>(srv.url, 'GET', `/api/collaborations/${c}/policy`, vie.token);
    expect(res.body.defaults['reopenActivity']).toEqual({ owner: 'allow', editor: 'allow', viewer: 'deny', ai: 'approval', rule: 'allow' });
  });
});
