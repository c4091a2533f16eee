// The sync wire contract shared by server and client: refusals parse at the edge and never throw;
// every coded error maps onto a close code of the one table.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './errors.ts';
import { CLOSE, isResend, parseRefusal } from './sync-protocol.ts';

describe('sync protocol contract', () => {
  it('[P4] a type-101 refusal parses, and malformed payloads still read as refusals', () => {
    expect(parseRefusal('{"code":"forbidden","message":"viewers may not edit"}')).toEqual({ code: 'forbidden', message: 'viewers may not edit' });
    expect(parseRefusal('{"code":5}')).toMatchObject({ code: 'refused' });
    expect(parseRefusal('not json')).toEqual({ code: 'refused', message: 'not json' });
    expect(parseRefusal('')).toEqual({ code: 'refused', message: 'the server refused a change' });
  });

  it('[S13][H16] only an update sent back to be sent again reads as kept: every other refusal undoes the change', () => {
    expect(isResend(parseRefusal('{"code":"unavailable","message":"the server is checking this collaboration: retry shortly"}'))).toBe(true);
    for (const code of ['forbidden', 'bad_request', 'too_costly', 'payload_too_large', 'refused']) expect(isResend({ code, message: '' }), code).toBe(false);
    expect(isResend(parseRefusal('not json'))).toBe(false);
  });

  it('every coded error closes a socket with a code from the one close-code table', () => {
    const codes = new Set<number>(Object.values(CLOSE));
    for (const [name, e] of Object.entries(ERROR_CODES)) expect(codes.has(e.ws), name).toBe(true);
  });
});
