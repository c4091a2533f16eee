// Check-in digests, one per collaboration and local day (unique index checkins_one_per_collab_and_local_day).
import { Checkin } from '@trellis/schema';
import type { CheckinRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Ctx, Stored } from './db.ts';
import { isDuplicateKey, withoutId } from './db.ts';
import { toPage } from '../page.ts';

const toCheckin = (d: Stored<Checkin>) => parseRecord(Checkin, withoutId(d), `checkin ${d._id}`);

/** The filter of `stillRunning` (../same-run.ts); collaborationId is the shard key. */
function stillRunning(ch: Checkin) {
  return { _id: ch.id, collaborationId: ch.collaborationId, status: 'running' as const, createdAt: ch.createdAt, ...(ch.runId === undefined ? {} : { runId: ch.runId }) };
}

export function mongoCheckins({ c, tx }: Ctx): CheckinRepo {
  return {
    async claim(ch) {
      // The unique index decides between racing claimers; the loser gets E11000.
      try {
        await c.checkins.insertOne({ ...ch, _id: ch.id });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async get(collaborationId, localDay) {
      const d = await c.checkins.findOne({ collaborationId, localDay });
      return d ? toCheckin(d) : null;
    },
    async save(ch) {
      // Whole-document replace: the replace event carries the status, and the change feed emits a
      // `checkin` change only when it is no longer 'running' (as SQLite does).
      // collaborationId: the shard key, so a sharded `checkins` routes the write to one shard.
      await c.checkins.replaceOne({ _id: ch.id, collaborationId: ch.collaborationId }, ch);
    },
    async saveAnswers(chs) {
      if (chs.length === 0) return [];
      return tx(async (session) => {
        const stored: Checkin[] = [];
        for (const ch of chs) {
          // `answerable` (../same-run.ts); null also matches an absent answer.
          if ((await c.checkins.replaceOne({ ...stillRunning(ch), answer: null }, ch, { session })).matchedCount === 1) stored.push(ch);
        }
        return stored;
      });
    },
    async finish(ch) {
      return (await c.checkins.replaceOne(stillRunning(ch), ch)).matchedCount === 1;
    },
    async list(collaborationId, page) {
      const rows = await c.checkins
        .find({ collaborationId, ...(page.cursor ? { localDay: { $lt: page.cursor } } : {}) })
        .sort({ localDay: -1 })
        .limit(page.limit + 1)
        .toArray();
      return toPage(rows, page.limit, toCheckin, (d) => toCheckin(d).localDay);
    },
    async latestDone(collaborationId) {
      const d = await c.checkins.findOne({ collaborationId, status: 'done' }, { sort: { localDay: -1 } });
      return d ? toCheckin(d) : null;
    },
    async release(collaborationId, localDay) {
      await c.checkins.deleteOne({ collaborationId, localDay, status: { $ne: 'done' } });
    },
  };
}
