// Frames between server processes (SPEC [S10], [S14]): a 4-byte big-endian length, then a
// lib0-encoded body. Bounded: an oversize or malformed frame is an error for that link only, and
// until a link is authenticated only handshake-sized frames are read at all.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

// PEER_PROTOCOL_VERSION history:
// 1 — hello, interest, update.
// 2 — awareness (presence of a process's own clients).
// 3 — hello carries a nonce; auth (proof of the shared secret over both hellos, links between
//     machines); ping (a link silent for too long is dead, even when TCP has not noticed).
export const PEER_PROTOCOL_VERSION = 4;

/** Larger than any update a client may send (MAX_PAYLOAD_BYTES) plus the envelope. */
export const MAX_PEER_FRAME_BYTES = 64 * 1024 * 1024;
/** Hello and auth fit easily: nothing larger is read from a link that has not authenticated. */
export const MAX_HANDSHAKE_FRAME_BYTES = 1024;

const TYPE = { hello: 0, interest: 1, update: 2, awareness: 3, auth: 4, ping: 5 } as const;

export type PeerFrame =
  | { type: 'hello'; version: number; instanceId: string; nonce: Uint8Array }
  | { type: 'auth'; proof: Uint8Array }
  | { type: 'ping' }
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
      encoding.writeVarUint8Array(e, frame.nonce);
      break;
    case 'auth':
      encoding.writeVarUint(e, TYPE.auth);
      encoding.writeVarUint8Array(e, frame.proof);
      break;
    case 'ping':
      encoding.writeVarUint(e, TYPE.ping);
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
      frame = { type: 'hello', version: decoding.readVarUint(d), instanceId: decoding.readVarString(d), nonce: decoding.readVarUint8Array(d) };
      break;
    case TYPE.auth:
      frame = { type: 'auth', proof: decoding.readVarUint8Array(d) };
      break;
    case TYPE.ping:
      frame = { type: 'ping' };
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
  /** Bytes received and not yet read, as the chunks they came in (joined only when a frame is whole:
   *  a large frame arriving in many chunks is copied once, not once per chunk). */
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** The largest frame accepted now (links raise it once authenticated); checked frame by frame. */
  maxFrameBytes = MAX_PEER_FRAME_BYTES;

  push(chunk: Buffer): PeerFrame[] {
    this.append(chunk);
    const frames: PeerFrame[] = [];
    for (let frame = this.next(); frame; frame = this.next()) frames.push(frame);
    return frames;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** The next complete frame, or null until more bytes arrive. */
  next(): PeerFrame | null {
    if (this.bytes < 4) return null;
    const length = this.head(4).readUInt32BE(0);
    if (length === 0 || length > this.maxFrameBytes) throw new PeerProtocolError(`peer frame length ${length} out of bounds`);
    if (this.bytes < 4 + length) return null;
    const all = this.head(4 + length);
    const body = all.subarray(4, 4 + length);
    const rest = all.subarray(4 + length);
    this.chunks = rest.length > 0 ? [rest, ...this.chunks.slice(1)] : this.chunks.slice(1);
    this.bytes -= 4 + length;
    try {
      return decodeBody(body);
    } catch (err) {
      throw err instanceof PeerProtocolError ? err : new PeerProtocolError(`malformed peer frame: ${(err as Error).message}`);
    }
  }

  /** Joins the first chunks until the first one holds at least `n` bytes (n ≤ this.bytes); returns it. */
  private head(n: number): Buffer {
    let first = this.chunks[0]!;
    if (first.length < n) {
      let take = 0;
      for (let got = 0; got < n; take++) got += this.chunks[take]!.length;
      first = Buffer.concat(this.chunks.slice(0, take));
      this.chunks.splice(0, take, first);
    }
    return first;
  }
}
