// Frames between server processes on one host (SPEC [S10]): a 4-byte big-endian length, then a
// lib0-encoded body. Bounded: an oversize or malformed frame is an error for that link only.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

// PEER_PROTOCOL_VERSION history:
// 1 — hello, interest, update.
// 2 — awareness (presence of a process's own clients).
export const PEER_PROTOCOL_VERSION = 2;

/** Larger than any update a client may send (MAX_PAYLOAD_BYTES) plus the envelope. */
export const MAX_PEER_FRAME_BYTES = 64 * 1024 * 1024;

const TYPE = { hello: 0, interest: 1, update: 2, awareness: 3 } as const;

export type PeerFrame =
  | { type: 'hello'; version: number; instanceId: string }
  | { type: 'interest'; collaborationId: string; on: boolean }
  | { type: 'update'; collaborationId: string; update: Uint8Array }
  | { type: 'awareness'; collaborationId: string; update: Uint8Array };

/** The frames about one document's content or presence. */
export type DocFrame = Extract<PeerFrame, { type: 'update' | 'awareness' }>;

export class PeerProtocolError extends Error {}

export function encodePeerFrame(frame: PeerFrame): Buffer {
  const e = encoding.createEncoder();
  encoding.writeUint32BigEndian(e, 0); // length, patched below
  switch (frame.type) {
    case 'hello':
      encoding.writeVarUint(e, TYPE.hello);
      encoding.writeVarUint(e, frame.version);
      encoding.writeVarString(e, frame.instanceId);
      break;
    case 'interest':
      encoding.writeVarUint(e, TYPE.interest);
      encoding.writeVarString(e, frame.collaborationId);
      encoding.writeVarUint(e, frame.on ? 1 : 0);
      break;
    case 'update':
    case 'awareness':
      encoding.writeVarUint(e, TYPE[frame.type]);
      encoding.writeVarString(e, frame.collaborationId);
      encoding.writeVarUint8Array(e, frame.update);
      break;
    default: {
      const never: never = frame;
      throw new Error(`unknown peer frame ${JSON.stringify(never)}`);
    }
  }
  const bytes = Buffer.from(encoding.toUint8Array(e));
  bytes.writeUInt32BE(bytes.length - 4, 0);
  return bytes;
}

function decodeBody(body: Uint8Array): PeerFrame {
  const d = decoding.createDecoder(body);
  const type = decoding.readVarUint(d);
  let frame: PeerFrame;
  switch (type) {
    case TYPE.hello:
      frame = { type: 'hello', version: decoding.readVarUint(d), instanceId: decoding.readVarString(d) };
      break;
    case TYPE.interest:
      frame = { type: 'interest', collaborationId: decoding.readVarString(d), on: decoding.readVarUint(d) === 1 };
      break;
    case TYPE.update:
    case TYPE.awareness: {
      const collaborationId = decoding.readVarString(d);
      const update = decoding.readVarUint8Array(d);
      if (update.length === 0) throw new PeerProtocolError('empty update');
      frame = { type: type === TYPE.update ? 'update' : 'awareness', collaborationId, update };
      break;
    }
    default:
      throw new PeerProtocolError(`unknown peer frame type ${type}`);
  }
  if (decoding.hasContent(d)) throw new PeerProtocolError('trailing bytes in peer frame');
  return frame;
}

/** Splits a byte stream into frames; throws PeerProtocolError on anything malformed. */
export class PeerFrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): PeerFrame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: PeerFrame[] = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (length === 0 || length > MAX_PEER_FRAME_BYTES) throw new PeerProtocolError(`peer frame length ${length} out of bounds`);
      if (this.buffered.length < 4 + length) break;
      const body = this.buffered.subarray(4, 4 + length);
      this.buffered = this.buffered.subarray(4 + length);
      try {
        frames.push(decodeBody(body));
      } catch (err) {
        throw err instanceof PeerProtocolError ? err : new PeerProtocolError(`malformed peer frame: ${(err as Error).message}`);
      }
    }
    return frames;
  }
}
