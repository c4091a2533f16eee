// The permission gate on real Yjs documents: what the server keeps, what it emits, and that the
// writer converges back after a refusal.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { activitiesOf, appendActivity, appendMessage, messagesOf, notesOf, findActivityMap } from '@trellis/schema';
import type { PolicyOverrides, Role } from '@trellis/schema';
import { applyGated } from './apply-gated.ts';
import type { ClientOrigin } from './apply-gated.ts';

function serverDoc(): Y.Doc {
  const s = new Y.Doc();
  appendMessage(s, { id: 'm1', authorId: 'alice', body: 'hello from alice', kind: 'user' });
  appendActivity(s, { id: 'a1', title: 'Hike', proposedBy: 'alice' });
  notesOf(s).insert(0, 'shared notes');
  return s;
}

function roots(d: Y.Doc) {
  return { messages: messagesOf(d).toJSON(), activities: activitiesOf(d).toJSON(), notes: notesOf(d).toString() };
}

/** The writer edits a replica; the server gates its update; the writer applies what the server emitted. */
function roundTrip(role: Role, userId: string, edit: (w: Y.Doc) => void, policy: PolicyOverrides = {}) {
  const server = serverDoc();
  const writer = new Y.Doc();
  Y.applyUpdate(writer, Y.encodeStateAsUpdate(server));
  const before = roots(server);
  const sv = Y.encodeStateVector(writer);
  edit(writer);
  const update = Y.encodeStateAsUpdate(writer, sv);
  const emitted: Uint8Array[] = [];
  server.on('update', (u: Uint8Array) => emitted.push(u));
  const origin: ClientOrigin = { kind: 'client', connId: 1, refused: false };
  const result = applyGated(server, update, { userId, role, policy }, origin);
  for (const u of emitted) Y.applyUpdate(writer, u);
  // A third replica that only ever sees what the server emits.
  const other = serverDoc();
  const otherClean = new Y.Doc();
  Y.applyUpdate(otherClean, Y.encodeStateAsUpdate(other));
  return { server, writer, before, result, emitted, origin };
}

const bytesContain = (updates: Uint8Array[], s: string) => updates.some((u) => Buffer.from(u).includes(Buffer.from(s)));

describe('CRDT permission gate', () => {
  it('[P2] an editor may add a message it authored; the event is derived', () => {
    const r = roundTrip('editor', 'bob', (w) => appendMessage(w, { id: 'm2', authorId: 'bob', body: 'hi @ai', kind: 'user' }));
    expect(r.result).toMatchObject({ ok: true, roots: ['messages'], events: [{ type: 'messageCreated', messageId: 'm2', authorId: 'bob', body: 'hi @ai', kind: 'user' }] });
    expect(messagesOf(r.server).length).toBe(2);
    expect(roots(r.writer)).toEqual(roots(r.server));
  });

  it('[P2][P3][P4] an editor editing someone else\'s message is refused, never emitted, and converges back', () => {
    const r = roundTrip('editor', 'bob', (w) => messagesOf(w).get(0).set('body', 'EVIL EDIT'));
    expect(r.result.ok).toBe(false);
    expect(r.origin.refused).toBe(true);
    expect(roots(r.server)).toEqual(r.before);
    expect(bytesContain(r.emitted, 'EVIL EDIT')).toBe(false);
    expect(roots(r.writer)).toEqual(r.before);
  });

  it('[P2] a message claiming another author is refused', () => {
    const r = roundTrip('editor', 'bob', (w) => appendMessage(w, { id: 'm9', authorId: 'alice', body: 'FORGED', kind: 'user' }));
    expect(r.result.ok).toBe(false);
    expect(roots(r.server)).toEqual(r.before);
    expect(bytesContain(r.emitted, 'FORGED')).toBe(false);
    expect(roots(r.writer)).toEqual(r.before);
  });

  it('[P1][P4] a viewer\'s text edit is refused and the viewer converges back', () => {
    const r = roundTrip('viewer', 'vic', (w) => {
      notesOf(w).insert(6, 'VIEWER TEXT ');
      notesOf(w).delete(0, 3);
    });
    expect(r.result.ok).toBe(false);
    expect(roots(r.server)).toEqual(r.before);
    expect(bytesContain(r.emitted, 'VIEWER TEXT')).toBe(false);
    expect(roots(r.writer)).toEqual(r.before);
  });

  it('[P2][P4] deleting someone else\'s message is refused and the message comes back', () => {
    const r = roundTrip('editor', 'bob', (w) => messagesOf(w).delete(0, 1));
    expect(r.result.ok).toBe(false);
    expect(roots(r.server)).toEqual(r.before);
    expect(roots(r.writer)).toEqual(r.before);
  });

  it('[P5] setting status to cancelled is refused when the policy routes cancelActivity through approval', () => {
    const policy: PolicyOverrides = { cancelActivity: { editor: 'approval' } };
    const r = roundTrip('editor', 'bob', (w) => findActivityMap(w, 'a1')!.set('status', 'cancelled'), policy);
    expect(r.result).toMatchObject({ ok: false, code: 'forbidden' });
    expect(findActivityMap(r.server, 'a1')!.get('status')).toBe('proposed');
    expect(findActivityMap(r.writer, 'a1')!.get('status')).toBe('proposed');
    const ok = roundTrip('editor', 'bob', (w) => findActivityMap(w, 'a1')!.set('status', 'cancelled'));
    expect(ok.result).toMatchObject({ ok: true, events: [{ type: 'activityStatusChanged', activityId: 'a1', from: 'proposed', to: 'cancelled' }] });
  });

  it('[P6] roots other than messages, activities and notes are never writable', () => {
    const r = roundTrip('owner', 'alice', (w) => w.getMap('members').set('bob', 'owner'));
    expect(r.result).toMatchObject({ ok: false, code: 'forbidden' });
    expect(r.server.getMap('members').toJSON()).toEqual({});
    expect(r.writer.getMap('members').toJSON()).toEqual({});
  });

  it('[P6] only owners delete activities', () => {
    expect(roundTrip('editor', 'bob', (w) => activitiesOf(w).delete(0, 1)).result.ok).toBe(false);
    const owner = roundTrip('owner', 'alice', (w) => activitiesOf(w).delete(0, 1));
    expect(owner.result.ok).toBe(true);
    expect(activitiesOf(owner.server).length).toBe(0);
  });

  it('[H3] an update with missing dependencies or garbage is refused without changing the document', () => {
    const server = serverDoc();
    const before = roots(server);
    const a = new Y.Doc();
    a.getText('notes').insert(0, 'x');
    const sv = Y.encodeStateVector(a);
    a.getText('notes').insert(1, 'y');
    const dependent = Y.encodeStateAsUpdate(a, sv);
    const origin: ClientOrigin = { kind: 'client', connId: 1, refused: false };
    expect(applyGated(server, dependent, { userId: 'bob', role: 'editor', policy: {} }, origin).ok).toBe(false);
    expect(server.store.pendingStructs).toBeNull();
    expect(applyGated(server, new Uint8Array([1, 2, 3, 250, 255, 255, 255, 255, 255, 1]), { userId: 'bob', role: 'editor', policy: {} }, origin).ok).toBe(false);
    expect(roots(server)).toEqual(before);
  });
});
