// Approval requests with compare-and-set status transitions (exactly-once execution).
import { Approval } from '@trellis/schema';
import type { ApprovalRepo } from '../types.ts';
import { expireEach } from '../approval-expiry.ts';
import { parseRecord } from '../parse-record.ts';
import type { Ctx, Stored } from './db.ts';
import { withoutId } from './db.ts';
import { toPage } from '../page.ts';

const toApproval = (d: Stored<Approval>) => parseRecord(Approval, withoutId(d), `approval ${d._id}`);

/** The patch's fields that are set: an undefined one leaves the stored value alone. */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function mongoApprovals({ c }: Ctx): ApprovalRepo {
  const repo: ApprovalRepo = {
    async create(a) {
      // The insert event is the `approval` change.
      await c.approvals.insertOne({ ...a, _id: a.id });
    },
    async get(id) {
      const d = await c.approvals.findOne({ _id: id });
      return d ? toApproval(d) : null;
    },
    async transition(id, from, to, patch = {}) {
      // Compare-and-set: the replace matches only while the status is still `from`, so of two
      // racing deciders exactly one writes (every write of an approval changes its status, so
      // nothing else can have changed in between). A whole-document replace, not an update: its
      // event carries the document, which is the `approval` change, with no lookup (change-events.ts).
      const current = await c.approvals.findOne({ _id: id, status: from });
      if (!current) return null;
      const next = { ...withoutId(current), ...definedOnly(patch), status: to };
      const res = await c.approvals.replaceOne({ _id: id, status: from }, next);
      return res.matchedCount === 1 ? toApproval({ ...next, _id: id }) : null;
    },
    async listPending(collaborationIds, page) {
      if (collaborationIds.length === 0) return { items: [], nextCursor: null };
      const rows = await c.approvals
        .find({ status: 'pending', collaborationId: { $in: collaborationIds }, ...(page.cursor ? { _id: { $lt: page.cursor } } : {}) })
        .sort({ _id: -1 })
        .limit(page.limit + 1)
        .toArray();
      return toPage(rows, page.limit, toApproval, (d) => d._id);
    },
    async expireDue(now, limit) {
      const due = await c.approvals.find({ status: 'pending', expiresAt: { $lte: now.toISOString() } }, { projection: { _id: 1 } }).limit(limit).toArray();
      return expireEach(repo, due.map((d) => d._id));
    },
    async listForCollaboration(collaborationId, page) {
      const rows = await c.approvals
        .find({ collaborationId, ...(page.cursor ? { _id: { $lt: page.cursor } } : {}) })
        .sort({ _id: -1 })
        .limit(page.limit + 1)
        .toArray();
      return toPage(rows, page.limit, toApproval, (d) => d._id);
    },
  };
  return repo;
}
