import { describe, expect, it } from 'vitest';
import type { Activity } from '@trellis/schema';
import { isFiltering, matchesFilter, NO_FILTER, proposers } from './board-filter.ts';

const a = (over: Partial<Activity>): Activity => ({ id: 'a1', title: 'Book the café', status: 'proposed', proposedBy: 'u1', ...over });

describe('board filter', () => {
  it('matches every word in title or description, ignoring case and accents', () => {
    expect(matchesFilter(a({ notes: 'near the station' }), { ...NO_FILTER, query: 'CAFE station' })).toBe(true);
    expect(matchesFilter(a({}), { ...NO_FILTER, query: 'cafe museum' })).toBe(false);
  });
  it('filters by status and by who proposed', () => {
    expect(matchesFilter(a({ status: 'done' }), { ...NO_FILTER, status: 'done' })).toBe(true);
    expect(matchesFilter(a({ status: 'done' }), { ...NO_FILTER, status: 'proposed' })).toBe(false);
    expect(matchesFilter(a({ proposedBy: 'u2' }), { ...NO_FILTER, person: 'u1' })).toBe(false);
  });
  it('lists proposers once, in order', () => {
    expect(proposers([a({ proposedBy: 'u2' }), a({ proposedBy: 'u1' }), a({ proposedBy: 'u2' }), a({ proposedBy: undefined })])).toEqual(['u2', 'u1']);
    expect(isFiltering(NO_FILTER)).toBe(false);
    expect(isFiltering({ ...NO_FILTER, query: ' x ' })).toBe(true);
  });
});
