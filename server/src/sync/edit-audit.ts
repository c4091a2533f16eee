// Audit summaries of CRDT edits (who, when, which roots, bytes, refusals): one entry per connection
// and collaboration every interval and when the connection closes — not one per keystroke.
import { newId } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import type { Connection } from './connection.ts';

export async function flushEditAudit(store: Store, conn: Connection, logger: Logger): Promise<void> {
  const e = conn.edits;
  if (e.updates === 0) return;
  conn.edits = { updates: 0, bytes: 0, refused: 0, roots: new Set() };
  try {
    await store.audit.append({
      id: newId('aud'), collaborationId: conn.collaborationId, at: new Date().toISOString(), actor: { kind: 'user', userId: conn.userId },
      kind: e.refused > 0 ? 'refused-update' : 'crdt', action: null, outcome: e.refused > 0 ? `${e.refused} of ${e.updates} updates refused` : 'applied',
      detail: { updates: e.updates, bytes: e.bytes, refused: e.refused, roots: [...e.roots].sort() },
    });
  } catch (err) {
    logger.warn({ err, collaborationId: conn.collaborationId }, 'edit audit summary not stored');
  }
}
