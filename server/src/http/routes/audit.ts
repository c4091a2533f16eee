// GET /api/collaborations/:id/audit — the audit log, newest first, for owners, in words ([G7]): each
// entry carries `actorName` and a `summary` sentence (CRDT edits by what they touched, never bytes or
// roots). Filters: `actor` (a user id, or `ai` / `rule` / `system`), `action` (an action name or an
// entry kind), `from` / `to` (ISO dates or instants, inclusive). Filtering walks the log a bounded
// number of entries per request; a page may then hold fewer items, and `nextCursor` continues the walk.
import type { Express } from 'express';
import { z } from 'zod';
import { Words } from '@trellis/engine';
import type { AuditEntry } from '@trellis/schema';
import { ownerAccess } from '../access.ts';
import type { HttpDeps } from '../deps.ts';
import { userOf } from '../request-user.ts';
import { CollabPath, pageShape, pathParams, query } from '../validate.ts';

const instant = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');
export const AuditQuery = z.strictObject({
  ...pageShape,
  actor: z.string().min(1).max(128).optional(),
  action: z.string().min(1).max(64).optional(),
  from: instant.optional(),
  to: instant.optional(),
});
/** Entries examined per request when filtering. */
const SCAN_MAX = 2000;
const SCAN_PAGE = 200;

/** `to` given as a bare date covers that whole day. */
function endOf(to: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(to) ? Date.parse(`${to}T23:59:59.999Z`) : Date.parse(to);
}

function matches(e: AuditEntry, q: z.infer<typeof AuditQuery>, to: number): boolean {
  if (q.actor !== undefined && (e.actor.kind === 'user' ? e.actor.userId !== q.actor : e.actor.kind !== q.actor)) return false;
  if (q.action !== undefined && e.action !== q.action && e.kind !== q.action) return false;
  return Date.parse(e.at) <= to;
}

export function auditRoutes(app: Express, { store }: HttpDeps): void {
  app.get('/api/collaborations/:id/audit', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    await ownerAccess(store, id, userOf(req).id);
    const q = query(req, AuditQuery);
    const from = q.from === undefined ? -Infinity : Date.parse(q.from);
    const to = q.to === undefined ? Infinity : endOf(q.to);
    const found: AuditEntry[] = [];
    let cursor = q.cursor;
    let next: string | null = null;
    let scanned = 0;
    for (;;) {
      const page = await store.audit.list(id, { cursor, limit: SCAN_PAGE });
      let done = page.nextCursor === null;
      for (const e of page.items) {
        scanned += 1;
        cursor = e.id;
        // Newest first: past `from`, nothing older can match.
        if (Date.parse(e.at) < from) { done = true; break; }
        if (matches(e, q, to)) found.push(e);
        if (found.length === q.limit) { done = true; next = e.id; break; }
      }
      if (done) break;
      if (scanned >= SCAN_MAX) { next = cursor ?? null; break; }
    }
    const words = new Words(store);
    const items = await Promise.all(found.map(async (e) => ({ ...e, actorName: await words.actor(e.actor), summary: await words.audit(e) })));
    res.json({ items, nextCursor: next });
  });
}
