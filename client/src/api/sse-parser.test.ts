import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.ts';

describe('SseParser', () => {
  it('parses events split across chunks', () => {
    const p = new SseParser();
    expect(p.feed('event: notif')).toEqual([]);
    expect(p.feed('ication\ndata: {"a":1}\n')).toEqual([]);
    expect(p.feed('\n: keepalive\n\nevent: approval\r\ndata: x\r\ndata: y\r')).toEqual([{ event: 'notification', data: '{"a":1}', id: null }]);
    expect(p.feed('\n\r\n')).toEqual([{ event: 'approval', data: 'x\ny', id: null }]);
  });
  it('defaults the event name to message', () => {
    expect(new SseParser().feed('id: 3\ndata: hi\n\n')).toEqual([{ event: 'message', data: 'hi', id: '3' }]);
  });
});
