// Audit entries the worker writes itself, for what does not pass through the engine: refusals decided
// before it (unknown, governance, malformed, surplus or duplicate proposals). A failed append is
// logged, never fatal: what it records already happened.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { newId, parseStoredJson } from '@trellis/schema';
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

async function auditAi(store: Store, log: Logger, e: WorkerAudit, now = new Date(), id = newId('aud')): Promise<void> {
  const actor: Actor = { kind: 'ai', ref: e.ref };
  const entry: AuditEntry = {
    id, collaborationId: e.collaborationId, at: now.toISOString(), actor, kind: 'action', action: e.action.slice(0, 64), outcome: e.outcome, detail: e.detail,
  };
  try {
    await store.audit.append(entry);
  } catch (err) {
    log.error({ err, collaborationId: e.collaborationId, action: e.action }, 'audit append failed');
  }
}

const Marker = z.object({ id: z.string().min(1), at: z.string().min(1) });

/** Audit once per key, whatever crashes in between: the entry's id and time are claimed in the key's
 *  marker first, then the entry is appended under that id. A retry finds the marker and appends the
 *  same entry again, which the store ignores when it is already there ([D24]). */
export async function auditAiOnce(store: Store, log: Logger, key: string, e: WorkerAudit, now = new Date()): Promise<void> {
  const marker = `audited:${createHash('sha256').update(key).digest('hex')}`;
  const mine = { id: newId('aud'), at: now.toISOString() };
  let claimed = mine;
  if (!(await store.kv.setIfAbsent(marker, JSON.stringify(mine), { expiresAt: now.getTime() + MARKER_RETENTION_MS }))) {
    const stored = parseStoredJson(Marker, await store.kv.get(marker));
    // Written before markers named their entry ("1"): that entry was appended already.
    if (!stored) return;
    claimed = stored;
  }
  await auditAi(store, log, e, new Date(claimed.at), claimed.id);
}

/** As long as idempotency records: covers every retry of the job that decided it. */
const MARKER_RETENTION_MS = 7 * 86_400_000;
