// The approval lifecycle for everyone concerned [G6] and words instead of ids [G7], through the real
// REST routes of a real server on loopback (dev login, port 0): an owner and an editor whose cancel
// needs approval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@trellis/runtime';
import { addMember, api, createCollaboration, login, startTestServer } from '../../testing/harness.ts';
import type { TestUser } from '../../testing/harness.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let own: TestUser;
let edi: TestUser;

interface Note { id: string; kind: string; title: string; ref: string | null; readAt: string | null }
type Body = Record<string, unknown>;

beforeAll(async () => {
  srv = await startTestServer();
  [own, edi] = await Promise.all([login(srv.url, 'olive@example.com'), login(srv.url, 'eddie@example.com')]);
});
afterAll(async () => {
  await srv.stop();
});

const act = (c: string, who: TestUser, name: string, params: Body) => api<Body>(srv.url, 'POST', `/api/collaborations/${c}/actions/${name}`, who.token, { params });
const notes = async (who: TestUser) => (await api<{ items: Note[] }>(srv.url, 'GET', '/api/notifications?limit=100', who.token)).body.items;

/** A collaboration "Weekend" where an editor's cancel waits for the owner; the editor asks to cancel 'Plan the hike'. */
async function pendingCancel(): Promise<{ c: string; activityId: string; approvalId: string }> {
  const c = await createCollaboration(srv.url, own, 'Weekend');
  await addMember(srv.url, own, c, edi, 'editor');
  expect((await api(srv.url, 'PUT', `/api/collaborations/${c}/policy`, own.token, { policy: { cancelActivity: { editor: 'approval' } } })).status).toBe(200);
  const made = await act(c, edi, 'proposeActivity', { title: 'Plan the hike' });
  const activityId = String((made.body['result'] as { activityId: string }).activityId);
  const asked = await act(c, edi, 'cancelActivity', { activityId, reason: 'rain' });
  expect(asked.status).toBe(202);
  return { c, activityId, approvalId: String(asked.body['approvalId']) };
}

describe('approval lifecycle over REST', () => {
  it('[G6][G7] every member sees the pending request in words; the owner is notified in words', async () => {
    const { c, approvalId } = await pendingCancel();
    for (const who of [own, edi]) {
      const list = await api<{ items: Body[] }>(srv.url, 'GET', `/api/collaborations/${c}/approvals?status=pending`, who.token);
      expect(list.body.items).toEqual([expect.objectContaining({ id: approvalId, proposerName: 'eddie', targetTitle: 'Plan the hike', collaborationTitle: 'Weekend', summary: "eddie asked to cancel 'Plan the hike'" })]);
    }
    const inbox = await api<{ items: Body[] }>(srv.url, 'GET', '/api/approvals', own.token);
    expect(inbox.body.items.find((a) => a['id'] === approvalId)).toMatchObject({ summary: "eddie asked to cancel 'Plan the hike'", collaborationTitle: 'Weekend' });
    expect((await notes(own)).find((n) => n.ref === approvalId)).toMatchObject({ kind: 'approval', title: "eddie asked to cancel 'Plan the hike' in Weekend", readAt: null });
  });

  it('[G6] a rejection with a reason: the requester is told, the owner\'s notification resolves, the pending state clears', async () => {
    const { c, approvalId } = await pendingCancel();
    const res = await api<Body>(srv.url, 'POST', `/api/approvals/${approvalId}/reject`, own.token, { reason: 'not this week' });
    expect(res.body).toMatchObject({ status: 'rejected', approval: { status: 'rejected', decisionReason: 'not this week' } });
    expect((await notes(edi)).find((n) => n.ref === approvalId)).toMatchObject({ kind: 'approval', title: "olive rejected your request to cancel 'Plan the hike': “not this week”", readAt: null });
    expect((await notes(own)).find((n) => n.ref === approvalId)?.readAt).not.toBeNull();
    expect((await api<{ items: unknown[] }>(srv.url, 'GET', `/api/collaborations/${c}/approvals?status=pending`, edi.token)).body.items).toEqual([]);
  });

  it('[G6] an approval notifies the requester and resolves every owner\'s notification, whoever decided', async () => {
    const { c, approvalId } = await pendingCancel();
    const co = await login(srv.url, 'cora@example.com');
    await addMember(srv.url, own, c, co, 'owner');
    // Cora became an owner after the request: only Olive was notified; Cora decides.
    expect((await api<Body>(srv.url, 'POST', `/api/approvals/${approvalId}/approve`, co.token)).body).toMatchObject({ status: 'approved', outcome: { status: 'executed' } });
    expect((await notes(edi)).find((n) => n.ref === approvalId)?.title).toBe("cora approved your request to cancel 'Plan the hike'");
    expect((await notes(own)).find((n) => n.ref === approvalId)?.readAt).not.toBeNull();
  });

  it('[G6] an expired request tells the requester', async () => {
    const { approvalId } = await pendingCancel();
    const a = await srv.store.approvals.get(approvalId);
    const { settleApproval } = await import('@trellis/engine');
    const expired = await srv.store.approvals.transition(approvalId, 'pending', 'expired', { outcome: 'expired' });
    await settleApproval(srv.store, createLogger({ level: 'silent', name: 'test' }), expired ?? a!, { kind: 'expired' }, new Date());
    expect((await notes(edi)).find((n) => n.ref === approvalId)?.title).toBe("Your request to cancel 'Plan the hike' expired without a decision");
    expect((await notes(own)).find((n) => n.ref === approvalId)?.readAt).not.toBeNull();
  });

  it('[G3][G6] a re-proposed request resolves the old notification and notifies the owners of the new one', async () => {
    const { approvalId } = await pendingCancel();
    const again = await api<Body>(srv.url, 'POST', `/api/approvals/${approvalId}/repropose`, own.token);
    expect(again.status).toBe(202);
    const mine = await notes(own);
    expect(mine.find((n) => n.ref === approvalId)?.readAt).not.toBeNull();
    expect(mine.find((n) => n.ref === again.body['approvalId'])).toMatchObject({ readAt: null, title: "eddie asked to cancel 'Plan the hike' in Weekend" });
    expect((await notes(edi)).some((n) => n.ref === approvalId)).toBe(false);
  });

  it('[G7] a digest proposal reads in words and shows its current fate after a later decision', async () => {
    const { c, activityId, approvalId } = await pendingCancel();
    const day = new Date().toISOString().slice(0, 10);
    await srv.store.checkins.claim({
      id: 'chk_lifecycle1', collaborationId: c, localDay: day, status: 'done', summary: 'quiet', createdAt: new Date().toISOString(), completedAt: new Date().toISOString(),
      proposals: [{ action: 'cancelActivity', params: { activityId }, reason: 'rain', fate: 'pending_approval', detail: null, approvalId }],
      provider: 'offline', model: 'none', aiGenerated: true, inputTokens: 0, outputTokens: 0, latencyMs: 0, jobId: null, answer: null, stateVector: null, requeues: 0,
    } as never);
    const read = async () => (await api<{ items: { proposals: Body[] }[] }>(srv.url, 'GET', `/api/collaborations/${c}/checkins`, edi.token)).body.items[0]!.proposals[0]!;
    expect(await read()).toMatchObject({ summary: "cancel 'Plan the hike'", currentFate: 'pending_approval' });
    await api(srv.url, 'POST', `/api/approvals/${approvalId}/approve`, own.token);
    expect(await read()).toMatchObject({ fate: 'pending_approval', currentFate: 'approved', decidedBy: 'olive' });
  });

  it('[G7] the audit log reads in words and filters by actor, action and date', async () => {
    const { c, approvalId } = await pendingCancel();
    await api(srv.url, 'POST', `/api/approvals/${approvalId}/reject`, own.token, { reason: 'no' });
    type Entry = { summary: string; actorName: string; action: string | null; at: string };
    const audit = async (q = '') => (await api<{ items: Entry[]; nextCursor: string | null }>(srv.url, 'GET', `/api/collaborations/${c}/audit?limit=100${q}`, own.token)).body;
    const all = await audit();
    const summaries = all.items.map((e) => e.summary);
    expect(summaries).toContain("olive rejected eddie’s request to cancel 'Plan the hike'");
    expect(summaries).toContain("eddie asked to cancel 'Plan the hike' (waiting for approval)");
    expect(summaries).toContain("eddie proposed 'Plan the hike'");
    expect(summaries).toContain('olive added eddie as an editor');
    expect(summaries).toContain("olive created 'Weekend'");
    for (const s of summaries) expect(s).not.toMatch(/act_|bytes|roots/);
    expect((await audit(`&actor=${edi.user.id}`)).items.every((e) => e.actorName === 'eddie')).toBe(true);
    expect((await audit('&action=proposeActivity')).items.map((e) => e.summary)).toEqual(["eddie proposed 'Plan the hike'"]);
    expect((await audit('&to=2000-01-01')).items).toEqual([]);
    expect((await audit(`&from=${new Date().toISOString().slice(0, 10)}`)).items.length).toBe(all.items.length);
    expect((await api(srv.url, 'GET', `/api/collaborations/${c}/audit?from=yesterday`, own.token)).status).toBe(400);
  });
});
