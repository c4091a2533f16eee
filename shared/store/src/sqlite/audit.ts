// The audit log, newest first.
import { AuditEntry } from '@trellis/schema';
import type { AuditRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Db } from './db.ts';
import { stmt } from './db.ts';
import { appendAuditEntries } from './audit-append.ts';
import { toPage } from '../page.ts';

interface Row { id: string; data: string }

export function sqliteAudit(db: Db): AuditRepo {
  return {
    async append(e) {
      // Idempotent by id ([D24]): a writer resuming after a crash appends the same entry again.
      stmt(db, 'INSERT OR IGNORE INTO audit (id, collab_id, data) VALUES (?, ?, ?)').run(e.id, e.collaborationId, JSON.stringify(e));
    },
    appendMany: async (entries) => appendAuditEntries(db, entries),
    async list(collaborationId, page) {
      const rows = db
        .prepare(`SELECT id, data FROM audit WHERE collab_id = ? AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?`)
        .all(collaborationId, page.cursor ?? '', page.cursor ?? '', page.limit + 1) as Row[];
      return toPage(rows, page.limit, (r) => parseRecord(AuditEntry, JSON.parse(r.data), `audit ${r.id}`), (r) => r.id);
    },
  };
}
