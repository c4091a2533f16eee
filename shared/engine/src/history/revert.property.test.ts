// Property test of reverting runs (SPEC [A7], [A8], [A2]): random interleavings of AI runs, people's
// edits (fields and notes) and reverts — of AI runs and of reverts — by owners and editors. An
// oracle built only from the document's JSON before and after each step (never from the revert
// planner) checks after every revert that every value the run set is gone or reported (a conflict,
// or left for an owner's approval), that no person's later edit changed, that entries follow the
// same rule, and that the stored history replays to the stored state.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import type { Collaboration } from '@trellis/schema';
import { engineFixture } from '../testing/fixture.ts';
import type { EngineFixture } from '../testing/fixture.ts';
import { attributionOf } from '../run-context.ts';
import { stateAt } from './replay.ts';

let f: EngineFixture;
beforeAll(() => {
  f = engineFixture({ label: 'revert-prop' });
});
afterAll(async () => {
  await f.close();
});

type Op =
  | { t: 'ai'; run: number; act: 'propose' | 'schedule' | 'title' | 'notes' | 'cut'; target: number }
  | { t: 'person'; who: 'owner1' | 'ed1'; act: 'title' | 'at' | 'notes'; target: number }
  | { t: 'revert'; which: number; ofRevert: boolean; as: 'owner1' | 'ed1' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('ai' as const), run: fc.nat(2), act: fc.constantFrom('propose' as const, 'schedule' as const, 'title' as const, 'notes' as const, 'cut' as const), target: fc.nat(9) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('person' as const), who: fc.constantFrom('owner1' as const, 'ed1' as const), act: fc.constantFrom('title' as const, 'at' as const, 'notes' as const), target: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('revert' as const), which: fc.nat(2), ofRevert: fc.boolean(), as: fc.constantFrom('owner1' as const, 'ed1' as const) }) },
);

type Json = Record<string, Record<string, unknown>>;
interface Snapshot { entries: Json; notes: string }
interface Write { run: string; item: string; field: string | null; before: unknown; after: unknown }

function snapshot(doc: Y.Doc): Snapshot {
  const entries: Json = {};
  for (const root of ['activities', 'messages'] as const) {
    for (const m of doc.getArray<Y.Map<unknown>>(root).toArray()) {
      const json = m.toJSON() as Record<string, unknown>;
      entries[`${root}/${String(json['id'])}`] = json;
    }
  }
  return { entries, notes: doc.getText('notes').toString() };
}

function diff(run: string, a: Snapshot, b: Snapshot): Write[] {
  const out: Write[] = [];
  for (const [item, json] of Object.entries(b.entries)) {
    const old = a.entries[item];
    if (!old) {
      out.push({ run, item, field: null, before: null, after: json });
      continue;
    }
    for (const k of new Set([...Object.keys(old), ...Object.keys(json)])) {
      if (JSON.stringify(old[k]) !== JSON.stringify(json[k])) out.push({ run, item, field: k, before: old[k] ?? null, after: json[k] ?? null });
    }
  }
  for (const [item, json] of Object.entries(a.entries)) if (!b.entries[item]) out.push({ run, item, field: null, before: json, after: null });
  return out;
}

const tokens = (notes: string) => new Set(notes.match(/\[[^\]]+\]/g) ?? []);

async function runCase(ops: Op[], caseNo: number): Promise<void> {
  const collab: Collaboration = await f.collaboration({ ed1: 'editor' });
  // The AI may schedule without approval here, so runs touch existing activities' fields.
  await f.store.collaborations.update(collab.id, { policy: { scheduleActivity: { ai: 'allow' } } });
  const id = collab.id;
  const owner = { kind: 'user' as const, userId: 'owner1' };
  for (const title of ['Hike', 'Picnic']) await f.engine.run({ collaborationId: id, actor: owner, name: 'proposeActivity', params: { title } });
  const read = () => f.docs.read(id, snapshot);
  const writes: Write[] = [];
  const aiRuns = [0, 1, 2].map((r) => `run_ai_${caseNo}_${r}`);
  const revertRuns: string[] = [];
  const tokenOwner = new Map<string, string>();
  const tokenCutBy = new Map<string, string>();
  let n = 0;
  for (const op of ops) {
    n++;
    const before = await read();
    const activities = Object.keys(before.entries).filter((k) => k.startsWith('activities/')).map((k) => k.slice('activities/'.length));
    const target = activities[('target' in op ? op.target : 0) % Math.max(activities.length, 1)];
    let run: string;
    if (op.t === 'ai') {
      run = aiRuns[op.run]!;
      const ai = { kind: 'ai' as const, ref: run };
      const attribution = attributionOf(ai);
      if (op.act === 'propose') await f.engine.run({ collaborationId: id, actor: ai, name: 'proposeActivity', params: { title: `ai ${n}` } });
      else if (op.act === 'schedule' && target) await f.engine.run({ collaborationId: id, actor: ai, name: 'scheduleActivity', params: { activityId: target, at: new Date(Date.UTC(2030, 0, 1, 0, n)).toISOString() } });
      else if (op.act === 'title' && target) await f.docs.change(id, 'test', (doc) => findMap(doc, target)?.set('title', `ai title ${n}`), attribution);
      else if (op.act === 'cut') {
        // The AI deletes one whole token of the notes (someone's text, or its own).
        await f.docs.change(id, 'test', (doc) => {
          const notes = doc.getText('notes');
          const s = notes.toString();
          const from = s.indexOf('[', (op.target * 7) % Math.max(s.length, 1));
          const at = from >= 0 ? from : s.indexOf('[');
          if (at < 0) return;
          const end = s.indexOf(']', at);
          tokenCutBy.set(s.slice(at, end + 1), run);
          notes.delete(at, end + 1 - at);
        }, attribution);
      } else if (op.act === 'notes') {
        const token = `[ai${op.run}-${n}]`;
        tokenOwner.set(token, run);
        await f.docs.change(id, 'test', (doc) => doc.getText('notes').insert(n % 2 ? 0 : doc.getText('notes').length, token), attribution);
      }
    } else if (op.t === 'person') {
      run = `person:${op.who}:${n}`;
      const attribution = attributionOf({ kind: 'user', userId: op.who });
      if (op.act === 'notes') {
        const token = `[p-${n}]`;
        tokenOwner.set(token, run);
        await f.docs.change(id, 'test', (doc) => doc.getText('notes').insert(n % 2 ? 0 : doc.getText('notes').length, token), attribution);
      } else if (target) {
        await f.docs.change(id, 'test', (doc) => findMap(doc, target)?.set(op.act, op.act === 'at' ? new Date(Date.UTC(2031, 0, 1, 0, n)).toISOString() : `${op.who} title ${n}`), attribution);
      }
    } else {
      const pool = op.ofRevert ? revertRuns : aiRuns;
      const reverted = pool[op.which % Math.max(pool.length, 1)];
      if (!reverted) continue;
      const res = await f.engine.revert({ collaborationId: id, userId: op.as, selector: { runId: reverted } });
      const after = await read();
      if (res.status === 'refused') {
        // Only a run with nothing stored is refused for these members.
        expect(writes.some((w) => w.run === reverted)).toBe(false);
        expect(after).toEqual(before);
        continue;
      }
      checkRevert(reverted, writes, before, after, res);
      run = res.runId ?? `revert-noop:${n}`;
      // Text a revert put back is that revert's now.
      for (const t of tokens(after.notes)) if (!tokens(before.notes).has(t)) tokenOwner.set(t, run);
      if (res.runId) revertRuns.push(res.runId);
      writes.push(...diff(run, before, after));
      continue;
    }
    writes.push(...diff(run, before, await read()));
  }
  // [A2] the stored history replays to the state the document loads as.
  const history = await f.store.docs.loadHistory(id);
  const replayed = stateAt(history, {});
  const stored = await f.storedDoc(id);
  expect(replayed.activities).toEqual(stored.getArray('activities').toJSON());
  expect(replayed.messages).toEqual(stored.getArray('messages').toJSON());
  expect(replayed.notes).toEqual(stored.getText('notes').toString());

  function checkRevert(r: string, log: Write[], before: Snapshot, after: Snapshot, res: Extract<Awaited<ReturnType<typeof f.engine.revert>>, { status: 'done' }>): void {
    const reported = (item: string, field: string | null) => [...res.conflicts, ...res.needsOwner].some((c) => `${c.root}/${c.itemId}` === item && (field === null || c.field === field || c.field === null));
    const lastWriter = new Map<string, string>();
    for (const w of log) lastWriter.set(`${w.item}|${w.field ?? ''}`, w.run);
    const created = new Set(log.filter((w) => w.run === r && w.field === null && w.before === null).map((w) => w.item));
    const touchedByOthers = (item: string) => log.some((w) => w.item === item && w.run !== r && w.field !== null && log.findIndex((x) => x.item === item && x.run === r && x.field === null) < log.indexOf(w));
    const runFields = new Map<string, Write>();
    for (const w of log) if (w.run === r && w.field !== null && !created.has(w.item) && !runFields.has(`${w.item}|${w.field}`)) runFields.set(`${w.item}|${w.field}`, w);
    // Every value the run set is gone (back to what was there before the run) or reported.
    for (const [key, first] of runFields) {
      const [item, field] = key.split('|') as [string, string];
      if (!before.entries[item] || !after.entries[item]) continue;
      const now = after.entries[item][field] ?? null;
      if (lastWriter.get(key) === r) {
        if (!reported(item, field)) expect({ key, now }).toEqual({ key, now: first.before });
      } else {
        // A later writer's value: left alone, and reported.
        expect({ key, now }).toEqual({ key, now: before.entries[item][field] ?? null });
        expect({ key, reported: reported(item, field) }).toEqual({ key, reported: true });
      }
    }
    for (const item of created) {
      if (!before.entries[item]) continue;
      if (touchedByOthers(item)) {
        expect({ item, present: !!after.entries[item], reported: reported(item, null) }).toEqual({ item, present: true, reported: true });
      } else if (!reported(item, null)) {
        expect({ item, present: !!after.entries[item] }).toEqual({ item, present: false });
      }
    }
    // No one else's value changed.
    for (const [item, json] of Object.entries(before.entries)) {
      if (created.has(item) || !after.entries[item]) continue;
      for (const [field, value] of Object.entries(json)) {
        if (runFields.has(`${item}|${field}`)) continue;
        expect({ item, field, value: after.entries[item][field] }).toEqual({ item, field, value });
      }
    }
    // Entries nobody asked to remove are still there.
    for (const item of Object.keys(before.entries)) if (!created.has(item)) expect({ item, present: !!after.entries[item] }).toEqual({ item, present: true });
    // Notes: the run's text is gone, everyone else's stays.
    const now = tokens(after.notes);
    for (const t of tokens(before.notes)) {
      const mine = tokenOwner.get(t) === r;
      expect({ t, present: now.has(t) }).toEqual({ t, present: !mine });
    }
    // Text the run deleted is back, unless the characters around it are gone too (reported).
    const textConflict = res.conflicts.some((c) => c.root === 'notes');
    for (const [t, by] of tokenCutBy) {
      if (by !== r || tokens(before.notes).has(t)) continue;
      expect({ t, back: now.has(t) || textConflict }).toEqual({ t, back: true });
    }
  }
}

function findMap(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  return doc.getArray<Y.Map<unknown>>('activities').toArray().find((m) => m.get('id') === id);
}

describe('revert under interleavings', () => {
  it('[A7][A8][A2] random AI runs, people\'s edits and reverts: the run\'s values are gone or reported, nobody else\'s edit changes, the history replays to the stored state', async () => {
    let caseNo = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 18 }), async (ops) => {
        await runCase(ops, caseNo++);
      }),
      { seed: 20261130, numRuns: Number(process.env['REVERT_PROPERTY_RUNS'] ?? 60), endOnFailure: true },
    );
  }, 120_000);
});
