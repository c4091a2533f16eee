// Approvals against a real store [G3]: exactly once, re-checked policy, expiry, staleness.
import { describe, expect, it } from 'vitest';
import { readActivities, readMessages } from '@trellis/schema';
import type { Actor } from '@trellis/schema';
import { useEngineFixture } from '../testing/use-engine-fixture.ts';
import { APPROVAL_TTL_MS } from './propose.ts';

const owner: Actor = { kind: 'user', userId: 'owner1' };
const ai: Actor = { kind: 'ai', ref: 'run1' };

const f = useEngineFixture();

async function aiMessageApproval() {
  const c = await f.collaboration({ editor1: 'editor' });
  await f.engine.run({ collaborationId: c.id, actor: owner, name: 'setPolicy', params: { policy: { sendMessage: { ai: 'approval' } } } });
  const out = await f.engine.run({ collaborationId: c.id, actor: ai, name: 'sendMessage', params: { body: 'approved words' } });
  if (out.status !== 'pending_approval') throw new Error(`expected pending, got ${out.status}`);
  return { c, approvalId: out.approvalId };
}

async function aiScheduleApproval() {
  const c = await f.collaboration({ editor1: 'editor' });
  const p = await f.engine.run({ collaborationId: c.id, actor: owner, name: 'proposeActivity', params: { title: 'Hike' } });
  const activityId = p.status === 'executed' ? String(p.result?.['activityId']) : '';
  const out = await f.engine.run({ collaborationId: c.id, actor: ai, name: 'scheduleActivity', params: { activityId, at: '2030-05-01T09:00:00Z' } });
  if (out.status !== 'pending_approval') throw new Error(`expected pending, got ${out.status}`);
  return { c, activityId, approvalId: out.approvalId };
}

describe('approvals', () => {
  it('[G3] two concurrent approvals run the action once', async () => {
    const { c, approvalId } = await aiMessageApproval();
    const results = await Promise.all([1, 2, 3].map(() => f.engine.decideApproval(approvalId, 'owner1', 'approve')));
    expect(results.filter((r) => r.status === 'approved')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'refused')).toHaveLength(2);
    const messages = readMessages(await f.storedDoc(c.id));
    expect(messages).toMatchObject([{ body: 'approved words', kind: 'ai' }]);
    expect((await f.store.approvals.get(approvalId))?.status).toBe('approved');
    const log = await f.store.audit.list(c.id, { limit: 50 });
    expect(log.items.filter((e) => e.kind === 'approval')).toHaveLength(1);
  });

  it('[G3] only owners decide; non-members see not_found', async () => {
    const { approvalId } = await aiMessageApproval();
    expect(await f.engine.decideApproval(approvalId, 'editor1', 'approve')).toMatchObject({ code: 'forbidden' });
    expect(await f.engine.decideApproval(approvalId, 'stranger', 'approve')).toMatchObject({ code: 'not_found' });
    expect(await f.engine.decideApproval('apr_nope', 'owner1', 'approve')).toMatchObject({ code: 'not_found' });
  });

  it('[G3] a rejected approval never runs', async () => {
    const { c, approvalId } = await aiMessageApproval();
    expect(await f.engine.decideApproval(approvalId, 'owner1', 'reject')).toEqual({ status: 'rejected' });
    expect(await f.engine.decideApproval(approvalId, 'owner1', 'approve')).toMatchObject({ code: 'conflict' });
    expect(readMessages(await f.storedDoc(c.id))).toHaveLength(0);
  });

  it('[G3] an expired approval cannot run and is marked expired', async () => {
    const { c, approvalId } = await aiMessageApproval();
    f.clock.offsetMs = APPROVAL_TTL_MS + 1000;
    expect(await f.engine.decideApproval(approvalId, 'owner1', 'approve')).toMatchObject({ status: 'refused', code: 'gone' });
    expect((await f.store.approvals.get(approvalId))?.status).toBe('expired');
    expect(readMessages(await f.storedDoc(c.id))).toHaveLength(0);
  });

  it('[G3] policy is re-checked at execution: denied since → failed, nothing runs', async () => {
    const { c, approvalId } = await aiMessageApproval();
    await f.engine.run({ collaborationId: c.id, actor: owner, name: 'setPolicy', params: { policy: { sendMessage: { ai: 'deny' } } } });
    const r = await f.engine.decideApproval(approvalId, 'owner1', 'approve');
    expect(r).toMatchObject({ status: 'approved', outcome: { status: 'refused', code: 'forbidden' } });
    expect((await f.store.approvals.get(approvalId))?.status).toBe('failed');
    expect(readMessages(await f.storedDoc(c.id))).toHaveLength(0);
  });

  it('[G3] an approval becomes stale when its target activity changes; approving it is refused and runs nothing', async () => {
    const { c, activityId, approvalId } = await aiScheduleApproval();
    expect(await f.engine.isStale(approvalId)).toBe(false);
    await f.docs.change(c.id, 'test', (doc) => {
      const a = doc.getArray('activities').get(0) as unknown as { set(k: string, v: unknown): void };
      a.set('title', 'Hike (longer)');
    });
    expect(await f.engine.isStale(approvalId)).toBe(true);
    expect(await f.engine.decideApproval(approvalId, 'owner1', 'approve')).toMatchObject({ status: 'refused', code: 'stale' });
    expect(readActivities(await f.storedDoc(c.id)).find((a) => a.id === activityId)?.status).toBe('proposed');
    // Still pending: the owner can reject it (or let it expire).
    expect((await f.store.approvals.get(approvalId))?.status).toBe('pending');
    const log = await f.store.audit.list(c.id, { limit: 50 });
    expect(log.items.filter((e) => e.kind === 'approval')).toMatchObject([{ outcome: 'refused:stale' }]);
    expect(await f.engine.decideApproval(approvalId, 'owner1', 'reject')).toEqual({ status: 'rejected' });
  });

  it('[G3] an owner re-proposes a stale approval from the current state; the new one runs', async () => {
    const { c, activityId, approvalId } = await aiScheduleApproval();
    await f.docs.change(c.id, 'test', (doc) => {
      const a = doc.getArray('activities').get(0) as unknown as { set(k: string, v: unknown): void };
      a.set('title', 'Hike (longer)');
    });
    expect(await f.engine.reproposeApproval(approvalId, 'editor1')).toMatchObject({ status: 'refused', code: 'forbidden' });
    const again = await f.engine.reproposeApproval(approvalId, 'owner1');
    if (again.status !== 'pending_approval') throw new Error(`expected pending, got ${JSON.stringify(again)}`);
    expect(await f.store.approvals.get(approvalId)).toMatchObject({ status: 'rejected', outcome: `superseded by ${again.approvalId}` });
    expect(await f.store.approvals.get(again.approvalId)).toMatchObject({ status: 'pending', proposedBy: ai, action: 'scheduleActivity' });
    expect(await f.engine.isStale(again.approvalId)).toBe(false);
    expect(await f.engine.decideApproval(again.approvalId, 'owner1', 'approve')).toMatchObject({ status: 'approved', outcome: { status: 'executed' } });
    expect(readActivities(await f.storedDoc(c.id)).find((a) => a.id === activityId)).toMatchObject({ status: 'scheduled', title: 'Hike (longer)' });
    expect(await f.engine.reproposeApproval(approvalId, 'owner1')).toMatchObject({ status: 'refused', code: 'conflict' });
  });

  it('[G3][G5] approving the AI\'s schedule of a since-cancelled activity leaves it cancelled; re-proposing it is refused', async () => {
    const { c, activityId, approvalId } = await aiScheduleApproval();
    expect((await f.engine.run({ collaborationId: c.id, actor: owner, name: 'cancelActivity', params: { activityId, reason: 'rain' } })).status).toBe('executed');
    expect(await f.engine.decideApproval(approvalId, 'owner1', 'approve')).toMatchObject({ status: 'refused', code: 'stale' });
    expect(await f.engine.reproposeApproval(approvalId, 'owner1')).toMatchObject({ status: 'refused', code: 'conflict' });
    expect((await f.store.approvals.get(approvalId))?.status).toBe('pending');
    expect(readActivities(await f.storedDoc(c.id)).find((a) => a.id === activityId)).toMatchObject({ status: 'cancelled', cancelReason: 'rain' });
  });

  it('[G3] proposing an action on a missing activity is refused, not queued', async () => {
    const c = await f.collaboration();
    expect(await f.engine.run({ collaborationId: c.id, actor: ai, name: 'completeActivity', params: { activityId: 'act_none' } })).toMatchObject({ code: 'not_found' });
  });
});
