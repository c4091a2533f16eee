// Audit entries the worker writes itself, for what does not pass through engine.run: refusals decided
// before the engine (unknown, governance, malformed, surplus or duplicate proposals) and the streamed
// `@ai` reply, written straight into the document. A failed append is logged, never fatal: what it
// records already happened.
import { createHash } from 'node:crypto';
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

/** Audit once per key: a retried job re-deciding the same refusal does not log it again. Marked after
 *  the append, so a crash in between may log it twice but never loses it. */
export async function auditAiOnce(store: Store, log: Logger, key: string, e: WorkerAudit, now = new Date()): Promise<void> {
  const marker = `audited:${createHash('sha256').update(key).digest('hex')}`;
  if ((await store.kv.get(marker)) !== null) return;
  await auditAi(store, log, e, now);
  await store.kv.set(marker, '1', { expiresAt: now.getTime() + MARKER_RETENTION_MS });
}

/** As long as idempotency records: covers every retry of the job that decided it. */
const MARKER_RETENTION_MS = 7 * 86_400_000;
