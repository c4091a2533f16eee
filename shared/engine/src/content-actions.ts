// Content actions as document edits: each runs as ONE Yjs transaction through the DocHost, checks
// its target before writing (a throw inside a Yjs transaction would still commit partial edits),
// and reports the DocEvents it caused so rules fire for engine-made changes too.
import type * as Y from 'yjs';
import { appendActivity, appendMessage, findActivityMap, findMessageMap, setActivityStatus, unreachable } from '@trellis/schema';
import type { ActionRequest, ActivityStatus, Actor, ContentAction, DocEvent } from '@trellis/schema';
import { authorIdOf, messageKindOf, originOf } from './actor-label.ts';
import type { EngineContext } from './context.ts';
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
  return ctx.docs.change(collaborationId, originOf(actor, req.name), (doc) => applyTo(doc, actor, req, nowIso, ids));
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
      return setStatus(doc, req.params.activityId, 'scheduled', { at: req.params.at });
    case 'completeActivity':
      return setStatus(doc, req.params.activityId, 'done', {});
    case 'cancelActivity': {
      const reason = req.params.reason;
      return setStatus(doc, req.params.activityId, 'cancelled', reason !== undefined ? { cancelReason: reason } : {});
    }
    default:
      return unreachable(req);
  }
}

function setStatus(doc: Y.Doc, activityId: string, to: ActivityStatus, extra: Record<string, string>): Applied {
  const map = findActivityMap(doc, activityId);
  if (!map) return { outcome: { status: 'refused', code: 'not_found', message: `activity ${activityId} not found` }, events: [] };
  const from = parseStatus(map.get('status'));
  const unchanged = from === to && Object.entries(extra).every(([k, v]) => map.get(k) === v);
  // Repeating a transition is a harmless no-op (retries, double clicks), not an error.
  if (unchanged) return { outcome: executed({ activityId, status: to, changed: false }), events: [] };
  setActivityStatus(map, to, extra);
  const title = typeof map.get('title') === 'string' ? (map.get('title') as string) : '';
  const events: DocEvent[] = from === to ? [] : [{ type: 'activityStatusChanged', activityId, title, from, to }];
  return { outcome: executed({ activityId, status: to, changed: true }), events };
}

function parseStatus(v: unknown): ActivityStatus | null {
  return v === 'proposed' || v === 'scheduled' || v === 'done' || v === 'cancelled' ? v : null;
}

function executed(result: Record<string, unknown>): ActionOutcome {
  return { status: 'executed', result };
}
