// Small durable values (change-feed cursors, idempotency results, markers), keyed by _id, optionally
// expiring: `expiresAt` is pruned by housekeeping (pruneExpired) and by the TTL index `kv_expiry`.
import type { KeyValueRepo } from '../types.ts';
import type { Collections, Ctx } from './db.ts';
import { isDuplicateKey } from './db.ts';

const DAY_MS = 86_400_000;

/** Retention given at start to documents written before kv expiry existed (as SQLite migration 4). */
const LEGACY_RETENTION: { prefixes: string[]; ms: number }[] = [
  { prefixes: ['idem:', 'ai-reply-slot:'], ms: 7 * DAY_MS },
  { prefixes: ['mention:', 'aiReply:'], ms: 30 * DAY_MS },
  { prefixes: ['ai-reply-rate:', 'housekeeping:'], ms: DAY_MS },
];

/** Idempotent: only documents of those families without `expiresAt` (written before it existed) change. */
export async function backfillKvExpiry(c: Collections, now: number): Promise<void> {
  for (const { prefixes, ms } of LEGACY_RETENTION) {
    const filter = { $or: prefixes.map((p) => ({ _id: { $regex: `^${p}` } })), expiresAt: { $exists: false } };
    await c.kv.updateMany(filter, { $set: { expiresAt: new Date(now + ms) } });
  }
}

export function mongoKv({ c }: Ctx): KeyValueRepo {
  return {
    async get(key) {
      const d = await c.kv.findOne({ _id: key });
      return typeof d?.value === 'string' ? d.value : null;
    },
    async set(key, value, opts) {
      const update = opts?.expiresAt === undefined
        ? { $set: { value }, $unset: { expiresAt: true as const } }
        : { $set: { value, expiresAt: new Date(opts.expiresAt) } };
      await c.kv.updateOne({ _id: key }, update, { upsert: true });
    },
    async setIfAbsent(key, value, opts) {
      // _id is unique: of racing writers exactly one insert succeeds.
      try {
        await c.kv.insertOne(opts?.expiresAt === undefined ? { _id: key, value } : { _id: key, value, expiresAt: new Date(opts.expiresAt) });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async compareAndSet(key, expected, value, opts) {
      const update = opts?.expiresAt === undefined
        ? { $set: { value }, $unset: { expiresAt: true as const } }
        : { $set: { value, expiresAt: new Date(opts.expiresAt) } };
      return (await c.kv.updateOne({ _id: key, value: expected }, update)).matchedCount === 1;
    },
    async pruneExpired(now) {
      return (await c.kv.deleteMany({ expiresAt: { $lte: new Date(now) } })).deletedCount;
    },
  };
}
