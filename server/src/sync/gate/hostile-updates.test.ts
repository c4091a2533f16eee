// The gate against crafted updates a hostile member can send with the stock protocol: unsorted
// delete sets, deep nesting, forged ids and authors, Yjs's worst-case placement, missing
// dependencies. Oracle: what the server serves and emits, and what the writer converges to.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { activitiesOf, appendActivity, appendMessage, messagesOf, notesOf } from '@trellis/schema';
import type { Role } from '@trellis/schema';
import { applyGated, DEFAULT_GATE_LIMITS } from './apply-gated.ts';
import type { ClientOrigin, GateResult } from './apply-gated.ts';
import { competingInserts, craft, keyStorm, nestedMaps, reversedDeletes } from './testing/crafted.ts';

const OWNER = 'alice';

function serverDoc(): Y.Doc {
  const s = new Y.Doc();
  s.clientID = 1;
  appendMessage(s, { id: 'm1', authorId: OWNER, body: 'hello from alice', kind: 'user' });
  appendActivity(s, { id: 'a1', title: 'Hike', proposedBy: OWNER });
  notesOf(s).insert(0, 'shared notes of the team');
  return s;
}

const view = (d: Y.Doc) => ({ messages: messagesOf(d).toJSON(), activities: activitiesOf(d).toJSON(), notes: notesOf(d).toString() });

function replica(server: Y.Doc, clientID: number): Y.Doc {
  const d = new Y.Doc();
  d.clientID = clientID;
  Y.applyUpdate(d, Y.encodeStateAsUpdate(server));
  return d;
}

/** Gate `update` from (role, userId); the writer and a bystander apply what the server emits. */
function gate(server: Y.Doc, writer: Y.Doc | null, update: Uint8Array, role: Role, userId: string) {
  const bystander = replica(server, 99);
  const emitted: Uint8Array[] = [];
  const onUpdate = (u: Uint8Array) => emitted.push(u);
  server.on('update', onUpdate);
  const origin: ClientOrigin = { kind: 'client', connId: 1, refused: false };
  let result: GateResult;
  try {
    result = applyGated(server, update, { userId, role, policy: {} }, origin);
  } finally {
    server.off('update', onUpdate);
  }
  for (const u of emitted) {
    if (writer) Y.applyUpdate(writer, u);
    Y.applyUpdate(bystander, u);
  }
  return { result, emitted, bystander };
}

const contains = (updates: Uint8Array[], s: string) => updates.some((u) => Buffer.from(u).includes(Buffer.from(s)));

describe('the gate against crafted updates', () => {
  it('[P10][P1][P3] a viewer\'s deletion with its delete set in reverse order is refused, not applied, and the viewer converges back', () => {
    const server = serverDoc();
    const before = view(server);
    const writer = replica(server, 50);
    const sv = Y.encodeStateVector(writer);
    messagesOf(writer).delete(0, 1);
    notesOf(writer).delete(0, 7);
    notesOf(writer).delete(3, 4);
    const update = reversedDeletes(Y.encodeStateAsUpdate(writer, sv));
    const r = gate(server, writer, update, 'viewer', 'vic');
    expect(r.result.ok).toBe(false);
    expect(view(server)).toEqual(before);
    expect(view(r.bystander)).toEqual(before);
    expect(view(writer)).toEqual(before);
  });

  it('[P10][P6] an editor\'s out-of-order deletion of the owner\'s activity is refused and the activity restored field by field', () => {
    const server = serverDoc();
    const before = view(server);
    const writer = replica(server, 51);
    const sv = Y.encodeStateVector(writer);
    activitiesOf(writer).delete(0, 1);
    notesOf(writer).delete(2, 5);
    const r = gate(server, writer, reversedDeletes(Y.encodeStateAsUpdate(writer, sv)), 'editor', 'bob');
    expect(r.result).toMatchObject({ ok: false, code: 'forbidden' });
    expect(view(server)).toEqual(before);
    expect(view(writer)).toEqual(before);
  });

  it('[P10][P4] an editor\'s edit-then-delete of someone else\'s message is refused and the message comes back with its body', () => {
    const server = serverDoc();
    const before = view(server);
    const writer = replica(server, 52);
    const sv = Y.encodeStateVector(writer);
    writer.transact(() => {
      messagesOf(writer).get(0).set('body', 'EDITED BY BOB');
      messagesOf(writer).delete(0, 1);
    });
    const r = gate(server, writer, Y.encodeStateAsUpdate(writer, sv), 'editor', 'bob');
    expect(r.result.ok).toBe(false);
    expect(view(server)).toEqual(before);
    expect(view(writer)).toEqual(before);
    expect(contains(r.emitted, 'EDITED BY BOB')).toBe(false);
  });

  it('[H7][P6] maps nested thousands of levels deep are refused without an exception, into any root and from any role', () => {
    for (const [root, role] of [['unknown', 'viewer'], ['messages', 'editor'], ['activities', 'owner']] as const) {
      const server = serverDoc();
      const before = view(server);
      const r = gate(server, null, nestedMaps(60, root, 1_900), role, 'mallory');
      expect(r.result.ok).toBe(false);
      expect(view(server)).toEqual(before);
      // The refusal left tombstones, not nesting: the document still encodes and loads.
      const copy = new Y.Doc();
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(server));
      expect(view(copy)).toEqual(before);
    }
  });

  it('[P9] an activity reusing the owner\'s activity id and claiming the owner as proposer is refused', () => {
    const server = serverDoc();
    const before = view(server);
    const writer = replica(server, 53);
    const sv = Y.encodeStateVector(writer);
    appendActivity(writer, { id: 'a1', title: 'Decoy', proposedBy: OWNER });
    const forged = gate(server, writer, Y.encodeStateAsUpdate(writer, sv), 'editor', 'bob');
    expect(forged.result.ok).toBe(false);
    expect(view(server)).toEqual(before);

    const w2 = replica(server, 54);
    const sv2 = Y.encodeStateVector(w2);
    appendActivity(w2, { id: 'a1', title: 'Decoy', proposedBy: 'bob' });
    const dup = gate(server, w2, Y.encodeStateAsUpdate(w2, sv2), 'editor', 'bob');
    expect(dup.result).toMatchObject({ ok: false, code: 'bad_request' });
    expect(view(server)).toEqual(before);
    expect(view(w2)).toEqual(before);
  });

  it('[P9] extra keys, a future createdAt and a forged author are each refused', () => {
    const cases: ((w: Y.Doc) => void)[] = [
      (w) => {
        const m = appendMessage(w, { id: 'mx', authorId: 'bob', body: 'hi', kind: 'user' });
        m.set('pinned', true);
      },
      (w) => void appendMessage(w, { id: 'my', authorId: 'bob', body: 'hi', kind: 'user', createdAt: new Date(Date.now() + 3_600_000).toISOString() }),
      (w) => void appendMessage(w, { id: 'mz', authorId: OWNER, body: 'hi', kind: 'user' }),
      (w) => void appendActivity(w, { id: 'ax', title: 'x', proposedBy: 'bob', createdAt: 'yesterday' }),
    ];
    for (const edit of cases) {
      const server = serverDoc();
      const before = view(server);
      const writer = replica(server, 55);
      const sv = Y.encodeStateVector(writer);
      edit(writer);
      const r = gate(server, writer, Y.encodeStateAsUpdate(writer, sv), 'editor', 'bob');
      expect(r.result.ok).toBe(false);
      expect(view(server)).toEqual(before);
      expect(view(writer)).toEqual(before);
    }
  });

  it('[P8] a viewer\'s insert is never integrated: what the server emits carries tombstones only, and a repeat of known content is a no-op', () => {
    const server = serverDoc();
    const writer = replica(server, 56);
    const sv = Y.encodeStateVector(writer);
    notesOf(writer).insert(0, 'VIEWER SECRET ');
    appendMessage(writer, { id: 'mv', authorId: 'vic', body: 'VIEWER MESSAGE', kind: 'user' });
    const r = gate(server, writer, Y.encodeStateAsUpdate(writer, sv), 'viewer', 'vic');
    expect(r.result).toMatchObject({ ok: false, code: 'forbidden' });
    expect(contains(r.emitted, 'VIEWER')).toBe(false);
    expect(contains([Y.encodeStateAsUpdate(server)], 'VIEWER')).toBe(false);
    expect(view(writer)).toEqual(view(server));
    const again = gate(server, writer, Y.encodeStateAsUpdate(server), 'viewer', 'vic');
    expect(again.result.ok).toBe(true);
    expect(again.emitted).toHaveLength(0);
  });

  it('[H6] Yjs\'s worst-case placement is refused before integration, and the writer\'s next honest edit still integrates', () => {
    const server = serverDoc();
    const before = view(server);
    const notes = notesOf(server);
    const first = (notes as unknown as { _start: Y.Item })._start;
    const attack = competingInserts(70, 0, 'notes', first.id, Y.createID(first.id.client, first.id.clock + 1), 3_000);
    const r = gate(server, null, attack, 'editor', 'bob');
    expect(r.result).toMatchObject({ ok: false, code: 'too_costly' });
    expect(r.result.cost).toBeGreaterThan(DEFAULT_GATE_LIMITS.maxCost);
    expect(view(server)).toEqual(before);
    // The same client continues after its refused range: nothing is missing.
    const next = new Y.Doc();
    next.clientID = 70;
    Y.applyUpdate(next, Y.encodeStateAsUpdate(server));
    const sv = Y.encodeStateVector(next);
    notesOf(next).insert(0, 'honest ');
    const ok = gate(server, next, Y.encodeStateAsUpdate(next, sv), 'editor', 'bob');
    expect(ok.result.ok).toBe(true);
    expect(notesOf(server).toString()).toBe(`honest ${before.notes}`);
  });

  it('[H6] a storm of values for one field without origins is refused as too costly', () => {
    const server = serverDoc();
    const before = view(server);
    const entry = (activitiesOf(server).get(0) as unknown as { _item: Y.Item })._item.id;
    const r = gate(server, null, keyStorm(71, entry, 'title', 2_000), 'editor', 'bob');
    expect(r.result).toMatchObject({ ok: false, code: 'too_costly' });
    expect(view(server)).toEqual(before);
  });

  it('[P8][H3] an update with a missing dependency changes nothing; garbage is malformed', () => {
    const server = serverDoc();
    const before = view(server);
    const other = replica(server, 57);
    notesOf(other).insert(0, 'first ');
    const sv = Y.encodeStateVector(other);
    notesOf(other).insert(0, 'second ');
    const r = gate(server, null, Y.encodeStateAsUpdate(other, sv), 'editor', 'bob');
    expect(r.result.ok).toBe(false);
    expect(r.emitted).toHaveLength(0);
    expect(view(server)).toEqual(before);
    const g = gate(server, null, new Uint8Array([1, 200, 7, 3, 9]), 'owner', OWNER);
    expect(g.result).toMatchObject({ ok: false, code: 'malformed' });
    expect(view(server)).toEqual(before);
  });

  it('[H7] more structs than one update may carry are refused before decoding', () => {
    const server = serverDoc();
    const items: Y.Item[] = [];
    const tail = (notesOf(server) as unknown as { _start: Y.Item })._start;
    for (let i = 0; i < DEFAULT_GATE_LIMITS.maxStructs + 1; i++) items.push(new Y.Item(Y.createID(72, i), null, i === 0 ? tail.lastId : Y.createID(72, i - 1), null, null, null, null, new Y.ContentDeleted(1)));
    const r = gate(server, null, craft(new Map([[72, items]])), 'owner', OWNER);
    expect(r.result).toMatchObject({ ok: false, code: 'too_costly' });
  });
});

