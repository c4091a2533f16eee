// An adversarial fuzzer against the real gate (fast-check): random documents, roles and policies,
// random operation sequences from real Yjs clients, and mutations of their encoded updates
// (reordered, overlapping or duplicated delete ranges, duplicated or truncated structs, huge clocks,
// deep nesting, forged ids and authors). A seeded run is part of `npm test`; `npm run fuzz` runs
// FUZZ_RUNS cases (default 50,000) with a fresh seed unless FUZZ_SEED is set.
//
// Oracle, per update: nothing throws out of the gate; a refused update leaves the served document
// exactly as before; an accepted one changes only what the writer's role and the policy allow;
// the writer (when it sent a genuine update) and a bystander converge to the served state; the
// stored log (initial state + every emitted update) replays to the served state with nothing
// pending; and no update stays in the gate longer than the time budget.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { activitiesOf, appendActivity, appendMessage, messagesOf, notesOf } from '@trellis/schema';
import type { PolicyOverrides, Role } from '@trellis/schema';
import { applyGated, DEFAULT_GATE_LIMITS } from './apply-gated.ts';
import { preflightLimits, preflightUpdate } from './preflight-update.ts';
import type { ClientOrigin } from './apply-gated.ts';
import { craft, nestedMaps } from './testing/crafted.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? Date.now() : 20261129;
const BUDGET_MS = 100;
const USERS: Record<Role, string> = { owner: 'alice', editor: 'bob', viewer: 'vic' };

type Op =
  | { k: 'msg'; author: 'self' | 'other'; body: string; id: 'fresh' | 'dup' }
  | { k: 'editMsg'; index: number; body: string }
  | { k: 'delMsg'; index: number }
  | { k: 'act'; proposer: 'self' | 'other'; id: 'fresh' | 'dup'; status: 'proposed' | 'scheduled' | 'done' | 'cancelled' }
  | { k: 'setAct'; index: number; key: 'status' | 'title' | 'at' | 'id' | 'proposedBy' | 'bogus'; value: string }
  | { k: 'delAct'; index: number }
  | { k: 'text'; at: number; insert: string; del: number }
  | { k: 'root'; name: string }
  | { k: 'nested'; depth: number };

type Mutation = 'none' | 'reverseDs' | 'duplicateDs' | 'hugeDs' | 'dupStruct' | 'truncate' | 'dropFirst' | 'hugeClock' | 'nest' | 'forwardRef' | 'gcFlood' | 'relinkKnown';

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('msg' as const), author: fc.constantFrom('self' as const, 'other' as const), body: fc.string({ maxLength: 8 }), id: fc.constantFrom('fresh' as const, 'dup' as const) }),
  fc.record({ k: fc.constant('editMsg' as const), index: fc.nat(5), body: fc.string({ maxLength: 8 }) }),
  fc.record({ k: fc.constant('delMsg' as const), index: fc.nat(5) }),
  fc.record({ k: fc.constant('act' as const), proposer: fc.constantFrom('self' as const, 'other' as const), id: fc.constantFrom('fresh' as const, 'dup' as const), status: fc.constantFrom('proposed' as const, 'scheduled' as const, 'done' as const, 'cancelled' as const) }),
  fc.record({ k: fc.constant('setAct' as const), index: fc.nat(5), key: fc.constantFrom('status' as const, 'title' as const, 'at' as const, 'id' as const, 'proposedBy' as const, 'bogus' as const), value: fc.constantFrom('scheduled', 'done', 'cancelled', 'proposed', 'x', '2026-12-01T10:00:00Z') }),
  fc.record({ k: fc.constant('delAct' as const), index: fc.nat(5) }),
  fc.record({ k: fc.constant('text' as const), at: fc.nat(40), insert: fc.string({ maxLength: 6 }), del: fc.nat(5) }),
  fc.record({ k: fc.constant('root' as const), name: fc.constantFrom('members', 'policy', 'zz') }),
  fc.record({ k: fc.constant('nested' as const), depth: fc.integer({ min: 2, max: 3_000 }) }),
);

const decisionArb = fc.constantFrom('allow' as const, 'approval' as const, 'deny' as const);
const policyArb: fc.Arbitrary<PolicyOverrides> = fc.record(
  { sendMessage: fc.record({ editor: decisionArb }), proposeActivity: fc.record({ editor: decisionArb }), scheduleActivity: fc.record({ editor: decisionArb }), completeActivity: fc.record({ editor: decisionArb }), cancelActivity: fc.record({ editor: decisionArb }) },
  { requiredKeys: [] },
) as fc.Arbitrary<PolicyOverrides>;

const stepArb = fc.record({
  role: fc.constantFrom<Role>('owner', 'editor', 'viewer'),
  ops: fc.array(opArb, { minLength: 1, maxLength: 4 }),
  mutation: fc.constantFrom<Mutation>('none', 'none', 'none', 'reverseDs', 'duplicateDs', 'hugeDs', 'dupStruct', 'truncate', 'dropFirst', 'hugeClock', 'nest', 'forwardRef', 'gcFlood', 'relinkKnown'),
});

const seedArb = fc.record({
  messages: fc.array(fc.record({ author: fc.constantFrom('alice', 'bob', 'carol'), body: fc.string({ maxLength: 6 }) }), { maxLength: 4 }),
  activities: fc.array(fc.record({ title: fc.string({ minLength: 1, maxLength: 6 }), by: fc.constantFrom('alice', 'bob') }), { maxLength: 4 }),
  notes: fc.string({ maxLength: 20 }),
});

type View = { messages: unknown[]; activities: Record<string, unknown>[]; notes: string };
const view = (d: Y.Doc): View => ({ messages: messagesOf(d).toJSON(), activities: activitiesOf(d).toJSON() as Record<string, unknown>[], notes: notesOf(d).toString() });

let fresh = 0;
function applyOp(d: Y.Doc, op: Op, me: string): void {
  const msgs = messagesOf(d);
  const acts = activitiesOf(d);
  switch (op.k) {
    case 'msg': {
      const id = op.id === 'dup' && msgs.length > 0 ? String(msgs.get(0).get('id')) : `m${++fresh}`;
      appendMessage(d, { id, authorId: op.author === 'self' ? me : 'alice', body: op.body, kind: 'user' });
      return;
    }
    case 'editMsg':
      if (msgs.length > 0) msgs.get(op.index % msgs.length).set('body', op.body);
      return;
    case 'delMsg':
      if (msgs.length > 0) msgs.delete(op.index % msgs.length, 1);
      return;
    case 'act': {
      const id = op.id === 'dup' && acts.length > 0 ? String(acts.get(0).get('id')) : `a${++fresh}`;
      const m = appendActivity(d, { id, title: 'T', proposedBy: op.proposer === 'self' ? me : 'alice' });
      if (op.status !== 'proposed') m.set('status', op.status);
      return;
    }
    case 'setAct':
      if (acts.length > 0) acts.get(op.index % acts.length).set(op.key, op.value);
      return;
    case 'delAct':
      if (acts.length > 0) acts.delete(op.index % acts.length, 1);
      return;
    case 'text': {
      const t = notesOf(d);
      const at = Math.min(op.at, t.length);
      if (op.insert) t.insert(at, op.insert);
      const del = Math.min(op.del, t.length - at);
      if (del > 0) t.delete(at, del);
      return;
    }
    case 'root':
      d.getMap(op.name).set('k', 'v');
      return;
    case 'nested': {
      let m = new Y.Map<unknown>();
      d.getArray<unknown>('messages').push([m]);
      for (let i = 0; i < Math.min(op.depth, 50); i++) {
        const c = new Y.Map<unknown>();
        m.set('c', c);
        m = c;
      }
      return;
    }
    default: {
      const never: never = op;
      throw new Error(`unknown op ${JSON.stringify(never)}`);
    }
  }
}

type Decoded = { structs: (Y.Item | Y.GC | Y.Skip)[]; ds: { clients: Map<number, { clock: number; len: number }[]> } };

function mutate(update: Uint8Array, m: Mutation, client: number, server: Y.Doc): Uint8Array {
  if (m === 'none') return update;
  if (m === 'truncate') return update.slice(0, Math.max(1, Math.floor(update.length * 0.6)));
  if (m === 'nest') return nestedMaps(client + 1_000, 'messages', 4_000);
  const { structs, ds } = Y.decodeUpdate(update) as unknown as Decoded;
  const byClient = new Map<number, (Y.Item | Y.GC)[]>();
  for (const s of structs) if (!(s instanceof Y.Skip)) byClient.set(s.id.client, [...(byClient.get(s.id.client) ?? []), s]);
  const dsOut = new Map<number, { clock: number; len: number }[]>([...ds.clients].map(([c, l]) => [c, l.map((r) => ({ ...r }))]));
  switch (m) {
    case 'reverseDs':
      for (const [c, l] of dsOut) dsOut.set(c, l.reverse());
      break;
    case 'duplicateDs':
      for (const [c, l] of dsOut) dsOut.set(c, [...l, ...l.map((r) => ({ clock: r.clock, len: r.len + 1 }))]);
      break;
    case 'hugeDs':
      dsOut.set(1, [{ clock: 0, len: 2 ** 40 }]);
      dsOut.set(424242, [{ clock: 5, len: 3 }]);
      break;
    case 'dupStruct':
      for (const [c, l] of byClient) if (l.length > 0) byClient.set(c, [...l, l[l.length - 1]!]);
      break;
    case 'dropFirst':
      for (const [c, l] of byClient) byClient.set(c, l.slice(1));
      break;
    case 'forwardRef':
      // An item naming a later clock of its own client as its origin.
      for (const [c, l] of byClient) {
        const first = l[0];
        const last = l[l.length - 1];
        if (first instanceof Y.Item && last) byClient.set(c, [new Y.Item(first.id, null, Y.createID(c, last.id.clock + last.length - 1), null, first.rightOrigin, null, null, first.content), ...l.slice(1)]);
      }
      break;
    case 'gcFlood':
      for (let i = 0; i < 40; i++) byClient.set(2_000_000 + client * 100 + i, [new Y.GC(Y.createID(2_000_000 + client * 100 + i, 0), 1)]);
      break;
    case 'relinkKnown': {
      // A struct overlapping the last clock the server holds of some client, with an origin elsewhere.
      const clients = [...server.store.clients.keys()];
      const victim = clients[client % clients.length];
      const other = clients[(client + 1) % clients.length];
      if (victim !== undefined && other !== undefined) {
        const state = Y.getState(server.store, victim);
        const otherStructs = server.store.clients.get(other)!;
        const anchor = otherStructs[Math.floor(otherStructs.length / 2)]!;
        byClient.set(victim, [new Y.Item(Y.createID(victim, state - 1), null, Y.createID(anchor.id.client, anchor.id.clock + anchor.length - 1), null, null, null, null, new Y.ContentDeleted(2))]);
      }
      break;
    }
    case 'hugeClock':
      for (const [c, l] of byClient) byClient.set(c, l.map((s) => (s instanceof Y.GC ? new Y.GC(Y.createID(c, s.id.clock + 2 ** 31), s.length) : new Y.Item(Y.createID(c, s.id.clock + 2 ** 31), null, s.origin, null, s.rightOrigin, s.parent as unknown as Y.AbstractType<unknown>, s.parentSub, s.content))));
      break;
    default:
      break;
  }
  return craft(byClient, dsOut);
}

/** What the accepted state may differ in, given who wrote it ([P1], [P2], [P6], [P9]). */
function checkAccepted(before: View, after: View, role: Role, me: string): void {
  if (role === 'viewer') {
    expect(after).toEqual(before);
    return;
  }
  const beforeMsgs = new Map((before.messages as Record<string, unknown>[]).map((m) => [m.id, m]));
  const afterMsgs = after.messages as Record<string, unknown>[];
  // Nobody else's message was removed or changed; every new message is the writer's.
  for (const [id, m] of beforeMsgs) {
    if (m.authorId === me) continue;
    expect(afterMsgs.find((x) => x.id === id)).toEqual(m);
  }
  for (const m of afterMsgs) if (!beforeMsgs.has(m.id)) expect(m).toMatchObject({ authorId: me, kind: 'user' });
  if (role !== 'owner') for (const a of before.activities) expect(after.activities.some((x) => x.id === a.id)).toBe(true);
  for (const root of [afterMsgs, after.activities]) {
    const ids = root.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  }
  for (const a of after.activities) {
    const known = before.activities.find((x) => x.id === a.id);
    if (!known) expect(a.proposedBy).toBe(me);
    else {
      expect(a.proposedBy).toBe(known.proposedBy);
      expect(a.createdAt).toBe(known.createdAt);
    }
    for (const k of Object.keys(a)) expect(['id', 'title', 'status', 'proposedBy', 'createdAt', 'at', 'notes', 'cancelReason', 'updatedAt']).toContain(k);
  }
}

describe('gate fuzzer', () => {
  it('[P1][P3][P4][P8][P9][P10][H3][H6][H7][H13] random documents, roles and mutated updates: refusals change nothing, acceptances follow policy, everyone converges, the log replays', () => {
    // Warm the gate up once (compilation is not what the budget is about).
    const warm = new Y.Doc();
    applyGated(warm, nestedMaps(9, 'messages', 1_500), { userId: 'bob', role: 'editor', policy: {} }, { kind: 'client', connId: 0, refused: false });
    fc.assert(
      fc.property(seedArb, policyArb, fc.array(stepArb, { minLength: 1, maxLength: 3 }), (seed, policy, steps) => {
        const server = new Y.Doc();
        server.clientID = 1;
        for (const m of seed.messages) appendMessage(server, { id: `s${++fresh}`, authorId: m.author, body: m.body, kind: 'user' });
        for (const a of seed.activities) appendActivity(server, { id: `s${++fresh}`, title: a.title, proposedBy: a.by });
        notesOf(server).insert(0, seed.notes);
        const stored: Uint8Array[] = [Y.encodeStateAsUpdate(server)];
        const bystander = new Y.Doc();
        Y.applyUpdate(bystander, stored[0]!);
        server.on('update', (u: Uint8Array) => stored.push(u));
        steps.forEach((step, n) => {
          const me = USERS[step.role];
          const writer = new Y.Doc();
          writer.clientID = 100 + n;
          Y.applyUpdate(writer, Y.encodeStateAsUpdate(server));
          const sv = Y.encodeStateVector(writer);
          for (const op of step.ops) applyOp(writer, op, me);
          const genuine = Y.encodeStateAsUpdate(writer, sv);
          const update = mutate(genuine, step.mutation, writer.clientID, server);
          const before = view(server);
          const emittedFrom = stored.length;
          const origin: ClientOrigin = { kind: 'client', connId: n, refused: false };
          const pre = Y.encodeStateAsUpdate(server);
          // [H13] the pre-flight refuses only what the gate refuses, and never a real client's honest update.
          const preflight = preflightUpdate(update, preflightLimits(DEFAULT_GATE_LIMITS));
          if (step.mutation === 'none' && step.ops.every((op) => op.k !== 'nested')) expect(preflight).toEqual({ ok: true });
          const started = performance.now();
          const result = applyGated(server, update, { userId: me, role: step.role, policy }, origin);
          const elapsed = performance.now() - started;
          // Wall time on a shared machine includes other processes and GC: a slow sample is timed
          // again on an identical copy, and the faster of the two must be within the budget.
          if (elapsed >= BUDGET_MS) {
            const copy = new Y.Doc();
            Y.applyUpdate(copy, pre);
            copy.clientID = 1;
            const again = performance.now();
            applyGated(copy, update, { userId: me, role: step.role, policy }, { kind: 'client', connId: n, refused: false });
            expect(Math.min(elapsed, performance.now() - again)).toBeLessThan(BUDGET_MS);
          }
          if (process.env.FUZZ_DEBUG) console.log(n, step.role, step.mutation, JSON.stringify(result), JSON.stringify(before.messages.map((m) => (m as { id: string }).id)), JSON.stringify(view(server).messages.map((m) => (m as { id: string }).id)));
          const after = view(server);
          if (!preflight.ok) expect(result.ok).toBe(false);
          if (!result.ok) expect(after).toEqual(before);
          else checkAccepted(before, after, step.role, me);
          for (const u of stored.slice(emittedFrom)) {
            Y.applyUpdate(bystander, u);
            Y.applyUpdate(writer, u);
          }
          expect(view(bystander)).toEqual(after);
          if (step.mutation === 'none') expect(view(writer)).toEqual(after);
        });
        const replay = new Y.Doc();
        replay.transact(() => {
          for (const u of stored) Y.applyUpdate(replay, u);
        });
        expect(replay.store.pendingStructs).toBeNull();
        expect(replay.store.pendingDs).toBeNull();
        expect(view(replay)).toEqual(view(server));
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true, ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) },
    );
  }, 60_000 + RUNS * 50);
});
