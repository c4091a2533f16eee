// Run each proposed action on its own through the engine: malformed, unknown, non-content or
// surplus actions are refused individually; the rest get the engine's policy decision.
import type { Engine } from '@trellis/engine';
import type { CheckinProposal } from '@trellis/schema';
import { isActionName, isContentAction, ProposedAction, unreachable } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import { MAX_ACTIONS_PER_COLLABORATION } from './prompt.ts';

export interface ProposalRun {
  engine: Engine;
  collaborationId: string;
  /** The AI run id (actor ref). */
  runId: string;
  /** Idempotency key prefix; the action's index is appended. */
  keyPrefix: string;
  log: Logger;
}

const MAX_STORED_PARAMS_CHARS = 2000;

function storedParams(params: unknown): unknown {
  const json = JSON.stringify(params ?? {});
  return json.length > MAX_STORED_PARAMS_CHARS ? { truncated: json.slice(0, 200) } : params;
}

function refused(raw: unknown, detail: string): CheckinProposal {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const action = typeof r.action === 'string' ? r.action.slice(0, 64) : '(malformed)';
  const reason = typeof r.reason === 'string' ? r.reason.slice(0, 500) : '';
  return { action, params: storedParams(r.params), reason, fate: 'refused', detail, approvalId: null };
}

export async function runProposals(run: ProposalRun, actions: readonly unknown[]): Promise<CheckinProposal[]> {
  const out: CheckinProposal[] = [];
  for (const [index, raw] of actions.entries()) {
    if (index >= MAX_ACTIONS_PER_COLLABORATION) {
      out.push(refused(raw, `too many actions (max ${MAX_ACTIONS_PER_COLLABORATION})`));
      continue;
    }
    const parsed = ProposedAction.safeParse(raw);
    if (!parsed.success) {
      out.push(refused(raw, 'malformed action'));
      continue;
    }
    const { action, params, reason } = parsed.data;
    // Least privilege before the engine even sees it: the AI only ever proposes content actions.
    if (!isActionName(action)) {
      out.push(refused(raw, `unknown action "${action}"`));
      continue;
    }
    if (!isContentAction(action)) {
      run.log.warn({ collaborationId: run.collaborationId, action }, 'AI proposed a governance action; refused');
      out.push(refused(raw, 'not allowed for the AI'));
      continue;
    }
    const outcome = await run.engine.run({
      collaborationId: run.collaborationId, actor: { kind: 'ai', ref: run.runId }, name: action, params, reason, idempotencyKey: `${run.keyPrefix}:${index}`,
    });
    const base = { action, params: storedParams(params), reason };
    switch (outcome.status) {
      case 'executed':
        out.push({ ...base, fate: 'executed', detail: null, approvalId: null });
        break;
      case 'pending_approval':
        out.push({ ...base, fate: 'pending_approval', detail: 'waiting for an owner', approvalId: outcome.approvalId });
        break;
      case 'refused':
        // Another run of this very proposal is still going (a worker that has not yet been declared
        // dead): nothing was decided, so the job is retried rather than recording a false refusal.
        if (outcome.retryable) throw new Error(`proposal ${index} of ${run.collaborationId} is still running elsewhere`);
        out.push({ ...base, fate: 'refused', detail: `${outcome.code}: ${outcome.message}`.slice(0, 500), approvalId: null });
        break;
      default:
        unreachable(outcome);
    }
  }
  return out;
}
