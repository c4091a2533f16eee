import { describe, expect, it } from 'vitest';
import type { CollaborationProjection } from '@trellis/schema';
import type { Store } from '@trellis/store';
import { storeWrites } from './sync-writes.ts';

const projection = (collaborationId: string): CollaborationProjection => ({
  collaborationId, seq: 1, updatedAt: new Date().toISOString(), messages: { count: 0, recent: [] }, activities: [], notes: { length: 0, excerpt: '' },
});

describe('[S16] projections stored through the store (MongoDB)', () => {
  it('one projection the store refuses does not keep the others of its batch from being stored, and the write fails', async () => {
    const stored: string[] = [];
    const store = {
      projections: {
        put: async (p: CollaborationProjection) => {
          if (p.collaborationId === 'b') throw new Error('document too large');
          stored.push(p.collaborationId);
        },
      },
    } as unknown as Store;
    await expect(storeWrites(store).putProjections(['a', 'b', 'c'].map(projection))).rejects.toThrow('1 of 3 projections not stored');
    expect(stored.sort()).toEqual(['a', 'c']);
  });
});
