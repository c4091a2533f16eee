// Small durable values (change-feed cursors, idempotency results), keyed by _id.
import type { KeyValueRepo } from '../types.ts';
import type { Ctx } from './db.ts';
import { isDuplicateKey } from './db.ts';

export function mongoKv({ c }: Ctx): KeyValueRepo {
  return {
    async get(key) {
      const d = await c.kv.findOne({ _id: key });
      return typeof d?.value === 'string' ? d.value : null;
    },
    async set(key, value) {
      await c.kv.updateOne({ _id: key }, { $set: { value } }, { upsert: true });
    },
    async setIfAbsent(key, value) {
      // _id is unique: of racing writers exactly one insert succeeds.
      try {
        await c.kv.insertOne({ _id: key, value });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
  };
}
