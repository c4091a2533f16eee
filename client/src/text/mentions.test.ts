import { describe, expect, it } from 'vitest';
import { segmentBody } from './mentions.ts';

describe('segmentBody', () => {
  it('highlights @ai and @mentions, not e-mail addresses', () => {
    expect(segmentBody('@ai plan it with @Bob, mail a@b.c')).toEqual([
      { kind: 'ai', text: '@ai' },
      { kind: 'text', text: ' plan it with ' },
      { kind: 'mention', text: '@Bob' },
      { kind: 'text', text: ', mail a@b.c' },
    ]);
  });
  it('plain text is one segment', () => expect(segmentBody('hi')).toEqual([{ kind: 'text', text: 'hi' }]));
});
