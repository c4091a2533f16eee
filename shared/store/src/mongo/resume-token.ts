// Change-stream resume tokens: the feed's cursor is a token's extended JSON, and tokens compare
// by their hex KeyString `_data`, whose order is the oplog order.
import type { ResumeToken } from 'mongodb';
import { BSON } from 'mongodb';
import type { ChangeCursor } from '../types.ts';

export const encodeToken = (token: ResumeToken): ChangeCursor => BSON.EJSON.stringify(token);

export function tokenData(token: ResumeToken): string | null {
  if (typeof token !== 'object' || token === null || Array.isArray(token)) return null;
  const data: unknown = (token as { _data?: unknown })._data;
  return typeof data === 'string' && /^[0-9A-Fa-f]+$/.test(data) ? data.toUpperCase() : null;
}

/** Parse a cursor; null if it is not a resume token (the caller resyncs). */
export function decodeToken(cursor: ChangeCursor): ResumeToken | null {
  try {
    const token: unknown = BSON.EJSON.parse(cursor);
    return tokenData(token) !== null ? token : null;
  } catch {
    return null;
  }
}

/** `next` is at or after `current` (or either is not comparable). Used never to move a cursor back
 *  (the NODE-7042 class of driver bug, where a resumed stream reported an older token). */
export function notBehind(next: ResumeToken, current: ResumeToken): boolean {
  const a = tokenData(next);
  const b = tokenData(current);
  return a === null || b === null || a >= b;
}

/** The earlier of two tokens (the first if they do not compare). */
export const earlier = (a: ResumeToken, b: ResumeToken): ResumeToken => (notBehind(a, b) && tokenData(a) !== tokenData(b) ? b : a);
