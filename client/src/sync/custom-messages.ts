// Our sync protocol extensions (SPEC.md), registered on one WebsocketProvider instance: type 100
// "saved" (durably stored state vector), type 101 "refused" (JSON {code, message}), and the standard
// auth message (type 2) handled here instead of the provider's console warning.
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';

export const MESSAGE_AUTH = 2;
export const MESSAGE_SAVED = 100;
export const MESSAGE_REFUSED = 101;

export interface Refusal {
  code: string;
  message: string;
}

export interface CustomHandlers {
  onSaved: (stateVector: Map<number, number>) => void;
  onRefused: (r: Refusal) => void;
  onPermissionDenied: (reason: string) => void;
}

export function parseRefusal(json: string): Refusal {
  try {
    const v = JSON.parse(json) as { code?: unknown; message?: unknown };
    return { code: typeof v.code === 'string' ? v.code : 'refused', message: typeof v.message === 'string' ? v.message : 'the server refused a change' };
  } catch {
    return { code: 'refused', message: json.slice(0, 300) || 'the server refused a change' };
  }
}

export function installCustomHandlers(provider: WebsocketProvider, h: CustomHandlers): void {
  provider.messageHandlers[MESSAGE_SAVED] = (_enc, dec) => {
    h.onSaved(Y.decodeStateVector(decoding.readVarUint8Array(dec)));
  };
  provider.messageHandlers[MESSAGE_REFUSED] = (_enc, dec) => {
    h.onRefused(parseRefusal(decoding.readVarString(dec)));
  };
  provider.messageHandlers[MESSAGE_AUTH] = (_enc, dec) => {
    // y-protocols/auth: varUint 0 = permissionDenied, then the reason.
    if (decoding.readVarUint(dec) === 0) h.onPermissionDenied(decoding.readVarString(dec));
  };
}
