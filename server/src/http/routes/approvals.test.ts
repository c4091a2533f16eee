// Approvals over HTTP [G3] and the contract's default policy [G2].
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readActivities, readMessages } from '@trellis/schema';
import { startTestApp } from '../test-app.ts';
import type { TestApp } from '../test-app.ts';

let t: TestApp;
let own: string;
let edi: string;
let vie: string;
beforeAll(async () => {
  t = await startTestApp();
  [own, edi, vie] = await Promise.all([t.token('own'), t.token('edi'), t.token('vie')]);
});
afterAll(async () => {
  await t.close();
});

async function withActivity() {
  const c = await t.collaboration('own', { edi: 'editor', vie: 'viewer' });
  const res = await t.call('POST', `/api/collaborations/${c.id}/actions/proposeActivity`, { token: edi, body: { params: { title: 'Hike' } } });
  const activityId = String((res.json as { result: { activityId: string } }).result.activityId);
  return { id: c.id, activityId };
}

describe('default policy per CONTRACT', () => {
  it('[G2] AI schedule → 202-style pending approval the owner sees; viewer → 403; editor → 200', async () => {
    const { id, activityId } = await withActivity();
    const ai = await t.engine.run({ collaborationId: id, actor: { kind: 'ai' }, name: 'scheduleActivity', params: { activityId, at: '2031-02-03T04:05:06Z' } });
    expect(ai.status).toBe('pending_approval');
    const mine = await t.call('GET', '/api/approvals?status=pending', { token: own });
    expect((mine.json as { items: { id: string }[] }).items.map((a) => a.id)).toContain(ai.status === 'pending_approval' ? ai.approvalId : '');
    expect((await t.call('GET', '/api/approvals?status=pending', { token: edi })).json).toMatchObject({ items: [], nextCursor: null });
    expect((await t.call('POST', `/api/collaborations/${id}/actions/sendMessage`, { token: vie, body: { params: { body: 'hi' } } })).status).toBe(403);
    expect((await t.call('POST', `/api/collaborations/${id}/actions/sendMessage`, { token: edi, body: { params: { body: 'hi' } } })).json).toMatchObject({ status: 'executed' });
  });

  it('[G2] an owner can make cancelActivity need approval for editors → 202 with approvalId', async () => {
    const { id, activityId } = await withActivity();
    expect((await t.call('PUT', `/api/collaborations/${id}/policy`, { token: own, body: { policy: { cancelActivity: { editor: 'approval' } } } })).status).toBe(200);
    const res = await t.call('POST', `/api/collaborations/${id}/actions/cancelActivity`, { token: edi, body: { params: { activityId, reason: 'rain' } } });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'pending_approval', approvalId: expect.any(String) });
    expect(readActivities(await t.storedDoc(id))[0]?.status).toBe('proposed');
    const approvalId = (res.json as { approvalId: string }).approvalId;
    expect((await t.call('POST', `/api/approvals/${approvalId}/approve`, { token: own })).json).toMatchObject({ status: 'approved', outcome: { status: 'executed' } });
    expect(readActivities(await t.storedDoc(id))[0]).toMatchObject({ status: 'cancelled', cancelReason: 'rain' });
  });

  it('an Idempotency-Key makes a retried action run once', async () => {
    const { id } = await withActivity();
    const send = () => t.call('POST', `/api/collaborations/${id}/actions/sendMessage`, { token: edi, body: { params: { body: 'once' } }, headers: { 'idempotency-key': 'retry-1' } });
    const [a, b] = await Promise.all([send(), send()]);
    expect(a.json).toEqual(b.json);
    expect(readMessages(await t.storedDoc(id)).filter((m) => m.body === 'once')).toHaveLength(1);
  });
});

describe('approvals', () => {
  it('[G3] two concurrent approvals of one request run the action once', async () => {
    const { id } = await withActivity();
    await t.call('PUT', `/api/collaborations/${id}/policy`, { token: own, body: { policy: { sendMessage: { editor: 'approval' } } } });
    const pending = await t.call('POST', `/api/collaborations/${id}/actions/sendMessage`, { token: edi, body: { params: { body: 'needs approval' } } });
    const approvalId = (pending.json as { approvalId: string }).approvalId;
    const results = await Promise.all([1, 2].map(() => t.call('POST', `/api/approvals/${approvalId}/approve`, { token: own })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(readMessages(await t.storedDoc(id)).filter((m) => m.body === 'needs approval')).toMatchObject([{ authorId: 'edi', kind: 'user' }]);
    const auditLog = await t.call('GET', `/api/collaborations/${id}/audit?limit=100`, { token: own });
    const decisions = (auditLog.json as { items: { kind: string; outcome: string }[] }).items.filter((e) => e.kind === 'approval');
    expect(decisions).toMatchObject([{ outcome: 'approved:executed' }]);
    expect((await t.call('GET', `/api/approvals/${approvalId}`, { token: own })).json).toMatchObject({ status: 'approved', decidedBy: 'own' });
  });

  it('[G3] a stale approval is shown stale after its activity was edited', async () => {
    const { id, activityId } = await withActivity();
    const ai = await t.engine.run({ collaborationId: id, actor: { kind: 'ai' }, name: 'completeActivity', params: { activityId } });
    const approvalId = ai.status === 'pending_approval' ? ai.approvalId : '';
    expect((await t.call('GET', `/api/approvals/${approvalId}`, { token: own })).json).toMatchObject({ stale: false, status: 'pending' });
    // An edit arriving as a CRDT change (e.g. a client renaming the activity).
    await t.docs.change(id, 'client', (doc) => {
      const map = doc.getArray('activities').get(0) as unknown as { set(k: string, v: unknown): void };
      map.set('title', 'Hike — 20 km now');
    });
    expect((await t.call('GET', `/api/approvals/${approvalId}`, { token: own })).json).toMatchObject({ stale: true });
  });

  it('[G3] an expired approval cannot run: 410 gone, marked expired', async () => {
    const { id, activityId } = await withActivity();
    const ai = await t.engine.run({ collaborationId: id, actor: { kind: 'ai' }, name: 'completeActivity', params: { activityId } });
    const approvalId = ai.status === 'pending_approval' ? ai.approvalId : '';
    t.clock.offsetMs = 8 * 24 * 60 * 60 * 1000;
    try {
      const res = await t.call('POST', `/api/approvals/${approvalId}/approve`, { token: own });
      expect(res.status).toBe(410);
      expect(res.json).toMatchObject({ error: { code: 'gone' } });
    } finally {
      t.clock.offsetMs = 0;
    }
    expect((await t.call('GET', `/api/approvals/${approvalId}`, { token: own })).json).toMatchObject({ status: 'expired', expired: true });
    expect(readActivities(await t.storedDoc(id))[0]?.status).toBe('proposed');
  });

  it('[G3] a rejected approval does not run; deciding twice is 409', async () => {
    const { id, activityId } = await withActivity();
    const ai = await t.engine.run({ collaborationId: id, actor: { kind: 'ai' }, name: 'completeActivity', params: { activityId } });
    const approvalId = ai.status === 'pending_approval' ? ai.approvalId : '';
    expect((await t.call('POST', `/api/approvals/${approvalId}/reject`, { token: own })).json).toMatchObject({ status: 'rejected', approval: { status: 'rejected' } });
    expect((await t.call('POST', `/api/approvals/${approvalId}/approve`, { token: own })).status).toBe(409);
    expect(readActivities(await t.storedDoc(id))[0]?.status).toBe('proposed');
    const list = await t.call('GET', `/api/collaborations/${id}/approvals?status=rejected`, { token: vie });
    expect((list.json as { items: { id: string }[] }).items.map((a) => a.id)).toEqual([approvalId]);
  });
});
