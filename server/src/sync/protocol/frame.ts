// Parse one incoming binary frame into a typed message, with every length bounded. Anything
// malformed becomes a protocol error (close code + reason) instead of an exception or a hang.
import * as decoding from 'lib0/decoding';
import { CLOSE, MSG, SYNC } from '@trellis/schema';

export type ClientFrame =
  | { type: 'syncStep1'; stateVector: Uint8Array }
  | { type: 'syncStep2'; update: Uint8Array }
  | { type: 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'queryAwareness' }
  | { type: 'auth' };

export type FrameResult = { ok: true; frame: ClientFrame } | { ok: false; closeCode: number; reason: string };

const bad = (reason: string): FrameResult => ({ ok: false, closeCode: CLOSE.protocolError, reason });

function readBytes(d: decoding.Decoder): Uint8Array {
  const len = decoding.readVarUint(d);
  if (len > d.arr.length - d.pos) throw new RangeError('length prefix beyond frame');
  return decoding.readUint8Array(d, len);
}

export function parseFrame(data: Uint8Array): FrameResult {
  if (data.length === 0) return bad('empty frame');
  try {
    const d = decoding.createDecoder(data);
    const type = decoding.readVarUint(d);
    let frame: ClientFrame;
    switch (type) {
      case MSG.sync: {
        const sub = decoding.readVarUint(d);
        const payload = readBytes(d);
        if (sub === SYNC.step1) frame = { type: 'syncStep1', stateVector: payload };
        else if (sub === SYNC.step2) frame = { type: 'syncStep2', update: payload };
        else if (sub === SYNC.update) frame = { type: 'update', update: payload };
        else return bad(`unknown sync message ${sub}`);
        break;
      }
      case MSG.awareness:
        frame = { type: 'awareness', update: readBytes(d) };
        break;
      case MSG.queryAwareness:
        frame = { type: 'queryAwareness' };
        break;
      case MSG.auth:
        // Clients have nothing to say in the auth channel; read and ignore.
        d.pos = d.arr.length;
        frame = { type: 'auth' };
        break;
      default:
        return bad(`unknown message type ${type}`);
    }
    if (d.pos !== d.arr.length) return bad('trailing bytes in frame');
    return { ok: true, frame };
  } catch (err) {
    return bad(`malformed frame: ${err instanceof Error ? err.message : 'decode error'}`);
  }
}
