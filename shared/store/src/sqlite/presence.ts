// Presence relay on SQLite: awareness updates as change-feed rows (pruned with the feed).
import type { PresenceRepo } from '../types.ts';
import type { Db } from './db.ts';
import { writeTx } from './db.ts';
import { emitChange } from './emit.ts';

export function sqlitePresence(db: Db): PresenceRepo {
  return {
    async publish(entries) {
      if (entries.length === 0) return;
      writeTx(db, () => {
        for (const e of entries) emitChange(db, { type: 'awareness', collaborationId: e.collaborationId, origin: e.origin, data: e.data });
      });
    },
  };
}
