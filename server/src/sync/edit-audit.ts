// Audit summaries of CRDT edits (who, when, which roots, bytes, refusals): one entry per connection
// and collaboration every interval and when the connection closes — not one per keystroke — written
// in one batch.
import { newId } from '@trellis/schema';
import type { AuditEntry } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { AuditRepo } from '@trellis/store';
import type { Connection } from './connection.ts';

function takeSummary(conn: Connection): AuditEntry | null {
  const e = conn.edits;
  if (e.updates === 0) return null;
  conn.edits = { updates: 0, bytes: 0, refused: 0, roots: new Set() };
  return {
    id: newId('aud'), collaborationId: conn.collaborationId, at: new Date().toISOString(), actor: { kind: 'user', userId: conn.userId },
    kind: e.refused > 0 ? 'refused-update' : 'crdt', action: null, outcome: e.refused > 0 ? `${e.refused} of ${e.updates} updates refused` : 'applied',
    detail: { updates: e.updates, bytes: e.bytes, refused: e.refused, roots: [...e.roots].sort() },
  };
}

export async function flushEditAudit(appendAudit: AuditRepo['appendMany'], conns: Iterable<Connection>, logger: Logger): Promise<void> {
  const entries: AuditEntry[] = [];
  for (const c of conns) {
    const entry = takeSummary(c);
    if (entry) entries.push(entry);
  }
  if (entries.length === 0) return;
  try {
    await appendAudit(entries);
  } catch (err) {
    logger.warn({ err, entries: entries.length }, 'edit audit summaries not stored');
  }
}
