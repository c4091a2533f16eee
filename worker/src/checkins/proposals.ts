// Run each proposed action on its own through the engine: malformed, unknown, non-content or
// surplus actions are refused individually before the engine sees them (and audited here, since the
// engine never does); the rest get the engine's policy decision, which the engine audits.
import type { Engine } from '@trellis/engine';
import { withRun } from '@trellis/engine';
import type { CheckinAnswerRecord, CheckinProposal } from '@trellis/schema';
import { isActionName, isContentAction, ProposedAction, unreachable } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import { auditAiOnce } from '../audit.ts';
import { MAX_ACTIONS_PER_COLLABORATION } from './prompt.ts';

export interface ProposalRun {
  engine: Engine;
  store: Store;
  collaborationId: string;
  /** The AI run id (actor ref). */
  runId: string;
  /** Idempotency key prefix; the action's index is appended. */
  keyPrefix: string;
  log: Logger;
  now?: () => Date;
}

/** Refusals decided about the answer as a whole (surplus beyond those listed, duplicate entries). */
export type AnswerNote = CheckinAnswerRecord['notes'][number];

const MAX_STORED_PARAMS_CHARS = 2000;

function storedParams(params: unknown): unknown {
  const json = JSON.stringify(params ?? {});
  // Never undefined: the stored digest is JSON, and a missing key would not read back.
  return json.length > MAX_STORED_PARAMS_CHARS ? { truncated: json.slice(0, 200) } : (params ?? {});
}

type PreEngineCode = 'too_many' | 'malformed' | 'unknown_action' | 'governance' | 'duplicate';

async function refuse(run: ProposalRun, key: string, raw: unknown, code: PreEngineCode, detail: string): Promise<CheckinProposal> {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const action = typeof r.action === 'string' ? r.action.slice(0, 64) : '(malformed)';
  const reason = typeof r.reason === 'string' ? r.reason.slice(0, 500) : '';
  const params = storedParams(r.params);
  await auditAiOnce(run.store, run.log, key, {
    collaborationId: run.collaborationId, ref: run.runId, action, outcome: `refused:${code}`, detail: { message: detail, params, reason, decided: 'before the engine' },
  }, run.now?.());
  return { action, params, reason, fate: 'refused', detail, approvalId: null };
}

export async function runProposals(run: ProposalRun, actions: readonly unknown[], notes: readonly AnswerNote[] = []): Promise<CheckinProposal[]> {
  const out: CheckinProposal[] = [];
  for (const [index, raw] of actions.entries()) {
    const key = `${run.keyPrefix}:${index}`;
    if (index >= MAX_ACTIONS_PER_COLLABORATION) {
      out.push(await refuse(run, key, raw, 'too_many', `too many actions (max ${MAX_ACTIONS_PER_COLLABORATION})`));
      continue;
    }
    const parsed = ProposedAction.safeParse(raw);
    if (!parsed.success) {
      out.push(await refuse(run, key, raw, 'malformed', 'malformed action'));
      continue;
    }
    const { action, params, reason } = parsed.data;
    // Least privilege before the engine even sees it: the AI only ever proposes content actions.
    if (!isActionName(action)) {
      out.push(await refuse(run, key, raw, 'unknown_action', `unknown action "${action}"`));
      continue;
    }
    if (!isContentAction(action)) {
      run.log.warn({ collaborationId: run.collaborationId, action }, 'AI proposed a governance action; refused');
      out.push(await refuse(run, key, raw, 'governance', 'not allowed for the AI'));
      continue;
    }
    // The change is attributed to the AI's run and to this proposal (SPEC [A1]).
    const outcome = await withRun({ proposalId: key.slice(0, 160) }, () => run.engine.run({
      collaborationId: run.collaborationId, actor: { kind: 'ai', ref: run.runId }, name: action, params, reason, idempotencyKey: key,
    }));
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
  for (const [i, note] of notes.entries()) {
    out.push(await refuse(run, `${run.keyPrefix}:note:${i}`, { action: note.action, params: {}, reason: '' }, note.code, note.detail));
  }
  return out;
}
