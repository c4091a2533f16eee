// [H13] the pre-flight reads an update without the document: it must refuse the crafted shapes the
// gate refuses for their cost or form, and never an update real clients produce (oracle: the gate).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendActivity, appendMessage, activitiesOf, messagesOf, notesOf } from '@trellis/schema';
import { applyGated, DEFAULT_GATE_LIMITS } from './apply-gated.ts';
import { preflightLimits, preflightUpdate } from './preflight-update.ts';
import { competingInserts, craft, keyStorm, nestedMaps } from './testing/crafted.ts';

const LIMITS = preflightLimits(DEFAULT_GATE_LIMITS);

function serverDoc(): Y.Doc {
  const d = new Y.Doc();
  d.clientID = 1;
  appendMessage(d, { id: 'm1', authorId: 'alice', body: 'hello', kind: 'user' });
  appendActivity(d, { id: 'a1', title: 'Hike', proposedBy: 'alice' });
  notesOf(d).insert(0, 'notes of the team');
  return d;
}

const gateRefuses = (update: Uint8Array) => !applyGated(serverDoc(), update, { userId: 'alice', role: 'owner', policy: {} }, { kind: 'client', connId: 1, refused: false }).ok;

describe('pre-flight of crafted updates', () => {
  const cases: [string, Uint8Array, string][] = [
    ['3,000 inserts competing for one position', competingInserts(500, 0, 'notes', null, null, 3_000), 'too_costly'],
    ['400 inserts competing for one position', competingInserts(501, 0, 'notes', null, null, 400), 'too_costly'],
    ['maps nested 1,900 deep', nestedMaps(502, 'messages', 1_900), 'too_costly'],
    ['1,500 values for one key naming their own future as parent', keyStorm(503, Y.createID(503, 0), 'title', 1_500), 'malformed'],
    ['1,500 values for one key of an entry the document may hold', keyStorm(504, Y.createID(1, 0), 'title', 1_500), 'too_costly'],
  ];
  for (const [name, update, code] of cases) {
    it(`[H13] ${name}: refused (${code}), as the gate refuses it`, () => {
      const result = preflightUpdate(update, LIMITS);
      expect(result).toMatchObject({ ok: false, code });
      expect(gateRefuses(update)).toBe(true);
    });
  }

  it('[H13] items whose parents refer to each other across two clients are malformed', () => {
    const a = new Y.Item(Y.createID(10, 0), null, null, null, null, Y.createID(11, 0) as unknown as Y.AbstractType<unknown>, 'k', new Y.ContentType(new Y.Map()));
    const b = new Y.Item(Y.createID(11, 0), null, null, null, null, Y.createID(10, 0) as unknown as Y.AbstractType<unknown>, 'k', new Y.ContentType(new Y.Map()));
    expect(preflightUpdate(craft(new Map([[10, [a]], [11, [b]]])), LIMITS)).toMatchObject({ ok: false, code: 'malformed' });
  });

  it('[H13][H7] a truncated update is malformed', () => {
    const d = new Y.Doc();
    notesOf(d).insert(0, 'z'.repeat(3_000));
    const u = Y.encodeStateAsUpdate(d);
    expect(preflightUpdate(u.subarray(0, u.length - 100), LIMITS)).toMatchObject({ ok: false, code: 'malformed' });
  });
});

type Op = { k: 'msg'; body: string } | { k: 'act'; title: string } | { k: 'text'; at: number; insert: string; del: number } | { k: 'setTitle'; index: number; title: string } | { k: 'delMsg'; index: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('msg' as const), body: fc.string({ maxLength: 30 }) }),
  fc.record({ k: fc.constant('act' as const), title: fc.string({ maxLength: 20 }) }),
  fc.record({ k: fc.constant('text' as const), at: fc.nat(400), insert: fc.string({ maxLength: 40 }), del: fc.nat(6) }),
  fc.record({ k: fc.constant('setTitle' as const), index: fc.nat(30), title: fc.string({ maxLength: 20 }) }),
  fc.record({ k: fc.constant('delMsg' as const), index: fc.nat(30) }),
);

let fresh = 0;
function apply(d: Y.Doc, op: Op, me: string): void {
  switch (op.k) {
    case 'msg': return void appendMessage(d, { id: `p${++fresh}`, authorId: me, body: op.body, kind: 'user' });
    case 'act': return void appendActivity(d, { id: `p${++fresh}`, title: op.title, proposedBy: me });
    case 'text': {
      const t = notesOf(d);
      const at = Math.min(op.at, t.length);
      t.delete(at, Math.min(op.del, t.length - at));
      t.insert(at, op.insert);
      return;
    }
    case 'setTitle': {
      const acts = activitiesOf(d);
      if (acts.length > 0) acts.get(op.index % acts.length).set('title', op.title);
      return;
    }
    case 'delMsg': {
      const msgs = messagesOf(d);
      if (msgs.length > 0) msgs.delete(op.index % msgs.length, 1);
      return;
    }
  }
}

describe('pre-flight of real clients\' updates', () => {
  it('[H13] long offline sessions of up to three clients, merged, pass the pre-flight (no honest update is refused)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 3 }), (sessions) => {
        const server = serverDoc();
        const base = Y.encodeStateAsUpdate(server);
        const sv = Y.encodeStateVector(server);
        const offline = sessions.map((ops, i) => {
          const d = new Y.Doc();
          d.clientID = 100 + i;
          Y.applyUpdate(d, base);
          for (const op of ops) apply(d, op, `user${i}`);
          return Y.encodeStateAsUpdate(d, sv);
        });
        const merged = Y.mergeUpdates(offline);
        expect(preflightUpdate(merged, LIMITS)).toEqual({ ok: true });
        for (const u of offline) expect(preflightUpdate(u, LIMITS)).toEqual({ ok: true });
      }),
      { numRuns: 150, seed: 20261130 },
    );
  });
});
