// Property test of reverting runs (SPEC [A7], [A8], [A2]): random interleavings of AI runs, people's
// edits (fields and notes), reverts — of AI runs and of reverts — by owners and editors, the editor
// downgraded to viewer and back, the policy of reopening changed for editors, and people's clients
// going offline, editing there and syncing later (after reverts the server ran meanwhile). The
// oracle (testing/revert-oracle.ts) is built only from the document's JSON before and after each
// step, never from the revert planner. After every revert: every value the run set is gone or
// reported (a conflict, or left for an owner's approval), no person's later edit changed, and what
// went to the owner is exactly what policy keeps from the member by hand. After every sync: the
// offline edits hold where nobody wrote the same field meanwhile. At the end: every client
// converges on the served document, and the stored history replays to it.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decide } from '@trellis/schema';
import type { ActionName, Collaboration, PolicyOverrides, Role } from '@trellis/schema';
import { engineFixture } from '../testing/fixture.ts';
import type { EngineFixture } from '../testing/fixture.ts';
import { checkRevert, diff, findMap, newLedger, snapshot, tokens } from '../testing/revert-oracle.ts';
import type { Snapshot } from '../testing/revert-oracle.ts';
import { attributionOf } from '../run-context.ts';
import type { RevertOutcome } from './revert.ts';
import { stateAt } from './replay.ts';

let f: EngineFixture;
beforeAll(() => {
  f = engineFixture({ label: 'revert-prop' });
});
afterAll(async () => {
  await f.close();
});

type Person = 'owner1' | 'ed1';
type Op =
  | { t: 'ai'; run: number; act: 'propose' | 'schedule' | 'title' | 'notes' | 'cut'; target: number }
  | { t: 'person'; who: Person; act: 'title' | 'at' | 'notes'; target: number }
  | { t: 'revert'; which: number; ofRevert: boolean; as: Person }
  | { t: 'role'; to: 'viewer' | 'editor' }
  | { t: 'policy'; reopen: 'allow' | 'approval' }
  | { t: 'offline'; who: Person }
  | { t: 'online'; who: Person };

const person = fc.constantFrom<Person>('owner1', 'ed1');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('ai' as const), run: fc.nat(2), act: fc.constantFrom('propose' as const, 'schedule' as const, 'title' as const, 'notes' as const, 'cut' as const), target: fc.nat(9) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('person' as const), who: person, act: fc.constantFrom('title' as const, 'at' as const, 'notes' as const), target: fc.nat(9) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('revert' as const), which: fc.nat(2), ofRevert: fc.boolean(), as: person }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('role' as const), to: fc.constantFrom('viewer' as const, 'editor' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('policy' as const), reopen: fc.constantFrom('allow' as const, 'approval' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('offline' as const), who: person }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('online' as const), who: person }) },
);

/** A person's device: its own copy of the document, and what it did while offline. */
interface Client {
  doc: Y.Doc;
  offline: boolean;
  /** Where the ledger stood when it went offline: later server writes are concurrent with its edits. */
  since: number;
  fields: Map<string, unknown>;
  tokens: Set<string>;
}

/** The action a person runs by hand to set an activity's status to this value ([G5]). */
const STATUS_ACTION: Record<string, ActionName> = { scheduled: 'scheduleActivity', done: 'completeActivity', cancelled: 'cancelActivity', proposed: 'reopenActivity' };
type Done = Extract<RevertOutcome, { status: 'done' }>;

/** [A8] What a revert left for an owner is exactly what policy keeps from this member by hand. */
function checkRefusals(role: Role, policy: PolicyOverrides, before: Snapshot, after: Snapshot, res: Done): void {
  if (role === 'owner') expect(res.needsOwner).toEqual([]);
  for (const c of res.needsOwner) {
    const why = c.root === 'messages' ? 'not their message'
      : c.field === null ? (c.after === null ? 'only owners delete activities' : decide(role, 'proposeActivity', policy) !== 'allow' ? 'may not propose' : null)
        : c.field === 'status' ? (decide(role, STATUS_ACTION[String(c.after)] ?? 'reopenActivity', policy) !== 'allow' ? 'status step kept from them' : null)
          : null;
    expect({ c, why }).toEqual({ c, why: expect.any(String) });
  }
  if (role === 'owner') return;
  // And what was applied, they could have done by hand: no activity removed, no forbidden status step.
  for (const [item, json] of Object.entries(before.entries)) {
    if (!item.startsWith('activities/')) continue;
    expect({ item, present: item in after.entries }).toEqual({ item, present: true });
    const status = after.entries[item]?.['status'];
    if (status !== json['status']) expect({ item, status, allowed: decide(role, STATUS_ACTION[String(status)]!, policy) }).toEqual({ item, status, allowed: 'allow' });
  }
}

async function runCase(ops: Op[], reopen: 'allow' | 'approval', caseNo: number): Promise<void> {
  const collab: Collaboration = await f.collaboration({ ed1: 'editor' });
  const id = collab.id;
  const owner = { kind: 'user' as const, userId: 'owner1' };
  // The AI may schedule without approval here, so runs touch existing activities' fields; whether
  // editors may reopen (undo a scheduling by hand) starts either way.
  let policy: PolicyOverrides = { scheduleActivity: { ai: 'allow' }, reopenActivity: { editor: reopen } };
  expect(await f.engine.run({ collaborationId: id, actor: owner, name: 'setPolicy', params: { policy } })).toMatchObject({ status: 'executed' });
  for (const title of ['Hike', 'Picnic']) await f.engine.run({ collaborationId: id, actor: owner, name: 'proposeActivity', params: { title } });
  const roles: Record<Person, Role> = { owner1: 'owner', ed1: 'editor' };
  const read = () => f.docs.read(id, snapshot);
  const ledger = newLedger();
  const aiRuns = [0, 1, 2].map((r) => `run_ai_${caseNo}_${r}`);
  const revertRuns: string[] = [];
  const clients: Record<Person, Client> = { owner1: newClient(), ed1: newClient() };

  function newClient(): Client {
    return { doc: new Y.Doc(), offline: false, since: 0, fields: new Map(), tokens: new Set() };
  }
  async function pull(c: Client): Promise<void> {
    Y.applyUpdate(c.doc, await f.docs.read(id, (d) => Y.encodeStateAsUpdate(d, Y.encodeStateVector(c.doc))));
  }
  /** A client back online sends what it did offline; the server stores it as that person's. */
  async function sync(who: Person, n: number): Promise<void> {
    const c = clients[who];
    const before = await read();
    const update = Y.encodeStateAsUpdate(c.doc, await f.docs.read(id, (d) => Y.encodeStateVector(d)));
    await f.docs.change(id, 'client', (doc) => Y.applyUpdate(doc, update), attributionOf({ kind: 'user', userId: who }));
    const after = await read();
    const run = `person:${who}:sync${n}`;
    ledger.writes.push(...diff(run, before, after));
    for (const t of c.tokens) {
      ledger.tokenOwner.set(t, run);
      expect({ t, present: tokens(after.notes).has(t) }).toEqual({ t, present: true });
    }
    // An offline edit holds unless the server wrote the same field (or the entry) meanwhile.
    const meanwhile = ledger.writes.slice(c.since).filter((w) => w.run !== run);
    for (const [key, value] of c.fields) {
      const [item, field] = key.split('|') as [string, string];
      if (!after.entries[item] || meanwhile.some((w) => w.item === item && (w.field === field || w.field === null))) continue;
      expect({ key, now: after.entries[item][field] }).toEqual({ key, now: value });
    }
    Object.assign(c, { offline: false, fields: new Map(), tokens: new Set() });
    await pull(c);
  }

  await pull(clients.owner1);
  await pull(clients.ed1);
  let n = 0;
  for (const op of ops) {
    n++;
    const before = await read();
    let run: string | null = null;
    if (op.t === 'ai') {
      const activities = Object.keys(before.entries).filter((k) => k.startsWith('activities/')).map((k) => k.slice('activities/'.length));
      const target = activities[op.target % Math.max(activities.length, 1)];
      run = aiRuns[op.run]!;
      const ai = { kind: 'ai' as const, ref: run };
      const attribution = attributionOf(ai);
      if (op.act === 'propose') await f.engine.run({ collaborationId: id, actor: ai, name: 'proposeActivity', params: { title: `ai ${n}` } });
      else if (op.act === 'schedule' && target) await f.engine.run({ collaborationId: id, actor: ai, name: 'scheduleActivity', params: { activityId: target, at: new Date(Date.UTC(2030, 0, 1, 0, n)).toISOString() } });
      else if (op.act === 'title' && target) await f.docs.change(id, 'test', (doc) => findMap(doc, target)?.set('title', `ai title ${n}`), attribution);
      else if (op.act === 'cut') {
        const cutBy = run;
        // The AI deletes one whole token of the notes (someone's text, or its own).
        await f.docs.change(id, 'test', (doc) => {
          const notes = doc.getText('notes');
          const s = notes.toString();
          const from = s.indexOf('[', (op.target * 7) % Math.max(s.length, 1));
          const at = from >= 0 ? from : s.indexOf('[');
          if (at < 0) return;
          const end = s.indexOf(']', at);
          ledger.tokenCutBy.set(s.slice(at, end + 1), cutBy);
          notes.delete(at, end + 1 - at);
        }, attribution);
      } else if (op.act === 'notes') {
        const token = `[ai${op.run}-${n}]`;
        ledger.tokenOwner.set(token, run);
        await f.docs.change(id, 'test', (doc) => doc.getText('notes').insert(n % 2 ? 0 : doc.getText('notes').length, token), attribution);
      }
    } else if (op.t === 'person') {
      // A viewer's edits never reach the document ([P1]); the sync gate, not the engine, refuses them.
      if (roles[op.who] === 'viewer') continue;
      const c = clients[op.who];
      const edit = (doc: Y.Doc): void => {
        const activities = Object.keys(snapshot(doc).entries).filter((k) => k.startsWith('activities/')).map((k) => k.slice('activities/'.length));
        const target = activities[op.target % Math.max(activities.length, 1)];
        if (op.act === 'notes') {
          const token = `[p-${n}]`;
          if (c.offline) c.tokens.add(token);
          else ledger.tokenOwner.set(token, `person:${op.who}:${n}`);
          doc.getText('notes').insert(n % 2 ? 0 : doc.getText('notes').length, token);
        } else if (target) {
          const value = op.act === 'at' ? new Date(Date.UTC(2031, 0, 1, 0, n)).toISOString() : `${op.who} title ${n}`;
          findMap(doc, target)?.set(op.act, value);
          if (c.offline) c.fields.set(`activities/${target}|${op.act}`, value);
        }
      };
      if (c.offline) {
        edit(c.doc);
        continue;
      }
      run = `person:${op.who}:${n}`;
      await f.docs.change(id, 'test', edit, attributionOf({ kind: 'user', userId: op.who }));
    } else if (op.t === 'role') {
      expect(await f.engine.run({ collaborationId: id, actor: owner, name: 'changeRole', params: { userId: 'ed1', role: op.to } })).toMatchObject({ status: 'executed' });
      roles.ed1 = op.to;
    } else if (op.t === 'policy') {
      policy = { ...policy, reopenActivity: { editor: op.reopen } };
      expect(await f.engine.run({ collaborationId: id, actor: owner, name: 'setPolicy', params: { policy } })).toMatchObject({ status: 'executed' });
    } else if (op.t === 'offline') {
      if (!clients[op.who].offline) Object.assign(clients[op.who], { offline: true, since: ledger.writes.length });
      continue;
    } else if (op.t === 'online') {
      if (clients[op.who].offline && roles[op.who] !== 'viewer') await sync(op.who, n);
    } else {
      const pool = op.ofRevert ? revertRuns : aiRuns;
      const reverted = pool[op.which % Math.max(pool.length, 1)];
      if (!reverted) continue;
      const res = await f.engine.revert({ collaborationId: id, userId: op.as, selector: { runId: reverted } });
      const after = await read();
      if (res.status === 'refused') {
        // A viewer is refused whatever the run; others only a run with nothing stored.
        if (roles[op.as] === 'viewer') expect(res.code).toBe('forbidden');
        else expect(ledger.writes.some((w) => w.run === reverted)).toBe(false);
        expect(after).toEqual(before);
      } else {
        expect(roles[op.as]).not.toBe('viewer');
        checkRevert(reverted, ledger, before, after, res);
        checkRefusals(roles[op.as], policy, before, after, res);
        run = res.runId ?? `revert-noop:${n}`;
        // Text a revert put back is that revert's now.
        for (const t of tokens(after.notes)) if (!tokens(before.notes).has(t)) ledger.tokenOwner.set(t, run);
        if (res.runId) revertRuns.push(res.runId);
        ledger.writes.push(...diff(run, before, after));
      }
    }
    if (run !== null && op.t !== 'revert') ledger.writes.push(...diff(run, before, await read()));
    for (const c of Object.values(clients)) if (!c.offline) await pull(c);
  }
  // Everyone back online (the editor's role restored, so their offline edits are theirs to send).
  if (roles.ed1 === 'viewer') await f.engine.run({ collaborationId: id, actor: owner, name: 'changeRole', params: { userId: 'ed1', role: 'editor' } });
  for (const who of ['owner1', 'ed1'] as const) if (clients[who].offline) await sync(who, ++n);
  const served = await read();
  for (const who of ['owner1', 'ed1'] as const) {
    await pull(clients[who]);
    expect({ who, state: snapshot(clients[who].doc) }).toEqual({ who, state: served });
  }
  // [A2] the stored history replays to the state the document loads as.
  const history = await f.store.docs.loadHistory(id);
  const replayed = stateAt(history, {});
  const stored = await f.storedDoc(id);
  expect(replayed.activities).toEqual(stored.getArray('activities').toJSON());
  expect(replayed.messages).toEqual(stored.getArray('messages').toJSON());
  expect(replayed.notes).toEqual(stored.getText('notes').toString());
  expect(snapshot(stored)).toEqual(served);
}

describe('revert under interleavings', () => {
  it('[A7][A8][A2] random AI runs, people\'s edits online and offline, role and policy changes and reverts: the run\'s values are gone or reported, nobody else\'s edit changes, refusals follow policy, clients converge, the history replays to the stored state', async () => {
    let caseNo = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 24 }), fc.constantFrom('allow' as const, 'approval' as const), async (ops, reopen) => {
        await runCase(ops, reopen, caseNo++);
      }),
      { seed: 20261130, numRuns: Number(process.env['REVERT_PROPERTY_RUNS'] ?? 60), endOnFailure: true },
    );
  }, 180_000);
});
