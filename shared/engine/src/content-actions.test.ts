// The activity status state machine in the engine [G5]: the same steps for people, rules,
// approvals and the AI; closed activities come back only through reopenActivity.
import { describe, expect, it } from 'vitest';
import { readActivities } from '@trellis/schema';
import type { Actor, RuleDefinition } from '@trellis/schema';
import { useEngineFixture } from './testing/use-engine-fixture.ts';

const owner: Actor = { kind: 'user', userId: 'owner1' };
const editor: Actor = { kind: 'user', userId: 'editor1' };
const viewer: Actor = { kind: 'user', userId: 'viewer1' };
const ai: Actor = { kind: 'ai', ref: 'run1' };
const AT = '2030-05-01T09:00:00Z';

const f = useEngineFixture();

async function withActivity() {
  const c = await f.collaboration({ editor1: 'editor', viewer1: 'viewer' });
  const p = await f.engine.run({ collaborationId: c.id, actor: editor, name: 'proposeActivity', params: { title: 'Hike' } });
  const activityId = p.status === 'executed' ? String(p.result?.['activityId']) : '';
  const run = (actor: Actor, name: string, params: Record<string, unknown> = {}) => f.engine.run({ collaborationId: c.id, actor, name, params: { activityId, ...params } });
  const activity = async () => readActivities(await f.storedDoc(c.id)).find((a) => a.id === activityId);
  return { c, activityId, run, activity };
}

describe('activity status state machine in the engine', () => {
  it('[G5] a cancelled activity cannot be scheduled or completed; reopen brings it back scheduled, without its cancel reason', async () => {
    const { run, activity } = await withActivity();
    expect(await run(editor, 'scheduleActivity', { at: AT })).toMatchObject({ status: 'executed' });
    expect(await run(editor, 'cancelActivity', { reason: 'rain' })).toMatchObject({ status: 'executed' });
    expect(await run(owner, 'scheduleActivity', { at: '2030-06-01T09:00:00Z' })).toMatchObject({ status: 'refused', code: 'conflict', message: expect.stringContaining('reopen') });
    expect(await run(owner, 'completeActivity')).toMatchObject({ status: 'refused', code: 'conflict' });
    expect(await activity()).toMatchObject({ status: 'cancelled', cancelReason: 'rain', at: AT });
    expect(await run(editor, 'reopenActivity')).toMatchObject({ status: 'executed', result: { status: 'scheduled', changed: true } });
    const reopened = await activity();
    expect(reopened).toMatchObject({ status: 'scheduled', at: AT });
    expect(reopened?.cancelReason).toBeUndefined();
    // Reopening an open activity again is a no-op (a retried request), not an error.
    expect(await run(editor, 'reopenActivity')).toMatchObject({ status: 'executed', result: { changed: false } });
  });

  it('[G5] a done activity is closed: no cancel, no schedule; reopen without a time goes back to proposed', async () => {
    const { run, activity } = await withActivity();
    expect(await run(editor, 'completeActivity')).toMatchObject({ status: 'executed' });
    expect(await run(editor, 'completeActivity')).toMatchObject({ status: 'executed', result: { changed: false } });
    expect(await run(editor, 'cancelActivity')).toMatchObject({ status: 'refused', code: 'conflict' });
    expect(await run(editor, 'scheduleActivity', { at: AT })).toMatchObject({ status: 'refused', code: 'conflict' });
    expect(await run(owner, 'reopenActivity')).toMatchObject({ status: 'executed', result: { status: 'proposed' } });
    expect((await activity())?.status).toBe('proposed');
    // Reschedule and a new cancel reason stay possible.
    expect(await run(editor, 'scheduleActivity', { at: AT })).toMatchObject({ status: 'executed' });
    expect(await run(editor, 'scheduleActivity', { at: '2030-05-02T09:00:00Z' })).toMatchObject({ status: 'executed', result: { changed: true } });
    expect(await run(editor, 'cancelActivity', { reason: 'a' })).toMatchObject({ status: 'executed' });
    expect(await run(editor, 'cancelActivity', { reason: 'b' })).toMatchObject({ status: 'executed' });
    expect(await activity()).toMatchObject({ status: 'cancelled', cancelReason: 'b' });
  });

  it('[G5] reopenActivity default policy: viewers are refused, the AI waits for an owner', async () => {
    const { run, activity } = await withActivity();
    await run(editor, 'cancelActivity');
    expect(await run(viewer, 'reopenActivity')).toMatchObject({ status: 'refused', code: 'forbidden' });
    const asked = await run(ai, 'reopenActivity');
    expect(asked.status).toBe('pending_approval');
    expect((await activity())?.status).toBe('cancelled');
    const approvalId = asked.status === 'pending_approval' ? asked.approvalId : '';
    expect(await f.engine.decideApproval(approvalId, 'owner1', 'approve')).toMatchObject({ status: 'approved', outcome: { status: 'executed' } });
    expect((await activity())?.status).toBe('proposed');
  });

  it('[G5] a proposal the state machine forbids is refused at once, not queued for an owner', async () => {
    const { c, run } = await withActivity();
    await run(editor, 'cancelActivity');
    expect(await run(ai, 'scheduleActivity', { at: AT })).toMatchObject({ status: 'refused', code: 'conflict' });
    expect((await f.store.approvals.listPending([c.id], { limit: 10 })).items).toHaveLength(0);
  });

  it('[G5] rules follow the state machine too: a rule cannot schedule a cancelled activity', async () => {
    const { c, run, activity } = await withActivity();
    const revive: RuleDefinition = {
      id: 'revive', name: 'revive', enabled: true, trigger: 'activityStatusChanged', condition: { '==': [{ var: 'to' }, 'cancelled'] },
      actions: [{ action: 'scheduleActivity', params: { activityId: { var: 'activityId' }, at: AT } }],
    };
    expect((await f.engine.run({ collaborationId: c.id, actor: owner, name: 'setRules', params: { rules: [revive] } })).status).toBe('executed');
    await run(editor, 'cancelActivity');
    expect((await activity())?.status).toBe('cancelled');
    const ruleRuns = (await f.store.audit.list(c.id, { limit: 50 })).items.filter((e) => e.actor.kind === 'rule');
    expect(ruleRuns).toMatchObject([{ action: 'scheduleActivity', outcome: 'refused:conflict' }]);
  });
});
