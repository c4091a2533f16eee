// Creating a collaboration and changing its title and settings are engine actions: policy-checked,
// audited with the acting person, never open to the AI or rules [G1][G2].
import { describe, expect, it } from 'vitest';
import type { Actor } from '@trellis/schema';
import { useEngineFixture } from './testing/use-engine-fixture.ts';

const f = useEngineFixture();
const person = (userId: string): Actor => ({ kind: 'user', userId });

async function auditOf(collaborationId: string) {
  return (await f.store.audit.list(collaborationId, { limit: 50 })).items;
}

describe('createCollaboration', () => {
  it('[G2] a person creates a collaboration through the engine: they own it and the creation is audited as theirs', async () => {
    const out = await f.engine.createCollaboration(person('ann'), { title: 'Weekend', settings: { timeZone: 'Europe/Paris' } });
    expect(out).toMatchObject({ status: 'executed', collaboration: { title: 'Weekend', ownerId: 'ann', settings: { timeZone: 'Europe/Paris', aiCheckins: true } } });
    if (out.status !== 'executed') return;
    expect(await f.store.members.get(out.collaboration.id, 'ann')).toMatchObject({ role: 'owner' });
    expect(await auditOf(out.collaboration.id)).toMatchObject([
      { actor: { kind: 'user', userId: 'ann' }, kind: 'membership', action: 'createCollaboration', outcome: 'executed', detail: { params: { title: 'Weekend' } } },
    ]);
  });

  it('[G1][G2] the AI, a rule and the system may not create one; bad params are bad_request', async () => {
    for (const actor of [{ kind: 'ai', ref: 'run1' }, { kind: 'rule', userId: 'ann', ref: 'r1' }, { kind: 'system' }] as Actor[]) {
      expect(await f.engine.createCollaboration(actor, { title: 'Sneaky' })).toMatchObject({ status: 'refused', code: 'forbidden' });
    }
    expect(await f.engine.createCollaboration(person('ann'), { title: '' })).toMatchObject({ status: 'refused', code: 'bad_request' });
    expect(await f.engine.createCollaboration(person('ann'), { title: 'X', ownerId: 'bob' })).toMatchObject({ status: 'refused', code: 'bad_request' });
    expect((await f.store.members.listForUser('ann', { limit: 10 })).items).toHaveLength(0);
  });

  it('[G2] createCollaboration named on an existing collaboration is refused, not a second creation', async () => {
    const c = await f.collaboration();
    expect(await f.engine.run({ collaborationId: c.id, actor: person('owner1'), name: 'createCollaboration', params: { title: 'Again' } })).toMatchObject({ status: 'refused', code: 'conflict' });
    expect((await f.store.members.listForUser('owner1', { limit: 10 })).items).toHaveLength(1);
  });
});

describe('updateCollaboration', () => {
  it('[G2] an owner renames and changes settings through the engine; omitted settings keep their values; audited as theirs', async () => {
    const c = await f.collaboration();
    await f.store.collaborations.update(c.id, { settings: { timeZone: 'Asia/Tokyo', aiCheckins: true } });
    const out = await f.engine.run({ collaborationId: c.id, actor: person('owner1'), name: 'updateCollaboration', params: { title: 'Summer trip', settings: { aiCheckins: false } } });
    expect(out).toMatchObject({ status: 'executed' });
    expect(await f.store.collaborations.get(c.id)).toMatchObject({ title: 'Summer trip', settings: { timeZone: 'Asia/Tokyo', aiCheckins: false } });
    expect(await auditOf(c.id)).toMatchObject([
      { actor: { kind: 'user', userId: 'owner1' }, action: 'updateCollaboration', outcome: 'executed', detail: { params: { title: 'Summer trip', settings: { aiCheckins: false } } } },
    ]);
  });

  it('[G1][G2] editors, viewers, the AI and rules are refused and audited; non-members learn nothing', async () => {
    const c = await f.collaboration({ ed: 'editor', vi: 'viewer' });
    const tries: Actor[] = [person('ed'), person('vi'), { kind: 'ai', ref: 'run1' }, { kind: 'rule', userId: 'owner1', ref: 'r1' }];
    for (const actor of tries) {
      expect(await f.engine.run({ collaborationId: c.id, actor, name: 'updateCollaboration', params: { title: 'Mine now' } })).toMatchObject({ status: 'refused', code: 'forbidden' });
    }
    expect(await f.engine.run({ collaborationId: c.id, actor: person('stranger'), name: 'updateCollaboration', params: { title: 'Mine now' } })).toMatchObject({ status: 'refused', code: 'not_found' });
    expect((await f.store.collaborations.get(c.id))?.title).toBe('Trip');
    const refusals = (await auditOf(c.id)).filter((e) => e.action === 'updateCollaboration' && e.outcome === 'refused:forbidden');
    expect(refusals.map((e) => e.actor.kind).sort()).toEqual(['ai', 'rule', 'user', 'user']);
  });

  it('[G2] an archived collaboration can be brought back by its owner', async () => {
    const c = await f.collaboration();
    expect(await f.engine.run({ collaborationId: c.id, actor: person('owner1'), name: 'updateCollaboration', params: { archived: true } })).toMatchObject({ status: 'executed' });
    expect(await f.engine.run({ collaborationId: c.id, actor: person('owner1'), name: 'sendMessage', params: { body: 'hi' } })).toMatchObject({ status: 'refused', code: 'conflict' });
    expect(await f.engine.run({ collaborationId: c.id, actor: person('owner1'), name: 'updateCollaboration', params: { archived: false } })).toMatchObject({ status: 'executed' });
    expect((await f.store.collaborations.get(c.id))?.archived).toBe(false);
  });
});
