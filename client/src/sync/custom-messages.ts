// Our sync protocol extensions (SPEC.md), registered on one WebsocketProvider instance: type 100
// "saved" (durably stored state vector), type 101 "refused" (JSON {code, message}), and the standard
// auth message (type 2) handled here instead of the provider's console warning.
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { MSG, parseRefusal } from '@trellis/schema';
import type { Refusal } from '@trellis/schema';

export type { Refusal } from '@trellis/schema';

export interface CustomHandlers {
  onSaved: (stateVector: Map<number, number>) => void;
  onRefused: (r: Refusal) => void;
  onPermissionDenied: (reason: string) => void;
}

export function installCustomHandlers(provider: WebsocketProvider, h: CustomHandlers): void {
  provider.messageHandlers[MSG.saved] = (_enc, dec) => {
    h.onSaved(Y.decodeStateVector(decoding.readVarUint8Array(dec)));
  };
  provider.messageHandlers[MSG.refused] = (_enc, dec) => {
    h.onRefused(parseRefusal(decoding.readVarString(dec)));
  };
  provider.messageHandlers[MSG.auth] = (_enc, dec) => {
    // y-protocols/auth: varUint 0 = permissionDenied, then the reason.
    if (decoding.readVarUint(dec) === 0) h.onPermissionDenied(decoding.readVarString(dec));
  };
}
