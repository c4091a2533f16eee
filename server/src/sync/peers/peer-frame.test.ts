// [S10] frames between processes: reassembled across chunks, malformed ones rejected with a clear error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePeerFrame, MAX_HANDSHAKE_FRAME_BYTES, MAX_PEER_FRAME_BYTES, PeerFrameReader, PeerProtocolError } from './peer-frame.ts';
import type { PeerFrame } from './peer-frame.ts';

const bytes = (min: number) => fc.uint8Array({ minLength: min, maxLength: 64 });
const frameArb: fc.Arbitrary<PeerFrame> = fc.oneof(
  fc.record({ type: fc.constant('hello' as const), version: fc.nat(), instanceId: fc.string({ maxLength: 40 }), nonce: bytes(0) }),
  fc.record({ type: fc.constant('auth' as const), proof: bytes(0) }),
  fc.constant({ type: 'ping' as const }),
  fc.record({ type: fc.constant('interest' as const), collaborationId: fc.string({ maxLength: 40 }), on: fc.boolean() }),
  fc.record({ type: fc.constantFrom('update' as const, 'awareness' as const), collaborationId: fc.string({ maxLength: 40 }), update: bytes(1) }),
);

describe('peer frames', () => {
  it('[S10] round-trips every frame type, whatever the chunking', () => {
    const frames = [
      { type: 'hello', version: 3, instanceId: 'server-a', nonce: new Uint8Array([7, 7]) },
      { type: 'auth', proof: new Uint8Array(32).fill(5) },
      { type: 'ping' },
      { type: 'interest', collaborationId: 'c1', on: true },
      { type: 'update', collaborationId: 'c1', update: new Uint8Array([1, 2, 3]) },
      { type: 'interest', collaborationId: 'c1', on: false },
    ] as const;
    const bytes = Buffer.concat(frames.map((f) => encodePeerFrame(f)));
    for (const size of [1, 3, 7, bytes.length]) {
      const reader = new PeerFrameReader();
      const out = [];
      for (let i = 0; i < bytes.length; i += size) out.push(...reader.push(bytes.subarray(i, i + size)));
      expect(out).toEqual(frames);
    }
  });

  it.each([
    ['zero length', Buffer.from([0, 0, 0, 0])],
    ['huge length prefix', Buffer.from([0xff, 0xff, 0xff, 0xff])],
    ['unknown type', Buffer.from([0, 0, 0, 1, 9])],
    ['truncated body', Buffer.from([0, 0, 0, 2, 2, 5])],
    ['empty update', Buffer.from([0, 0, 0, 4, 2, 1, 0x63, 0])],
    ['trailing bytes', Buffer.from([0, 0, 0, 5, 1, 1, 0x63, 1, 7])],
  ])('[S10] rejects %s', (_name, bytes) => {
    expect(() => new PeerFrameReader().push(bytes)).toThrow(PeerProtocolError);
  });

  it('[S10] bounds frame size', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(MAX_PEER_FRAME_BYTES + 1);
    expect(() => new PeerFrameReader().push(header)).toThrow(/out of bounds/);
  });

  it('[S14] a reader limited to handshake frames refuses a larger one from its length prefix alone', () => {
    const reader = new PeerFrameReader();
    reader.maxFrameBytes = MAX_HANDSHAKE_FRAME_BYTES;
    const header = Buffer.alloc(4);
    header.writeUInt32BE(MAX_HANDSHAKE_FRAME_BYTES + 1);
    expect(() => reader.push(header)).toThrow(/out of bounds/);
  });

  it('[S10][S14] any frames, cut into any chunks, read back as sent; the same bytes with one byte changed read back or fail as a protocol error, never otherwise', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 8 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (frames, cuts, at, flip) => {
        const stream = Buffer.concat(frames.map((f) => encodePeerFrame(f)));
        const reader = new PeerFrameReader();
        const out: PeerFrame[] = [];
        let i = 0;
        for (let c = 0; i < stream.length; c++) {
          const size = cuts[c % cuts.length]!;
          out.push(...reader.push(stream.subarray(i, i + size)));
          i += size;
        }
        expect(out).toEqual(frames);
        const mutated = Buffer.from(stream);
        mutated[at % mutated.length]! ^= flip;
        try {
          new PeerFrameReader().push(mutated);
        } catch (err) {
          expect(err).toBeInstanceOf(PeerProtocolError);
        }
      }),
      { numRuns: 500, seed: 20261130 },
    );
  });
});
