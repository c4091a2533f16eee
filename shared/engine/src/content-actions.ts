// Content actions as document edits: each runs as ONE Yjs transaction through the DocHost, checks
// its target before writing (a throw inside a Yjs transaction would still commit partial edits),
// and reports the DocEvents it caused so rules fire for engine-made changes too. Status changes
// follow the activity state machine (`activityTransition`), whoever asks: people, rules, approvals
// or the AI.
import type * as Y from 'yjs';
import { activityTransition, appendActivity, appendMessage, findActivityMap, findMessageMap, isClosedStatus, readActivityStatus, setActivityStatus, unreachable } from '@trellis/schema';
import type { ActionRequest, ActivityStatus, Actor, ContentAction, DocEvent } from '@trellis/schema';
import { authorIdOf, messageKindOf, originOf } from './actor-label.ts';
import type { EngineContext } from './context.ts';
import { attributionOf } from './run-context.ts';
import type { EffectIds } from './effect-ids.ts';
import { freshIds } from './effect-ids.ts';
import type { ActionOutcome } from './types.ts';

export type ContentRequest = Extract<ActionRequest, { name: ContentAction }>;

interface Applied {
  outcome: ActionOutcome;
  events: DocEvent[];
}

export async function runContentAction(ctx: EngineContext, collaborationId: string, actor: Actor, req: ContentRequest, ids: EffectIds = freshIds): Promise<Applied> {
  const nowIso = ctx.now().toISOString();
  return ctx.docs.change(collaborationId, originOf(actor, req.name), (doc) => applyTo(doc, actor, req, nowIso, ids), attributionOf(actor));
}

function applyTo(doc: Y.Doc, actor: Actor, req: ContentRequest, nowIso: string, ids: EffectIds): Applied {
  switch (req.name) {
    case 'sendMessage': {
      const id = ids('msg');
      const kind = messageKindOf(actor);
      const authorId = authorIdOf(actor);
      // Taken over from a run that died after storing it (idempotency.ts): already done, not again.
      if (!findMessageMap(doc, id)) appendMessage(doc, { id, authorId, body: req.params.body, kind, createdAt: nowIso });
      return { outcome: executed({ messageId: id }), events: [{ type: 'messageCreated', messageId: id, authorId, body: req.params.body, kind }] };
    }
    case 'proposeActivity': {
      const id = ids('act');
      const notes = req.params.notes;
      if (!findActivityMap(doc, id)) appendActivity(doc, { id, title: req.params.title, proposedBy: authorIdOf(actor), createdAt: nowIso, ...(notes !== undefined ? { notes } : {}) });
      return { outcome: executed({ activityId: id }), events: [{ type: 'activityCreated', activityId: id, title: req.params.title }] };
    }
    case 'scheduleActivity':
    case 'completeActivity':
    case 'cancelActivity':
    case 'reopenActivity':
      return setStatus(doc, req);
    default:
      return unreachable(req);
  }
}

type StatusRequest = Extract<ContentRequest, { params: { activityId: string } }>;

/** What a status action would do to its activity as it stands now: the target status and fields. */
interface StatusStep {
  to: ActivityStatus;
  set: Record<string, string>;
  clear: string[];
}

function stepOf(req: StatusRequest, from: ActivityStatus | null, map: Y.Map<unknown>): StatusStep {
  switch (req.name) {
    case 'scheduleActivity':
      return { to: 'scheduled', set: { at: req.params.at }, clear: [] };
    case 'completeActivity':
      return { to: 'done', set: {}, clear: [] };
    case 'cancelActivity': {
      const reason = req.params.reason;
      return { to: 'cancelled', set: reason !== undefined ? { cancelReason: reason } : {}, clear: [] };
    }
    case 'reopenActivity':
      // Back to where it stood before it closed: scheduled when it has a time, else proposed; the
      // cancel reason goes with the cancellation. Reopening an open activity is a no-op (retries).
      if (from !== null && !isClosedStatus(from)) return { to: from, set: {}, clear: [] };
      return { to: typeof map.get('at') === 'string' ? 'scheduled' : 'proposed', set: {}, clear: ['cancelReason'] };
    default:
      return unreachable(req);
  }
}

type StepCheck = { kind: 'refused'; outcome: Extract<ActionOutcome, { status: 'refused' }> } | { kind: 'noop' | 'change'; map: Y.Map<unknown>; from: ActivityStatus | null; step: StatusStep };

/** Whether a status action can run against the document as it is: its activity exists (once) and
 *  the state machine allows the step. Used before writing, and before asking an owner to approve. */
function checkStatusStep(doc: Y.Doc, req: StatusRequest): StepCheck {
  const { activityId } = req.params;
  const map = findActivityMap(doc, activityId);
  if (!map) return { kind: 'refused', outcome: { status: 'refused', code: 'not_found', message: `activity ${activityId} not found` } };
  const from = readActivityStatus(map.get('status'));
  const step = stepOf(req, from, map);
  // Repeating a transition is a harmless no-op (retries, double clicks), not an error.
  if (from === step.to && Object.entries(step.set).every(([k, v]) => map.get(k) === v)) return { kind: 'noop', map, from, step };
  const allowed = activityTransition(from, step.to, req.name);
  // e.g. an approved schedule of a since-cancelled activity: it stays cancelled.
  if (!allowed.ok) return { kind: 'refused', outcome: { status: 'refused', code: 'conflict', message: allowed.message } };
  return { kind: 'change', map, from, step };
}

/** A refusal for a content action that cannot run from the document's current state, or null. */
export function contentActionRefusal(doc: Y.Doc, req: ContentRequest): Extract<ActionOutcome, { status: 'refused' }> | null {
  if (!isStatusRequest(req)) return null;
  const check = checkStatusStep(doc, req);
  return check.kind === 'refused' ? check.outcome : null;
}

function isStatusRequest(req: ContentRequest): req is StatusRequest {
  return 'activityId' in req.params;
}

function setStatus(doc: Y.Doc, req: StatusRequest): Applied {
  const { activityId } = req.params;
  const check = checkStatusStep(doc, req);
  if (check.kind === 'refused') return { outcome: check.outcome, events: [] };
  const { map, from, step } = check;
  if (check.kind === 'noop') return { outcome: executed({ activityId, status: step.to, changed: false }), events: [] };
  for (const k of step.clear) map.delete(k);
  setActivityStatus(map, step.to, step.set);
  const title = typeof map.get('title') === 'string' ? (map.get('title') as string) : '';
  const events: DocEvent[] = from === step.to ? [] : [{ type: 'activityStatusChanged', activityId, title, from, to: step.to }];
  return { outcome: executed({ activityId, status: step.to, changed: true }), events };
}

function executed(result: Record<string, unknown>): ActionOutcome {
  return { status: 'executed', result };
}
