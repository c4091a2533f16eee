// Wire format of the sync endpoint: y-websocket message types plus our opt-in extensions (SPEC.md).
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { MSG, SYNC } from '@trellis/schema';
import type { Refusal } from '@trellis/schema';

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

export const encodeSyncStep1 = (doc: Y.Doc) =>
  frame((e) => {
    encoding.writeVarUint(e, MSG.sync);
    encoding.writeVarUint(e, SYNC.step1);
    encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
  });

export const encodeSyncStep2 = (doc: Y.Doc, stateVector?: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MSG.sync);
    encoding.writeVarUint(e, SYNC.step2);
    encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(doc, stateVector));
  });

export const encodeUpdate = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MSG.sync);
    encoding.writeVarUint(e, SYNC.update);
    encoding.writeVarUint8Array(e, update);
  });

export const encodeAwareness = (awareness: awarenessProtocol.Awareness, clients: number[]) =>
  frame((e) => {
    encoding.writeVarUint(e, MSG.awareness);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  });

export const encodeAwarenessRaw = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MSG.awareness);
    encoding.writeVarUint8Array(e, update);
  });

/** y-protocols auth `permissionDenied`: stock providers log the reason. */
export const encodePermissionDenied = (reason: string) =>
  frame((e) => {
    encoding.writeVarUint(e, MSG.auth);
    encoding.writeVarUint(e, 0);
    encoding.writeVarString(e, reason);
  });

export const encodeSaved = (stateVector: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MSG.saved);
    encoding.writeVarUint8Array(e, stateVector);
  });

export const encodeRefused = (code: string, message: string) =>
  frame((e) => {
    encoding.writeVarUint(e, MSG.refused);
    encoding.writeVarString(e, JSON.stringify({ code, message } satisfies Refusal));
  });
