// The audit log, newest first.
import { AuditEntry } from '@trellis/schema';
import type { AuditRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Ctx } from './db.ts';
import { isDuplicateKey, withoutId } from './db.ts';
import { toPage } from '../page.ts';

export function mongoAudit({ c }: Ctx): AuditRepo {
  return {
    async append(e) {
      try {
        await c.audit.insertOne({ ...e, _id: e.id });
      } catch (err) {
        // Idempotent by id ([D24]): a writer resuming after a crash appends the same entry again.
        if (!isDuplicateKey(err)) throw err;
      }
    },
    async appendMany(entries) {
      if (entries.length === 0) return;
      await c.audit.insertMany(entries.map((e) => ({ ...e, _id: e.id })), { ordered: true });
    },
    async list(collaborationId, page) {
      const rows = await c.audit
        .find({ collaborationId, ...(page.cursor ? { _id: { $lt: page.cursor } } : {}) })
        .sort({ _id: -1 })
        .limit(page.limit + 1)
        .toArray();
      return toPage(rows, page.limit, (d) => parseRecord(AuditEntry, withoutId(d), `audit ${d._id}`), (d) => d._id);
    },
  };
}
