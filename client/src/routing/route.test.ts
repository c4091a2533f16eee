import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute } from './route.ts';

describe('hash routes', () => {
  it('round-trips', () => {
    for (const r of [{ name: 'list' }, { name: 'inbox' }, { name: 'notifications' }, { name: 'collab', id: 'col_1', tab: 'board' }, { name: 'collab', id: 'col_1', tab: 'notes' }] as const) {
      expect(parseRoute(hrefFor(r))).toEqual(r);
    }
  });
  it('unknown paths fall back to the list, unknown tabs to the board', () => {
    expect(parseRoute('#/nope')).toEqual({ name: 'list' });
    expect(parseRoute('')).toEqual({ name: 'list' });
    expect(parseRoute('#/c/x/zzz')).toEqual({ name: 'collab', id: 'x', tab: 'board' });
  });
});
