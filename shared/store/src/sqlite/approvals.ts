// Approval requests with compare-and-set status transitions (exactly-once execution).
import { Approval } from '@trellis/schema';
import type { ApprovalRepo } from '../types.ts';
import { expireEach } from '../approval-expiry.ts';
import { parseRecord } from '../parse-record.ts';
import type { Db } from './db.ts';
import { stmt, writeTx } from './db.ts';
import { emitChange } from './emit.ts';
import { toPage } from '../page.ts';

interface Row { id: string; data: string }
const toApproval = (r: Row) => parseRecord(Approval, JSON.parse(r.data), `approval ${r.id}`);

export function sqliteApprovals(db: Db): ApprovalRepo {
  const repo: ApprovalRepo = {
    async create(a) {
      writeTx(db, () => {
        stmt(db, 'INSERT INTO approvals (id, collab_id, status, data) VALUES (?, ?, ?, ?)').run(a.id, a.collaborationId, a.status, JSON.stringify(a));
        emitChange(db, { type: 'approval', collaborationId: a.collaborationId, approvalId: a.id, status: a.status });
      });
    },
    async get(id) {
      const r = stmt(db, 'SELECT id, data FROM approvals WHERE id = ?').get(id) as Row | undefined;
      return r ? toApproval(r) : null;
    },
    async transition(id, from, to, patch = {}) {
      return writeTx(db, () => {
        const r = stmt(db, 'SELECT id, data FROM approvals WHERE id = ? AND status = ?').get(id, from) as Row | undefined;
        if (!r) return null;
        const next: Approval = { ...toApproval(r), ...patch, status: to };
        stmt(db, 'UPDATE approvals SET status = ?, data = ? WHERE id = ? AND status = ?').run(to, JSON.stringify(next), id, from);
        emitChange(db, { type: 'approval', collaborationId: next.collaborationId, approvalId: id, status: to });
        return next;
      });
    },
    async listPending(collaborationIds, page) {
      if (collaborationIds.length === 0) return { items: [], nextCursor: null };
      const marks = collaborationIds.map(() => '?').join(',');
      const rows = db
        .prepare(`SELECT id, data FROM approvals WHERE status = 'pending' AND collab_id IN (${marks}) AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?`)
        .all(...collaborationIds, page.cursor ?? '', page.cursor ?? '', page.limit + 1) as Row[];
      return toPage(rows, page.limit, toApproval, (r) => r.id);
    },
    async expireDue(now, limit) {
      const due = stmt(db, `SELECT id FROM approvals WHERE status = 'pending' AND json_extract(data, '$.expiresAt') <= ? LIMIT ?`)
        .all(now.toISOString(), limit) as { id: string }[];
      return expireEach(repo, due.map((r) => r.id));
    },
    async listForCollaboration(collaborationId, page) {
      const rows = db
        .prepare(`SELECT id, data FROM approvals WHERE collab_id = ? AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?`)
        .all(collaborationId, page.cursor ?? '', page.cursor ?? '', page.limit + 1) as Row[];
      return toPage(rows, page.limit, toApproval, (r) => r.id);
    },
  };
  return repo;
}
