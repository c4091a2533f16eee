// A first pass over an update's bytes (Yjs update format v1) that allocates nothing and recurses
// nowhere ([H7]): it counts structs and delete ranges and measures how deeply its JSON values
// nest, so an oversized or deeply nested update is refused before the (allocating, recursive)
// decoder ever sees it. Decoding a 1 MiB frame of minimal structs costs ~0.3 s; scanning it, a few ms.
import * as decoding from 'lib0/decoding';

export type ScanResult = { ok: true; structs: number; deleteRanges: number } | { ok: false; code: 'malformed' | 'too_costly'; message: string };

export interface ScanLimits {
  maxStructs: number;
  maxDeleteRanges: number;
  /** Nesting of JSON values (arrays and objects inside field values). */
  maxValueDepth: number;
  /** Shared types (maps, arrays, texts) created by one update: decoding each one allocates a type. */
  maxTypes: number;
}

class Stop extends Error {
  constructor(readonly code: 'malformed' | 'too_costly', message: string) {
    super(message);
  }
}

/** Skip a length-prefixed string or byte array without decoding it. */
function skipBytes(d: decoding.Decoder): void {
  const len = decoding.readVarUint(d);
  if (d.pos + len > d.arr.length) throw new Stop('malformed', 'length past the end of the update');
  d.pos += len;
}

/** Skip one lib0 `any` value iteratively, refusing nesting deeper than `maxDepth`. */
function skipAny(d: decoding.Decoder, maxDepth: number): void {
  // One frame per open array/object: values still to read, and whether each is preceded by a key.
  const stack: { left: number; keyed: boolean }[] = [{ left: 1, keyed: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.left === 0) {
      stack.pop();
      continue;
    }
    top.left--;
    if (top.keyed) skipBytes(d);
    const type = decoding.readUint8(d);
    switch (type) {
      case 127: case 126: case 121: case 120: break; // undefined, null, false, true
      case 125: decoding.readVarInt(d); break;
      case 124: decoding.readFloat32(d); break;
      case 123: decoding.readFloat64(d); break;
      case 122: decoding.readBigInt64(d); break;
      case 119: skipBytes(d); break;
      case 116: skipBytes(d); break;
      case 118: case 117: { // object (key, value)*, array value*
        const n = decoding.readVarUint(d);
        if (n > d.arr.length) throw new Stop('malformed', 'value longer than the update');
        if (stack.length >= maxDepth) throw new Stop('malformed', 'values nested too deeply');
        stack.push({ left: n, keyed: type === 118 });
        break;
      }
      default: throw new Stop('malformed', 'unknown value type');
    }
  }
}

function skipContent(d: decoding.Decoder, ref: number, limits: ScanLimits, counts: { types: number }): void {
  switch (ref) {
    case 1: decoding.readVarUint(d); return; // deleted
    case 2: { // JSON strings
      const n = decoding.readVarUint(d);
      if (n > d.arr.length) throw new Stop('malformed', 'content longer than the update');
      for (let i = 0; i < n; i++) skipBytes(d);
      return;
    }
    case 3: skipBytes(d); return; // binary
    case 4: skipBytes(d); return; // string
    case 5: skipBytes(d); return; // embed
    case 6: skipBytes(d); skipBytes(d); return; // format
    case 7: { // type
      const typeRef = decoding.readVarUint(d);
      if (++counts.types > limits.maxTypes) throw new Stop('too_costly', `more than ${limits.maxTypes} shared types in one update`);
      if (typeRef === 3 || typeRef === 5) skipBytes(d); // XML element / hook name
      return;
    }
    case 8: { // any
      const n = decoding.readVarUint(d);
      if (n > d.arr.length) throw new Stop('malformed', 'content longer than the update');
      for (let i = 0; i < n; i++) skipAny(d, limits.maxValueDepth);
      return;
    }
    case 9: skipBytes(d); skipAny(d, limits.maxValueDepth); return; // sub-document
    default: throw new Stop('malformed', 'unknown content type');
  }
}

export function scanUpdate(update: Uint8Array, limits: ScanLimits): ScanResult {
  const d = decoding.createDecoder(update);
  let structs = 0;
  let deleteRanges = 0;
  const counts = { types: 0 };
  try {
    const groups = decoding.readVarUint(d);
    for (let g = 0; g < groups; g++) {
      const n = decoding.readVarUint(d);
      structs += n;
      if (structs > limits.maxStructs) throw new Stop('too_costly', `more than ${limits.maxStructs} structs in one update`);
      decoding.readVarUint(d); // client
      decoding.readVarUint(d); // first clock
      for (let i = 0; i < n; i++) {
        const info = decoding.readUint8(d);
        if (info === 10) decoding.readVarUint(d); // skip
        else if ((info & 31) !== 0) {
          if (info & 128) { decoding.readVarUint(d); decoding.readVarUint(d); }
          if (info & 64) { decoding.readVarUint(d); decoding.readVarUint(d); }
          if ((info & 192) === 0) {
            if (decoding.readVarUint(d) === 1) skipBytes(d);
            else { decoding.readVarUint(d); decoding.readVarUint(d); }
            if (info & 32) skipBytes(d);
          }
          skipContent(d, info & 31, limits, counts);
        } else decoding.readVarUint(d); // GC length
      }
    }
    const dsClients = decoding.readVarUint(d);
    for (let c = 0; c < dsClients; c++) {
      decoding.readVarUint(d);
      const n = decoding.readVarUint(d);
      deleteRanges += n;
      if (deleteRanges > limits.maxDeleteRanges) throw new Stop('too_costly', 'delete set too large');
      for (let i = 0; i < n; i++) {
        decoding.readVarUint(d);
        decoding.readVarUint(d);
      }
    }
  } catch (err) {
    if (err instanceof Stop) return { ok: false, code: err.code, message: err.message };
    return { ok: false, code: 'malformed', message: 'malformed update' };
  }
  return { ok: true, structs, deleteRanges };
}
