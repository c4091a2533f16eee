// [H16] at the gate: an update whose placement work would not fit in the document's room is sent
// back untouched, and one that fits is decided exactly as without a room. Property-based: random
// documents edited concurrently by several clients (their offline merges place work), a random room.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { notesOf } from '@trellis/schema';
import { applyGated, DEFAULT_GATE_LIMITS } from './apply-gated.ts';
import type { ClientOrigin, GateResult } from './apply-gated.ts';
import { competingInserts } from './testing/crafted.ts';

const edit = fc.record({ at: fc.nat(200), text: fc.string({ minLength: 1, maxLength: 4 }), del: fc.nat(3) });
const writerArb = fc.array(edit, { minLength: 1, maxLength: 6 });

interface Case {
  seed: string;
  /** Each client's edits made offline on the same version, merged one after another. */
  writers: (typeof edit extends fc.Arbitrary<infer E> ? E : never)[][];
  /** Crafted competing inserts sent at the end (0: none). */
  storm: number;
  room: number;
}

function gate(server: Y.Doc, update: Uint8Array, room: number): { result: GateResult; emitted: number } {
  let emitted = 0;
  const on = () => emitted++;
  server.on('update', on);
  const origin: ClientOrigin = { kind: 'client', connId: 1, refused: false };
  try {
    const limits = { ...DEFAULT_GATE_LIMITS, maxPlacement: room };
    return { result: applyGated(server, update, { userId: 'ann', role: 'owner', policy: {} }, origin, limits), emitted };
  } finally {
    server.off('update', on);
  }
}

/** The updates of the case, in the order they reach the server. */
function updatesOf(c: Case): Uint8Array[] {
  const base = new Y.Doc();
  base.clientID = 1;
  notesOf(base).insert(0, c.seed);
  const start = Y.encodeStateAsUpdate(base);
  const out = [start];
  c.writers.forEach((edits, w) => {
    const d = new Y.Doc();
    d.clientID = 100 + w;
    Y.applyUpdate(d, start);
    const t = notesOf(d);
    for (const e of edits) {
      const at = e.at % (t.length + 1);
      t.insert(at, e.text);
      if (e.del > 0 && t.length > at + e.text.length) t.delete(at + e.text.length, Math.min(e.del, t.length - at - e.text.length));
    }
    out.push(Y.encodeStateAsUpdate(d, Y.encodeStateVector(base)));
  });
  if (c.storm > 0) out.push(competingInserts(7, 0, 'notes', Y.createID(1, 0), null, c.storm));
  return out;
}

describe('the room for placement work', () => {
  it('[H16] an update that does not fit the room is sent back with the document untouched; one that fits is decided as without a room; what is placed never exceeds the room', () => {
    const caseArb: fc.Arbitrary<Case> = fc.record({
      seed: fc.string({ minLength: 2, maxLength: 30 }),
      writers: fc.array(writerArb, { minLength: 1, maxLength: 4 }),
      storm: fc.constantFrom(0, 0, 5, 40, 200),
      room: fc.oneof(fc.constant(0), fc.nat(50), fc.nat(5_000), fc.constant(Number.POSITIVE_INFINITY)),
    });
    fc.assert(
      fc.property(caseArb, (c) => {
        const updates = updatesOf(c);
        // The oracle: the same updates through a gate without a room.
        const free = new Y.Doc();
        const limited = new Y.Doc();
        let room = c.room;
        for (const u of updates) {
          const before = Y.encodeStateAsUpdate(limited);
          const svBefore = Y.encodeStateVector(limited);
          const open = gate(free, u, Number.POSITIVE_INFINITY).result;
          const { result, emitted } = gate(limited, u, room);
          if (!result.ok && result.code === 'no_room') {
            // Sent back: nothing integrated, nothing emitted (so nothing stored or fanned out).
            expect(emitted).toBe(0);
            expect(Y.encodeStateAsUpdate(limited)).toEqual(before);
            expect(Y.encodeStateVector(limited)).toEqual(svBefore);
            expect(open.placement).toBeGreaterThan(room);
            // The free copy took it; to keep comparing like with like, the limited one takes it too.
            gate(limited, u, Number.POSITIVE_INFINITY);
            continue;
          }
          // Decided as without a room, placing what it would have placed, within the room.
          expect({ ok: result.ok, code: result.ok ? null : result.code, placement: result.placement }).toEqual({ ok: open.ok, code: open.ok ? null : open.code, placement: open.placement });
          expect(result.placement).toBeLessThanOrEqual(room);
          room -= result.placement;
        }
        expect(notesOf(limited).toString()).toBe(notesOf(free).toString());
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 300), seed: 16 },
    );
  });

  it('[H16] edits that place nothing fit an empty room: typing in place, deleting', () => {
    const server = new Y.Doc();
    const ann = new Y.Doc();
    ann.clientID = 5;
    notesOf(ann).insert(0, 'hello world');
    expect(gate(server, Y.encodeStateAsUpdate(ann), 0).result).toMatchObject({ ok: true, placement: 0 });
    for (const change of [() => notesOf(ann).insert(5, ','), () => notesOf(ann).delete(0, 1), () => notesOf(ann).insert(notesOf(ann).length, '!')]) {
      const sv = Y.encodeStateVector(server);
      change();
      expect(gate(server, Y.encodeStateAsUpdate(ann, sv), 0).result).toMatchObject({ ok: true, placement: 0 });
    }
    expect(notesOf(server).toString()).toBe(notesOf(ann).toString());
  });
});
