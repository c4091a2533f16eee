// Audit entries the worker writes itself, for what does not pass through engine.run: refusals decided
// before the engine (unknown, governance, malformed, surplus or duplicate proposals) and the streamed
// `@ai` reply, written straight into the document. A failed append is logged, never fatal: what it
// records already happened.
import { newId } from '@trellis/schema';
import type { Actor, AuditEntry } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';

export interface WorkerAudit {
  collaborationId: string;
  /** The AI run (`checkin:<day>`, `aiReply:<messageId>`). */
  ref: string;
  action: string;
  outcome: string;
  detail: Record<string, unknown>;
}

export async function auditAi(store: Store, log: Logger, e: WorkerAudit, now = new Date()): Promise<void> {
  const actor: Actor = { kind: 'ai', ref: e.ref };
  const entry: AuditEntry = {
    id: newId('aud'), collaborationId: e.collaborationId, at: now.toISOString(), actor, kind: 'action', action: e.action.slice(0, 64), outcome: e.outcome, detail: e.detail,
  };
  try {
    await store.audit.append(entry);
  } catch (err) {
    log.error({ err, collaborationId: e.collaborationId, action: e.action }, 'audit append failed');
  }
}
