// Appending to the audit log. Failure to audit is logged, never turned into a failed action: the
// action already happened and the caller must learn its outcome.
import { newId, unreachable } from '@trellis/schema';
import type { Actor, AuditEntry } from '@trellis/schema';
import type { EngineContext } from './context.ts';
import type { ActionOutcome } from './types.ts';

export interface AuditInput {
  collaborationId: string;
  actor: Actor;
  kind: AuditEntry['kind'];
  action: string | null;
  outcome: string;
  detail?: Record<string, unknown>;
  /** The entry's id when it must be stable across a resumed run (derived from an idempotency key):
   *  appending it again is then a no-op ([D24]). */
  id?: string;
}

export async function audit(ctx: EngineContext, e: AuditInput): Promise<void> {
  const entry: AuditEntry = {
    id: e.id ?? newId('aud'),
    collaborationId: e.collaborationId,
    at: ctx.now().toISOString(),
    actor: e.actor,
    kind: e.kind,
    action: e.action === null ? null : e.action.slice(0, 64),
    outcome: e.outcome,
    detail: e.detail ?? {},
  };
  try {
    await ctx.store.audit.append(entry);
  } catch (err) {
    ctx.logger.error({ err, collaborationId: e.collaborationId, action: e.action }, 'audit append failed');
  }
}

const MAX_PARAMS_CHARS = 2000;

/** Params as recorded: whole when small, else a truncated JSON string, so a refused oversized
 *  request cannot bloat the log. */
export function paramsForAudit(params: unknown): unknown {
  let json: string;
  try {
    json = JSON.stringify(params ?? null);
  } catch {
    return '[unserialisable]';
  }
  return json.length <= MAX_PARAMS_CHARS ? (params ?? null) : `${json.slice(0, MAX_PARAMS_CHARS)}…`;
}

/** The short outcome label stored in the log: `executed`, `pending_approval` or `refused:<code>`. */
export function outcomeLabel(o: ActionOutcome): string {
  return o.status === 'refused' ? `refused:${o.code}` : o.status;
}

/** Detail of an outcome worth keeping (approval id, refusal reason, created ids). */
export function outcomeDetail(o: ActionOutcome): Record<string, unknown> {
  switch (o.status) {
    case 'executed':
      return o.result ? { result: o.result } : {};
    case 'pending_approval':
      return { approvalId: o.approvalId };
    case 'refused':
      return { message: o.message };
    default:
      return unreachable(o);
  }
}
