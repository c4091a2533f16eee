// [S10] frames between processes: reassembled across chunks, malformed ones rejected with a clear error.
import { describe, expect, it } from 'vitest';
import { encodePeerFrame, MAX_HANDSHAKE_FRAME_BYTES, MAX_PEER_FRAME_BYTES, PeerFrameReader, PeerProtocolError } from './peer-frame.ts';

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
});
