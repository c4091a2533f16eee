import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CollaborationProjection } from '@trellis/schema';
import { createSqliteStore } from '@trellis/store';
import { storeWrites } from './sync-writes.ts';

const projection = (collaborationId: string): CollaborationProjection => ({
  collaborationId, seq: 1, updatedAt: new Date().toISOString(), messages: { count: 0, recent: [] }, activities: [], notes: { length: 0, excerpt: '' },
});

describe('[S16] projections stored through the store\'s own methods (the MongoDB path)', () => {
  it('one projection the store refuses does not keep the others of its batch from being stored, and the write fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-sync-writes-'));
    const store = createSqliteStore({ dataDir: dir });
    try {
      // A record the store cannot write (its JSON cannot be made).
      const refused = { ...projection('b'), notes: { length: 1n as unknown as number, excerpt: '' } };
      await expect(storeWrites(store).putProjections([projection('a'), refused, projection('c')])).rejects.toThrow('1 of 3 projections not stored');
      expect((await store.projections.get('a'))?.seq).toBe(1);
      expect((await store.projections.get('c'))?.seq).toBe(1);
      expect(await store.projections.get('b')).toBeNull();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
