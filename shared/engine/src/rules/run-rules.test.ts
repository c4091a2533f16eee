// Rules through the engine [G4]: at most the author's rights, depth-limited chains, mentions, @ai.
import { describe, expect, it } from 'vitest';
import { readMessages } from '@trellis/schema';
import type { Actor, RuleDefinition } from '@trellis/schema';
import { useEngineFixture } from '../testing/use-engine-fixture.ts';

const owner: Actor = { kind: 'user', userId: 'owner1' };
const owner2: Actor = { kind: 'user', userId: 'owner2' };
const editor: Actor = { kind: 'user', userId: 'editor1' };

const f = useEngineFixture();

const ackRule: RuleDefinition = {
  id: 'ack', name: 'ack done', enabled: true, trigger: 'activityStatusChanged',
  condition: { '==': [{ var: 'to' }, 'done'] },
  actions: [{ action: 'sendMessage', params: { body: { cat: ['Done: ', { var: 'title' }] } } }],
};

async function proposeAndComplete(collaborationId: string, actor: Actor) {
  const p = await f.engine.run({ collaborationId, actor, name: 'proposeActivity', params: { title: 'Hike' } });
  const activityId = p.status === 'executed' ? String(p.result?.['activityId']) : '';
  return f.engine.run({ collaborationId, actor, name: 'completeActivity', params: { activityId } });
}

describe('rules', () => {
  it('[G4] a rule runs its action as actor rule when its trigger and condition match', async () => {
    const c = await f.collaboration({ editor1: 'editor' });
    expect((await f.engine.run({ collaborationId: c.id, actor: owner, name: 'setRules', params: { rules: [ackRule] } })).status).toBe('executed');
    expect((await f.store.collaborations.get(c.id))?.rules[0]?.authorId).toBe('owner1');
    await proposeAndComplete(c.id, editor);
    expect(readMessages(await f.storedDoc(c.id))).toMatchObject([{ body: 'Done: Hike', kind: 'system', authorId: 'rule:ack' }]);
    const log = await f.store.audit.list(c.id, { limit: 1 });
    expect(log.items[0]?.actor).toMatchObject({ kind: 'rule', ref: 'ack', userId: 'owner1' });
  });

  it('[G4] a rule written by an owner later downgraded to viewer does nothing', async () => {
    const c = await f.collaboration({ owner2: 'owner' });
    await f.engine.run({ collaborationId: c.id, actor: owner, name: 'setRules', params: { rules: [ackRule] } });
    await f.engine.run({ collaborationId: c.id, actor: owner2, name: 'changeRole', params: { userId: 'owner1', role: 'viewer' } });
    await proposeAndComplete(c.id, owner2);
    expect(readMessages(await f.storedDoc(c.id))).toHaveLength(0);
    const refused = (await f.store.audit.list(c.id, { limit: 50 })).items.filter((e) => e.actor.kind === 'rule');
    expect(refused).toMatchObject([{ outcome: 'refused:forbidden' }]);
  });

  it('[G4] a self-triggering rule terminates at depth 3', async () => {
    const c = await f.collaboration();
    const echo: RuleDefinition = { id: 'echo', name: 'echo', enabled: true, trigger: 'messageCreated', condition: true, actions: [{ action: 'sendMessage', params: { body: 'echo' } }] };
    await f.engine.run({ collaborationId: c.id, actor: owner, name: 'setRules', params: { rules: [echo] } });
    await f.engine.run({ collaborationId: c.id, actor: owner, name: 'sendMessage', params: { body: 'start' } });
    const bodies = readMessages(await f.storedDoc(c.id)).map((m) => m.body);
    expect(bodies).toEqual(['start', 'echo', 'echo', 'echo']);
  });

  it('[G4] fan-out is capped per chain', async () => {
    const c = await f.collaboration();
    const fan = (id: string): RuleDefinition => ({ id, name: id, enabled: true, trigger: 'messageCreated', condition: true, actions: Array.from({ length: 5 }, () => ({ action: 'sendMessage' as const, params: { body: id } })) });
    await f.engine.run({ collaborationId: c.id, actor: owner, name: 'setRules', params: { rules: [fan('a'), fan('b'), fan('c')] } });
    await f.engine.run({ collaborationId: c.id, actor: owner, name: 'sendMessage', params: { body: 'start' } });
    expect(readMessages(await f.storedDoc(c.id)).length).toBeLessThanOrEqual(1 + 25);
  });

  it('invalid rules are refused with a reason', async () => {
    const c = await f.collaboration();
    const bad = (r: Partial<RuleDefinition>) => f.engine.run({ collaborationId: c.id, actor: owner, name: 'setRules', params: { rules: [{ ...ackRule, ...r }] } });
    expect(await bad({ condition: { log: 'x' } })).toMatchObject({ code: 'bad_request', message: expect.stringContaining('log') });
    expect(await bad({ condition: { var: 'constructor.constructor' } })).toMatchObject({ code: 'bad_request' });
    expect(await bad({ condition: { 'a.b': [1] } })).toMatchObject({ code: 'bad_request' });
    expect(await bad({ actions: [{ action: 'sendMessage', params: { body: 42 } }] })).toMatchObject({ code: 'bad_request' });
    const dup = await f.engine.run({ collaborationId: c.id, actor: owner, name: 'setRules', params: { rules: [ackRule, ackRule] } });
    expect(dup).toMatchObject({ code: 'bad_request', message: expect.stringContaining('duplicate') });
  });

  it('an unchanged rule keeps its author; a client-sent authorId is ignored', async () => {
    const c = await f.collaboration({ owner2: 'owner' });
    await f.engine.run({ collaborationId: c.id, actor: owner, name: 'setRules', params: { rules: [ackRule] } });
    await f.engine.run({ collaborationId: c.id, actor: owner2, name: 'setRules', params: { rules: [{ ...ackRule, authorId: 'someone' }] } });
    expect((await f.store.collaborations.get(c.id))?.rules[0]?.authorId).toBe('owner1');
    await f.engine.run({ collaborationId: c.id, actor: owner2, name: 'setRules', params: { rules: [{ ...ackRule, name: 'renamed', authorId: 'owner1' }] } });
    expect((await f.store.collaborations.get(c.id))?.rules[0]?.authorId).toBe('owner2');
  });

  it('rules react to outcome events such as memberAdded', async () => {
    const c = await f.collaboration();
    const welcome: RuleDefinition = { id: 'welcome', name: 'welcome', enabled: true, trigger: 'memberAdded', condition: true, actions: [{ action: 'sendMessage', params: { body: { cat: ['Welcome ', { var: 'userId' }] } } }] };
    await f.engine.run({ collaborationId: c.id, actor: owner, name: 'setRules', params: { rules: [welcome] } });
    await f.engine.run({ collaborationId: c.id, actor: owner, name: 'addMember', params: { userId: 'bob', role: 'editor' } });
    expect(readMessages(await f.storedDoc(c.id)).map((m) => m.body)).toEqual(['Welcome bob']);
  });
});

describe('document events', () => {
  it('mentions notify the mentioned member (by name or email), never the author; @ai enqueues a reply', async () => {
    const c = await f.collaboration({ editor1: 'editor', viewer1: 'viewer' });
    const at = new Date().toISOString();
    await f.store.users.upsert({ id: 'editor1', email: 'eddie@example.com', displayName: 'Ed Itor', createdAt: at });
    await f.store.users.upsert({ id: 'viewer1', email: 'vera@example.com', displayName: 'Vera', createdAt: at });
    await f.store.users.upsert({ id: 'owner1', email: 'olga@example.com', displayName: 'Olga', createdAt: at });
    const out = await f.engine.run({ collaborationId: c.id, actor: owner, name: 'sendMessage', params: { body: 'hey @editor and @vera and @olga, ask @ai' } });
    const messageId = out.status === 'executed' ? String(out.result?.['messageId']) : '';
    expect((await f.store.notifications.list('editor1', { limit: 5 })).items).toMatchObject([{ kind: 'mention', ref: messageId }]);
    expect((await f.store.notifications.list('viewer1', { limit: 5 })).items).toHaveLength(1);
    expect((await f.store.notifications.list('owner1', { limit: 5 })).items).toHaveLength(0);
    const job = await f.store.jobs.claim(['aiReply'], 'test', 1000);
    expect(job?.payload).toEqual({ collaborationId: c.id, messageId });
    // A redelivered event neither notifies nor enqueues twice.
    await f.engine.docEvents(c.id, owner, [{ type: 'messageCreated', messageId, authorId: 'owner1', body: 'hey @vera @ai', kind: 'user' }]);
    expect((await f.store.notifications.list('viewer1', { limit: 5 })).items).toHaveLength(1);
    expect((await f.store.jobs.counts()).queued).toBe(0);
  });

  it('@ai in a message by the AI does not enqueue a reply', async () => {
    const c = await f.collaboration();
    await f.engine.run({ collaborationId: c.id, actor: { kind: 'ai' }, name: 'sendMessage', params: { body: 'I am @ai' } });
    expect(await f.store.jobs.claim(['aiReply'], 'test', 1000)).toBeNull();
  });
});
