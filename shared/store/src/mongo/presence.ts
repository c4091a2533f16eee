// Presence relay on MongoDB: inserts into `presence` (TTL-expired); the change stream carries them.
import { Binary } from 'mongodb';
import { newId } from '@trellis/schema';
import type { PresenceRepo } from '../types.ts';
import type { Ctx } from './db.ts';

export function mongoPresence({ c }: Ctx): PresenceRepo {
  return {
    async publish(entries) {
      if (entries.length === 0) return;
      const at = new Date();
      // Ephemeral: a lost presence update is renewed by the client within 15 s, so w:1 is enough.
      await c.presence.insertMany(
        entries.map((e) => ({ _id: newId('prs'), collaborationId: e.collaborationId, origin: e.origin, data: new Binary(e.data), at })),
        { ordered: false, writeConcern: { w: 1 } },
      );
    },
  };
}
