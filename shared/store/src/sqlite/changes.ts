// The change feed on SQLite: an append-only table tailed by id. Commits are serialized by SQLite's
// write lock, so ids become visible in order and a reader never skips one. Old rows are pruned after
// RETENTION_MS; a consumer whose cursor fell behind the pruned mark is told to resync.
import { Change } from '@trellis/schema';
import { sleep } from '@trellis/runtime';
import type { ChangeFeed } from '../types.ts';
import type { Db } from './db.ts';
import { stmt, writeTx } from './db.ts';

interface Row { id: number; type: string; payload: string; data: Buffer | null; at: number }

const RETENTION_MS = 10 * 60_000;
/** Longest sleep between polls while nothing changes: other processes' document updates reach
 *  clients over the direct peer links first ([S10]); the feed carries the rest (membership,
 *  approvals, notifications) within this. */
const MAX_IDLE_POLL_MS = 80;
const PRUNE_EVERY_MS = 60_000;
const BATCH = 500;

function parseRow(r: Row): Change | null {
  try {
    const payload = JSON.parse(r.payload) as Record<string, unknown>;
    // The hot path (every CRDT update) is checked by hand; other changes go through the schema.
    if (r.type === 'update' && r.data && typeof payload['collaborationId'] === 'string' && Number.isInteger(payload['seq']) && typeof payload['origin'] === 'string') {
      return {
        type: 'update', collaborationId: payload['collaborationId'], seq: payload['seq'] as number, origin: payload['origin'],
        data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength),
        at: r.at,
      };
    }
    const value = r.data ? { ...payload, data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength) } : payload;
    const parsed = Change.safeParse(value);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const isPerDocument = (c: Change): c is Extract<Change, { type: 'update' | 'awareness' }> => c.type === 'update' || c.type === 'awareness';

export function sqliteChanges(db: Db, pollMs: number): ChangeFeed {
  const headId = () => (stmt(db, 'SELECT COALESCE(MAX(id), 0) AS id FROM changes').get() as { id: number }).id;
  const prunedUpto = () => Number((stmt(db, "SELECT value FROM kv WHERE key = 'changes.pruned_upto'").get() as { value: string } | undefined)?.value ?? 0);
  const read = stmt(db, 'SELECT id, type, payload, data, at FROM changes WHERE id > ? AND (origin IS NULL OR origin <> ?) ORDER BY id LIMIT ?');
  let lastPrune = 0;
  const prune = () => {
    const now = Date.now();
    if (now - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now;
    writeTx(db, () => {
      const r = stmt(db, 'SELECT MAX(id) AS id FROM changes WHERE at < ?').get(now - RETENTION_MS) as { id: number | null };
      if (r.id === null) return;
      stmt(db, 'DELETE FROM changes WHERE id <= ?').run(r.id);
      stmt(db, "INSERT INTO kv (key, value) VALUES ('changes.pruned_upto', ?) ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))").run(String(r.id));
    });
  };
  return {
    async head() {
      return String(headId());
    },
    async tail({ from, signal, onBatch, onResync, onError, excludeOrigin, onCaughtUp, documents }) {
      let cursor = from !== undefined && /^\d+$/.test(from) ? Number(from) : headId();
      if (from !== undefined && !/^\d+$/.test(from)) await onResync(String(cursor));
      let nextPrunedCheck = 0;
      // Idle polls back off (pollMs doubling up to MAX_IDLE_POLL_MS) and snap back at the first change.
      let idleMs = 0;
      while (!signal.aborted) {
        try {
          prune();
          // Falling behind the retention window takes minutes: checking once a second is plenty.
          if (Date.now() >= nextPrunedCheck) {
            nextPrunedCheck = Date.now() + 1000;
            if (cursor < prunedUpto()) {
              cursor = headId();
              await onResync(String(cursor));
              continue;
            }
          }
          const readAt = Date.now();
          const head = headId();
          const rows = read.all(cursor, excludeOrigin ?? '', BATCH) as Row[];
          if (rows.length === 0) {
            // Only our own writes (or nothing) since the cursor: move past them.
            if (head > cursor) cursor = head;
            onCaughtUp?.(readAt);
            idleMs = Math.min(idleMs === 0 ? pollMs : idleMs * 2, Math.max(pollMs, MAX_IDLE_POLL_MS));
            await sleep(idleMs, signal);
            continue;
          }
          idleMs = 0;
          const changes: Change[] = [];
          let broken = false;
          for (const r of rows) {
            const c = parseRow(r);
            if (!c) broken = true;
            // Filtered here, after the read: a row read before its document was added was committed
            // before the consumer read that document from the store, so it already holds it.
            else if (!documents || !isPerDocument(c) || documents.has(c.collaborationId)) changes.push(c);
          }
          const next = rows[rows.length - 1]!.id;
          if (changes.length > 0) await onBatch({ changes, cursor: String(next) });
          cursor = next;
          // A change row that fails its schema cannot be applied: reload affected state from the store.
          if (broken) await onResync(String(cursor));
          if (rows.length < BATCH) onCaughtUp?.(readAt);
        } catch (err) {
          onError?.(err);
          await sleep(Math.max(pollMs, 100), signal);
        }
      }
    },
  };
}
