// Approval requests with compare-and-set status transitions (exactly-once execution).
import { Approval } from '@trellis/schema';
import type { ApprovalRepo } from '../types.ts';
import { expireEach } from '../approval-expiry.ts';
import { parseRecord } from '../parse-record.ts';
import type { Ctx, Stored } from './db.ts';
import { withoutId } from './db.ts';
import { toPage } from '../page.ts';

const toApproval = (d: Stored<Approval>) => parseRecord(Approval, withoutId(d), `approval ${d._id}`);

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
      // Compare-and-set in one single-document atomic write: of two racing deciders exactly one
      // matches `status: from`. The update event (status in updatedFields) is the `approval` change.
      const set: Partial<Approval> = { status: to };
      if (patch.decidedBy !== undefined) set.decidedBy = patch.decidedBy;
      if (patch.decidedAt !== undefined) set.decidedAt = patch.decidedAt;
      if (patch.outcome !== undefined) set.outcome = patch.outcome;
      if (patch.decisionReason !== undefined) set.decisionReason = patch.decisionReason;
      const d = await c.approvals.findOneAndUpdate({ _id: id, status: from }, { $set: set }, { returnDocument: 'after' });
      return d ? toApproval(d) : null;
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
