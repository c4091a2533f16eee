// The action engine against a real SQLite store: policy defaults, governance, idempotency, audit.
import { describe, expect, it } from 'vitest';
import { readActivities, readMessages } from '@trellis/schema';
import type { Actor } from '@trellis/schema';
import type { Store } from '@trellis/store';
import type * as Y from 'yjs';
import { createEngine } from './create-engine.ts';
import type { DocHost } from './types.ts';
import { useEngineFixture } from './testing/use-engine-fixture.ts';

const owner: Actor = { kind: 'user', userId: 'owner1' };
const editor: Actor = { kind: 'user', userId: 'editor1' };
const viewer: Actor = { kind: 'user', userId: 'viewer1' };
const stranger: Actor = { kind: 'user', userId: 'stranger' };
const ai: Actor = { kind: 'ai', ref: 'run1' };

const f = useEngineFixture();

async function setup() {
  return f.collaboration({ editor1: 'editor', viewer1: 'viewer' });
}

describe('content actions and default policy', () => {
  it('[G2] owners and editors run content actions as one document change each', async () => {
    const c = await setup();
    const sent = await f.engine.run({ collaborationId: c.id, actor: editor, name: 'sendMessage', params: { body: 'hello' } });
    expect(sent.status).toBe('executed');
    const proposed = await f.engine.run({ collaborationId: c.id, actor: owner, name: 'proposeActivity', params: { title: 'Hike' } });
    expect(proposed.status).toBe('executed');
    const activityId = proposed.status === 'executed' ? String(proposed.result?.['activityId']) : '';
    const scheduled = await f.engine.run({ collaborationId: c.id, actor: editor, name: 'scheduleActivity', params: { activityId, at: '2030-01-01T10:00:00Z' } });
    expect(scheduled.status).toBe('executed');
    const doc = await f.storedDoc(c.id);
    expect(readMessages(doc)).toMatchObject([{ body: 'hello', authorId: 'editor1', kind: 'user' }]);
    expect(readActivities(doc)).toMatchObject([{ id: activityId, title: 'Hike', status: 'scheduled', at: '2030-01-01T10:00:00Z' }]);
    expect((await f.store.docs.load(c.id)).updates).toHaveLength(3);
  });

  it('[G2] viewers are refused, non-members see not_found, bad params are bad_request', async () => {
    const c = await setup();
    expect(await f.engine.run({ collaborationId: c.id, actor: viewer, name: 'sendMessage', params: { body: 'x' } })).toMatchObject({ status: 'refused', code: 'forbidden' });
    expect(await f.engine.run({ collaborationId: c.id, actor: stranger, name: 'sendMessage', params: { body: 'x' } })).toMatchObject({ status: 'refused', code: 'not_found' });
    expect(await f.engine.run({ collaborationId: 'nope', actor: owner, name: 'sendMessage', params: { body: 'x' } })).toMatchObject({ status: 'refused', code: 'not_found' });
    expect(await f.engine.run({ collaborationId: c.id, actor: owner, name: 'sendMessage', params: { body: 5 } })).toMatchObject({ status: 'refused', code: 'bad_request' });
    expect(await f.engine.run({ collaborationId: c.id, actor: owner, name: 'launchRockets', params: {} })).toMatchObject({ status: 'refused', code: 'bad_request' });
    expect(await f.engine.run({ collaborationId: c.id, actor: owner, name: 'completeActivity', params: { activityId: 'act_missing' } })).toMatchObject({ status: 'refused', code: 'not_found' });
    expect(readMessages(await f.storedDoc(c.id))).toHaveLength(0);
  });

  it('[G2] the AI may message and propose; its schedule waits for an owner and notifies owners', async () => {
    const c = await f.collaboration({ owner2: 'owner', editor1: 'editor' });
    expect((await f.engine.run({ collaborationId: c.id, actor: ai, name: 'sendMessage', params: { body: 'hi from ai' } })).status).toBe('executed');
    const p = await f.engine.run({ collaborationId: c.id, actor: ai, name: 'proposeActivity', params: { title: 'Picnic' } });
    const activityId = p.status === 'executed' ? String(p.result?.['activityId']) : '';
    const s = await f.engine.run({ collaborationId: c.id, actor: ai, name: 'scheduleActivity', params: { activityId, at: '2030-01-01T10:00:00Z' } });
    expect(s.status).toBe('pending_approval');
    const doc = await f.storedDoc(c.id);
    expect(readMessages(doc)[0]).toMatchObject({ kind: 'ai', authorId: 'ai' });
    expect(readActivities(doc)[0]?.status).toBe('proposed');
    for (const u of ['owner1', 'owner2']) {
      const n = await f.store.notifications.list(u, { limit: 10 });
      expect(n.items).toMatchObject([{ kind: 'approval', ref: s.status === 'pending_approval' ? s.approvalId : '' }]);
    }
    expect((await f.store.notifications.list('editor1', { limit: 10 })).items).toHaveLength(0);
  });

  it('[G2] an owner can make cancelActivity need approval for editors', async () => {
    const c = await setup();
    expect((await f.engine.run({ collaborationId: c.id, actor: owner, name: 'setPolicy', params: { policy: { cancelActivity: { editor: 'approval' } } } })).status).toBe('executed');
    const p = await f.engine.run({ collaborationId: c.id, actor: editor, name: 'proposeActivity', params: { title: 'Swim' } });
    const activityId = p.status === 'executed' ? String(p.result?.['activityId']) : '';
    expect((await f.engine.run({ collaborationId: c.id, actor: editor, name: 'cancelActivity', params: { activityId } })).status).toBe('pending_approval');
    expect((await f.engine.run({ collaborationId: c.id, actor: owner, name: 'cancelActivity', params: { activityId } })).status).toBe('executed');
  });

  it('every outcome is audited', async () => {
    const c = await setup();
    await f.engine.run({ collaborationId: c.id, actor: owner, name: 'sendMessage', params: { body: 'a' } });
    await f.engine.run({ collaborationId: c.id, actor: viewer, name: 'sendMessage', params: { body: 'b' } });
    const log = await f.store.audit.list(c.id, { limit: 10 });
    expect(log.items.map((e) => e.outcome)).toEqual(['refused:forbidden', 'executed']);
  });

  it('an archived collaboration refuses content actions', async () => {
    const c = await setup();
    await f.store.collaborations.update(c.id, { archived: true });
    expect(await f.engine.run({ collaborationId: c.id, actor: owner, name: 'sendMessage', params: { body: 'x' } })).toMatchObject({ code: 'conflict' });
  });
});

describe('governance', () => {
  it('[G1] membership, roles, rules and policy are owner-only and never for the AI', async () => {
    const c = await setup();
    for (const actor of [editor, viewer, ai]) {
      for (const [name, params] of [['addMember', { userId: 'x', role: 'viewer' }], ['changeRole', { userId: 'viewer1', role: 'owner' }], ['removeMember', { userId: 'owner1' }], ['setPolicy', { policy: {} }], ['setRules', { rules: [] }]] as const) {
        expect(await f.engine.run({ collaborationId: c.id, actor, name, params })).toMatchObject({ status: 'refused', code: 'forbidden' });
      }
    }
    expect((await f.engine.run({ collaborationId: c.id, actor: owner, name: 'addMember', params: { userId: 'new1', role: 'editor' } })).status).toBe('executed');
    expect((await f.store.members.get(c.id, 'new1'))?.role).toBe('editor');
    const log = await f.store.audit.list(c.id, { limit: 1 });
    expect(log.items[0]).toMatchObject({ kind: 'membership', action: 'addMember', outcome: 'executed' });
  });

  it('[G1] the last owner cannot be downgraded, removed or leave; others can leave', async () => {
    const c = await setup();
    expect(await f.engine.run({ collaborationId: c.id, actor: owner, name: 'changeRole', params: { userId: 'owner1', role: 'editor' } })).toMatchObject({ code: 'conflict' });
    expect(await f.engine.run({ collaborationId: c.id, actor: owner, name: 'removeMember', params: { userId: 'owner1' } })).toMatchObject({ code: 'conflict' });
    expect((await f.engine.run({ collaborationId: c.id, actor: viewer, name: 'removeMember', params: { userId: 'viewer1' } })).status).toBe('executed');
    expect(await f.store.members.get(c.id, 'viewer1')).toBeNull();
    expect((await f.engine.run({ collaborationId: c.id, actor: owner, name: 'changeRole', params: { userId: 'editor1', role: 'owner' } })).status).toBe('executed');
    expect((await f.engine.run({ collaborationId: c.id, actor: owner, name: 'changeRole', params: { userId: 'owner1', role: 'viewer' } })).status).toBe('executed');
  });

  it('[G1] concurrent downgrades of the two owners leave one owner', async () => {
    const c = await f.collaboration({ owner2: 'owner' });
    const o2: Actor = { kind: 'user', userId: 'owner2' };
    await Promise.all([
      f.engine.run({ collaborationId: c.id, actor: owner, name: 'changeRole', params: { userId: 'owner2', role: 'editor' } }),
      f.engine.run({ collaborationId: c.id, actor: o2, name: 'changeRole', params: { userId: 'owner1', role: 'editor' } }),
    ]);
    expect(await f.store.members.countOwners(c.id)).toBe(1);
  });
});

describe('idempotency', () => {
  it('the same key runs once and returns the same outcome', async () => {
    const c = await setup();
    const input = { collaborationId: c.id, actor: editor, name: 'sendMessage', params: { body: 'once' }, idempotencyKey: 'k1' };
    const [a, b] = await Promise.all([f.engine.run(input), f.engine.run(input)]);
    const again = await f.engine.run(input);
    expect(a).toEqual(b);
    expect(again).toEqual(a);
    expect(readMessages(await f.storedDoc(c.id))).toHaveLength(1);
    expect(await f.engine.run({ ...input, params: { body: 'other' } })).toMatchObject({ code: 'conflict' });
    expect((await f.engine.run({ ...input, actor: owner })).status).toBe('executed');
  });
});

describe('idempotency leases [W2]', () => {
  /** An engine over the same store whose process "dies" on demand: from then on every write hangs. */
  function mortalEngine() {
    let dead = false;
    const hang = <T>(): Promise<T> => new Promise<T>(() => undefined);
    const store: Store = {
      ...f.store,
      kv: { ...f.store.kv, compareAndSet: (...a) => (dead ? hang() : f.store.kv.compareAndSet(...a)), set: (...a) => (dead ? hang() : f.store.kv.set(...a)) },
    };
    const docs: DocHost = {
      read: (id, fn) => f.docs.read(id, fn),
      // The document write is stored, then the process dies before it can record the outcome.
      change: async <T>(id: string, origin: string, fn: (doc: Y.Doc) => T): Promise<T> => {
        await f.docs.change(id, origin, fn);
        dead = true;
        return hang<T>();
      },
    };
    return createEngine({ store, docs, logger: f.logger, idempotencyLeaseMs: 150 });
  }

  it('[W2] a record whose owner died mid-action is taken over after its short lease and finished once, with the same ids', async () => {
    const c = await setup();
    const input = { collaborationId: c.id, actor: ai, name: 'sendMessage', params: { body: 'exactly once' }, idempotencyKey: 'job:0' };
    void mortalEngine().run(input);
    await expect.poll(async () => readMessages(await f.storedDoc(c.id)).length).toBe(1);
    const survivor = createEngine({ store: f.store, docs: f.docs, logger: f.logger, idempotencyLeaseMs: 150 });
    const started = Date.now();
    const outcome = await survivor.run(input);
    expect(Date.now() - started).toBeLessThan(2_000); // seconds, not a ten-minute lease
    const msgs = readMessages(await f.storedDoc(c.id));
    expect(msgs.map((m) => m.body)).toEqual(['exactly once']);
    expect(outcome).toEqual({ status: 'executed', result: { messageId: msgs[0]!.id } });
    expect(await survivor.run(input)).toEqual(outcome);
  });

  it('[W2] a proposal that died after creating its approval is taken over without a second approval', async () => {
    const c = await setup();
    const act = await f.engine.run({ collaborationId: c.id, actor: owner, name: 'proposeActivity', params: { title: 'Hike' } });
    const activityId = act.status === 'executed' ? String(act.result?.['activityId']) : '';
    let dead = false;
    const store: Store = {
      ...f.store,
      kv: { ...f.store.kv, compareAndSet: (...a) => (dead ? new Promise(() => undefined) : f.store.kv.compareAndSet(...a)) },
      approvals: { ...f.store.approvals, create: async (a) => {
        await f.store.approvals.create(a);
        dead = true;
        return new Promise(() => undefined);
      } },
    };
    const input = { collaborationId: c.id, actor: ai, name: 'scheduleActivity', params: { activityId, at: '2030-01-01T10:00:00Z' }, idempotencyKey: 'job:1' };
    void createEngine({ store, docs: f.docs, logger: f.logger, idempotencyLeaseMs: 150 }).run(input);
    await expect.poll(async () => (await f.store.approvals.listPending([c.id], { limit: 5 })).items.length).toBe(1);
    const outcome = await createEngine({ store: f.store, docs: f.docs, logger: f.logger, idempotencyLeaseMs: 150 }).run(input);
    const pending = (await f.store.approvals.listPending([c.id], { limit: 5 })).items;
    expect(pending).toHaveLength(1);
    expect(outcome).toEqual({ status: 'pending_approval', approvalId: pending[0]!.id });
  });

  it('[W2] while the owner is alive its heartbeat keeps the lease: a second caller is told to retry, nothing runs twice', async () => {
    const c = await setup();
    let release!: () => void;
    let entered = false;
    const gate = new Promise<void>((r) => (release = r));
    const docs: DocHost = { read: (id, fn) => f.docs.read(id, fn), change: async (id, o, fn) => {
      entered = true;
      await gate;
      return f.docs.change(id, o, fn);
    } };
    // A lease long enough that a busy machine's late timer cannot lose it between two beats (a
    // beat every 200 ms), short enough that only the heartbeat explains it still holding below.
    const leaseMs = 600;
    const slow = createEngine({ store: f.store, docs, logger: f.logger, idempotencyLeaseMs: leaseMs });
    const input = { collaborationId: c.id, actor: ai, name: 'sendMessage', params: { body: 'slow' }, idempotencyKey: 'job:2' };
    const first = slow.run(input);
    // The first run holds the claim once it is writing (not after a guessed delay: a busy machine is slower).
    await expect.poll(() => entered).toBe(true);
    // Two and a half leases later the claim still holds: the heartbeat renewed it.
    await new Promise((r) => setTimeout(r, leaseMs * 2.5));
    const other = await createEngine({ store: f.store, docs: f.docs, logger: f.logger, idempotencyLeaseMs: leaseMs }).run(input);
    expect(other).toMatchObject({ status: 'refused', code: 'conflict', retryable: true });
    release();
    expect((await first).status).toBe('executed');
    expect(readMessages(await f.storedDoc(c.id))).toHaveLength(1);
  });
});
