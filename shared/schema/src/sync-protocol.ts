// The sync endpoint's wire contract, shared by server and client (SPEC "Sync protocol"): message
// types (y-websocket's plus our opt-in extensions), close codes, and the refusal message (type 101).
import { z } from 'zod';

/** 1: y-websocket protocol + saved (100) and refused (101) for `?ack=1` clients. */
export const PROTOCOL_VERSION = 1;

export const MSG = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3, saved: 100, refused: 101 } as const;
export const SYNC = { step1: 0, step2: 1, update: 2 } as const;

export { CLOSE } from './close-codes.ts';
export type { CloseCode } from './close-codes.ts';

/** Type 101: one of your updates was refused (the document you hold converges back by itself). */
export const Refusal = z.object({ code: z.string().max(64), message: z.string().max(1_000) });
export type Refusal = z.infer<typeof Refusal>;

/**
 * Refusal code of an update sent back to be sent again — the server is busy storing ([S13]) or
 * checking ([H13], [H16]): nothing of it was integrated, the connection closes with 1013, and the
 * writer, which still holds it, sends it again when it reconnects. Nothing is undone.
 */
export const RESEND_REFUSAL = 'unavailable';
export const isResend = (r: Refusal): boolean => r.code === RESEND_REFUSAL;

/** Read a type-101 payload; anything malformed still reads as a refusal, never throws. */
export function parseRefusal(json: string): Refusal {
  try {
    const parsed = Refusal.safeParse(JSON.parse(json));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: fall through
  }
  return { code: 'refused', message: json.slice(0, 300) || 'the server refused a change' };
}
