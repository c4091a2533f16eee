// Where the gate's reading of an update and Yjs's integration of it could disagree: structs the
// server partly holds, references to an item's own future, garbage prefixes, map values that name
// part of another, right origins that are new, and floods of client ids. Each was a way to change,
// crash or stall the served document; each must now be refused or integrated exactly as decided.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { activitiesOf, appendActivity, appendMessage, messagesOf, notesOf } from '@trellis/schema';
import type { Role } from '@trellis/schema';
import { applyGated, DEFAULT_GATE_LIMITS } from './apply-gated.ts';
import type { ClientOrigin, GateResult } from './apply-gated.ts';
import { craft } from './testing/crafted.ts';

const OWNER = 'alice';

/** Owner (client 10) wrote m1 and a1 and edited m1's body last; bob (client 20) has b1 with notes. */
function serverDoc(): Y.Doc {
  const s = new Y.Doc();
  const owner = new Y.Doc();
  owner.clientID = 10;
  appendMessage(owner, { id: 'm1', authorId: OWNER, body: 'hello from alice', kind: 'user' });
  appendActivity(owner, { id: 'a1', title: 'Hike', proposedBy: OWNER });
  Y.applyUpdate(s, Y.encodeStateAsUpdate(owner));
  s.clientID = 1;
  notesOf(s).insert(0, 'shared notes');
  const bob = new Y.Doc();
  bob.clientID = 20;
  Y.applyUpdate(bob, Y.encodeStateAsUpdate(s));
  appendActivity(bob, { id: 'b1', title: 'Bob plan', proposedBy: 'bob', notes: 'bob notes' });
  Y.applyUpdate(s, Y.encodeStateAsUpdate(bob));
  Y.applyUpdate(owner, Y.encodeStateAsUpdate(s));
  const sv = Y.encodeStateVector(s);
  messagesOf(owner).get(0).set('body', 'edited by alice');
  Y.applyUpdate(s, Y.encodeStateAsUpdate(owner, sv));
  return s;
}

const view = (d: Y.Doc) => ({ messages: messagesOf(d).toJSON(), activities: activitiesOf(d).toJSON(), notes: notesOf(d).toString() });
const firstNote = (d: Y.Doc) => (notesOf(d) as unknown as { _start: Y.Item })._start;

function gate(server: Y.Doc, update: Uint8Array, role: Role, userId: string) {
  const initial = Y.encodeStateAsUpdate(server);
  const emitted: Uint8Array[] = [];
  const on = (u: Uint8Array) => emitted.push(u);
  server.on('update', on);
  const origin: ClientOrigin = { kind: 'client', connId: 1, refused: false };
  let result: GateResult;
  try {
    result = applyGated(server, update, { userId, role, policy: {} }, origin);
  } finally {
    server.off('update', on);
  }
  const replayed = new Y.Doc();
  for (const u of [initial, ...emitted]) Y.applyUpdate(replayed, u);
  return { result, replayed };
}

function expectUnchanged(server: Y.Doc, before: ReturnType<typeof view>, replayed: Y.Doc): void {
  expect(view(server)).toEqual(before);
  expect(view(replayed)).toEqual(before);
}

describe('placement: the gate decides what Yjs will integrate', () => {
  it('[P8] a struct the server partly holds is placed after its known part, not where its origin says', () => {
    for (const role of ['editor', 'viewer'] as const) {
      const server = serverDoc();
      const before = view(server);
      const b1notes = (activitiesOf(server).get(1) as unknown as { _map: Map<string, Y.Item> })._map.get('notes')!;
      const state = Y.getState(server.store, 10);
      // Its first clock is alice's last (her body); its origin claims bob's notes field.
      const relinked = new Y.Item(Y.createID(10, state - 1), null, b1notes.lastId, null, null, null, null, new Y.ContentDeleted(2));
      const r = gate(server, craft(new Map([[10, [relinked]]])), role, 'bob');
      expect(messagesOf(server).get(0).get('body')).toBe('edited by alice');
      expect(messagesOf(r.replayed).get(0).get('body')).toBe('edited by alice');
      if (!r.result.ok) expectUnchanged(server, before, r.replayed);
    }
  });

  it('[P9] a forged key hidden behind a partly known struct is refused', () => {
    const server = serverDoc();
    const before = view(server);
    const last = messagesOf(server).get(0) as unknown as { _item: Y.Item };
    const E = 40;
    const entry = new Y.Item(Y.createID(E, 0), null, last._item.lastId, null, null, null, null, new Y.ContentType(new Y.Map()));
    const now = new Date().toISOString();
    const f = (clock: number, k: string, v: unknown) => new Y.Item(Y.createID(E, clock), null, null, null, null, Y.createID(E, 0) as unknown as Y.AbstractType<unknown>, k, new Y.ContentAny([v]));
    const r = gate(server, craft(new Map([[E, [entry, f(1, 'id', 'mx'), f(2, 'authorId', 'bob'), f(3, 'body', 'hi'), f(4, 'kind', 'user'), f(5, 'createdAt', now), f(6, 'streaming', true)]]])), 'editor', 'bob');
    expect(r.result.ok).toBe(false);
    expectUnchanged(server, before, r.replayed);
  });

  it('[H3][P8] an item referring to its own future is malformed; nothing of the update is applied, nothing throws', () => {
    const server = serverDoc();
    const before = view(server);
    const body = (messagesOf(server).get(0) as unknown as { _map: Map<string, Y.Item> })._map.get('body')!;
    const overwrite = new Y.Item(Y.createID(600, 0), null, body.lastId, null, null, null, null, new Y.ContentAny(['VIEWER WAS HERE']));
    const f0 = new Y.Item(Y.createID(500, 0), null, Y.createID(500, 1), null, null, null, null, new Y.ContentString('x'));
    const f1 = new Y.Item(Y.createID(500, 1), null, firstNote(server).lastId, null, null, null, null, new Y.ContentString('y'));
    for (const role of ['viewer', 'editor'] as const) {
      const r = gate(server, craft(new Map([[600, [overwrite]], [500, [f0, f1]]])), role, 'vic');
      expect(r.result).toMatchObject({ ok: false, code: 'malformed' });
      expectUnchanged(server, before, r.replayed);
    }
  });

  it('[P8] an item continuing a range the server holds as garbage integrates as garbage, for editors and viewers alike', () => {
    for (const role of ['editor', 'viewer'] as const) {
      const server = serverDoc();
      gate(server, craft(new Map([[700, [new Y.GC(Y.createID(700, 0), 1)]]])), role, 'mallory');
      const before = view(server);
      const it = new Y.Item(Y.createID(700, 0), null, firstNote(server).lastId, null, null, null, null, new Y.ContentString('zz'));
      const r = gate(server, craft(new Map([[700, [it]]])), role, 'mallory');
      expectUnchanged(server, before, r.replayed);
    }
  });

  it('[P9] a map value naming the middle of another as the value it overrides is refused', () => {
    const server = serverDoc();
    const before = view(server);
    const last = messagesOf(server).get(0) as unknown as { _item: Y.Item };
    const E = 40;
    const entry = new Y.Item(Y.createID(E, 0), null, last._item.lastId, null, null, null, null, new Y.ContentType(new Y.Map()));
    const now = new Date().toISOString();
    const parent = Y.createID(E, 0) as unknown as Y.AbstractType<unknown>;
    const f = (clock: number, k: string, v: string) => new Y.Item(Y.createID(E, clock), null, null, null, null, parent, k, new Y.ContentAny([v]));
    const x1 = new Y.Item(Y.createID(900, 0), null, null, null, null, parent, 'authorId', new Y.ContentDeleted(2));
    const x2 = new Y.Item(Y.createID(41, 0), null, Y.createID(900, 0), null, null, null, null, new Y.ContentAny(['bob']));
    const r = gate(server, craft(new Map([[E, [entry, f(1, 'id', 'mnew'), f(2, 'body', 'hi'), f(3, 'kind', 'user'), f(4, 'createdAt', now)]], [900, [x1]], [41, [x2]]])), 'editor', 'bob');
    expect(r.result).toMatchObject({ ok: false, code: 'malformed' });
    expectUnchanged(server, before, r.replayed);
  });

  it('[H6] inserts whose right origin is new in the same update are costed for the scan Yjs makes', () => {
    const server = new Y.Doc();
    server.clientID = 1;
    notesOf(server).insert(0, 's');
    const prep = new Map<number, Y.Item[]>([[100, []], [101, []]]);
    let prev = firstNote(server).lastId;
    for (let i = 0; i < 1_500; i++) {
      const c = 100 + (i % 2);
      const it = new Y.Item(Y.createID(c, prep.get(c)!.length), null, prev, null, null, null, null, new Y.ContentString('a'));
      prep.get(c)!.push(it);
      prev = it.id;
    }
    expect(gate(server, craft(prep), 'editor', 'bob').result.ok).toBe(true);
    const items: Y.Item[] = [];
    for (let it = firstNote(server) as Y.Item | null; it; it = it.right) items.push(it);
    const A = 0x7fffffff;
    const R = new Y.Item(Y.createID(A, 0), null, items[items.length - 1]!.lastId, null, null, null, null, new Y.ContentString('R'));
    const xs = [R];
    for (let i = 0; i < 1_500; i++) xs.push(new Y.Item(Y.createID(A, 1 + i), null, items[i]!.lastId, null, R.id, null, null, new Y.ContentString('x')));
    const before = view(server);
    const r = gate(server, craft(new Map([[A, xs]])), 'editor', 'bob');
    expect(r.result).toMatchObject({ ok: false, code: 'too_costly' });
    expect(r.result.cost).toBeGreaterThan(DEFAULT_GATE_LIMITS.maxCost);
    expect(view(server)).toEqual(before);
  });

  it('[H6][H7] a flood of new client ids is refused before it is stored; honest updates with a few still pass', () => {
    const server = serverDoc();
    const before = view(server);
    const flood = new Map<number, Y.GC[]>();
    for (let i = 0; i < 5_000; i++) flood.set(1_000_000 + i, [new Y.GC(Y.createID(1_000_000 + i, 0), 1)]);
    for (const role of ['viewer', 'editor'] as const) {
      const r = gate(server, craft(flood), role, 'mallory');
      expect(r.result).toMatchObject({ ok: false, code: 'too_costly' });
    }
    expect(server.store.clients.size).toBeLessThan(10);
    expect(view(server)).toEqual(before);
    const writer = new Y.Doc();
    writer.clientID = 77;
    Y.applyUpdate(writer, Y.encodeStateAsUpdate(server));
    const sv = Y.encodeStateVector(writer);
    notesOf(writer).insert(0, 'ok ');
    expect(gate(server, Y.encodeStateAsUpdate(writer, sv), 'editor', 'bob').result.ok).toBe(true);
  });

  it('[H7] an offline client that reloaded twenty times (one client id per session) still syncs its work', () => {
    const server = serverDoc();
    const sv = Y.encodeStateVector(server);
    let saved = Y.encodeStateAsUpdate(server);
    for (let session = 0; session < 20; session++) {
      const tab = new Y.Doc();
      Y.applyUpdate(tab, saved);
      notesOf(tab).insert(0, `s${session} `);
      saved = Y.encodeStateAsUpdate(tab);
    }
    const offline = new Y.Doc();
    Y.applyUpdate(offline, saved);
    const r = gate(server, Y.encodeStateAsUpdate(offline, sv), 'editor', 'bob');
    expect(r.result.ok).toBe(true);
    expect(notesOf(server).toString()).toBe(notesOf(offline).toString());
  });
});
