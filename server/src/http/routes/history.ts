// History and revert (SPEC [A5]–[A9], docs/API.md): members (viewers included) read the change
// groups and the collaboration as it was; a member with the rights undoes a run through the engine;
// an owner undoes everything one actor did since a time.
import type { Express } from 'express';
import { z } from 'zod';
import { AttributionKind, idString, TrellisError } from '@trellis/schema';
import type { ChangeGroup, RevertOutcome } from '@trellis/engine';
import type { Store } from '@trellis/store';
import { HISTORY_PAGE_MAX, parseGroupId } from '@trellis/engine';
import { memberAccess, ownerAccess } from '../access.ts';
import type { HttpDeps } from '../deps.ts';
import type { UserRateLimit } from '../rate-limit.ts';
import { userOf } from '../request-user.ts';
import { body, CollabPath, pathParams, query } from '../validate.ts';

const GroupId = z.string().refine((s) => parseGroupId(s) !== null, 'malformed change id');
export const HistoryQuery = z.strictObject({
  actor: z.string().min(1).max(128).optional(),
  kind: AttributionKind.optional(),
  run: z.string().min(1).max(160).optional(),
  before: GroupId.optional(),
  cursor: GroupId.optional(),
  limit: z.coerce.number().int().min(1).max(HISTORY_PAGE_MAX).default(50),
});
export const AtQuery = z.strictObject({ t: z.iso.datetime({ offset: true }).optional(), change: GroupId.optional() })
  .refine((q) => (q.t === undefined) !== (q.change === undefined), 'give exactly one of t and change');
export const RunPath = z.strictObject({ id: idString, runId: z.string().regex(/^[A-Za-z0-9_:.-]{1,160}$/, 'malformed run id') });
export const RevertBody = z.strictObject({ dryRun: z.boolean().optional() });
export const ActorRevertBody = z.strictObject({
  actor: z.union([z.strictObject({ kind: AttributionKind, id: z.string().min(1).max(128) }), z.string().min(1).max(128)]),
  since: z.iso.datetime({ offset: true }),
  dryRun: z.boolean().optional(),
});

/** What the API shows of a group (its seq bounds are in its id). */
function served(g: ChangeGroup): Omit<ChangeGroup, 'firstSeq' | 'lastSeq'> {
  const { firstSeq: _f, lastSeq: _l, ...rest } = g;
  return rest;
}

function answer(outcome: RevertOutcome): Record<string, unknown> {
  if (outcome.status === 'refused') throw new TrellisError(outcome.code, outcome.message);
  const { status: _s, ...rest } = outcome;
  return rest;
}

/** `checkin:<day>` was once the run id of every check-in run of that day, and the web app's digest
 *  still asks to undo it by that name: it names the run of the day's check-in as stored now (each
 *  run has its own id, SPEC [W7]). A day whose record predates run ids keeps the old id as is. */
async function resolveRunAlias(store: Store, collaborationId: string, runId: string): Promise<string> {
  const day = /^checkin:(\d{4}-\d{2}-\d{2})$/.exec(runId)?.[1];
  if (day === undefined) return runId;
  return (await store.checkins.get(collaborationId, day))?.runId ?? runId;
}

/** History requests one member may make at once, and then per second (SPEC [A11]). */
export const HISTORY_BURST = 120;
export const HISTORY_PER_SECOND = 2;

/** `limit`: each request reads the stored history (a revert also replays and writes it), so a
 *  member's requests share one budget ([A11]). */
export function historyRoutes(app: Express, { store, engine }: HttpDeps, limit: UserRateLimit): void {
  app.get('/api/collaborations/:id/history', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    const user = userOf(req);
    await memberAccess(store, id, user.id);
    const q = query(req, HistoryQuery);
    limit.take(user.id);
    const page = await engine.history.list(id, { actor: q.actor, kind: q.kind, run: q.run, before: q.before ?? q.cursor, limit: q.limit });
    res.json({ items: page.items.map(served), nextCursor: page.nextCursor });
  });

  app.get('/api/collaborations/:id/history/at', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    const user = userOf(req);
    await memberAccess(store, id, user.id);
    const q = query(req, AtQuery);
    limit.take(user.id);
    res.json(await engine.history.at(id, q.t !== undefined ? { at: Date.parse(q.t) } : { change: q.change! }));
  });

  app.post('/api/collaborations/:id/runs/:runId/revert', async (req, res) => {
    const { id, runId: asked } = pathParams(req, RunPath);
    const user = userOf(req);
    // Who may see the collaboration first: to a stranger it does not exist, whatever they sent.
    await memberAccess(store, id, user.id);
    const { dryRun } = body(req, RevertBody);
    limit.take(user.id);
    const runId = await resolveRunAlias(store, id, asked);
    const outcome = await engine.revert({ collaborationId: id, userId: user.id, selector: { runId }, dryRun });
    res.json({ ...answer(outcome), revertedRunId: runId });
  });

  app.post('/api/collaborations/:id/history/revert', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    const user = userOf(req);
    await ownerAccess(store, id, user.id);
    const b = body(req, ActorRevertBody);
    limit.take(user.id);
    const actor = typeof b.actor === 'string' ? (b.actor === 'ai' ? { kind: 'ai' as const, id: 'ai' } : { kind: 'user' as const, id: b.actor }) : b.actor;
    const outcome = await engine.revert({ collaborationId: id, userId: user.id, selector: { actor, since: Date.parse(b.since) }, dryRun: b.dryRun });
    res.json(answer(outcome));
  });
}
