// Check-ins: an owner asks for one now (queued for the worker, deduplicated per collaboration);
// members read the digests, newest first.
import type { Express } from 'express';
import { memberAccess, ownerAccess } from '../access.ts';
import { auditWrite } from '../audit-write.ts';
import type { HttpDeps } from '../deps.ts';
import { userOf } from '../request-user.ts';
import { CollabPath, PageQuery, pathParams, query } from '../validate.ts';

export function checkinRoutes(app: Express, { store, logger }: HttpDeps): void {
  app.post('/api/collaborations/:id/checkins', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    const user = userOf(req);
    await ownerAccess(store, id, user.id);
    const job = await store.jobs.enqueue({ type: 'checkin', payload: { collaborationId: id, force: true }, dedupeKey: `checkin-now:${id}` });
    // null: one is already queued (dedupe) or the queue is full; either way a check-in is coming.
    await auditWrite(store, logger, { collaborationId: id, actor: { kind: 'user', userId: user.id }, kind: 'action', action: 'checkinNow', outcome: job ? 'queued' : 'deduplicated', detail: { jobId: job?.id ?? null } });
    res.status(202).json({ status: 'queued', jobId: job?.id ?? null });
  });

  app.get('/api/collaborations/:id/checkins', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    await memberAccess(store, id, userOf(req).id);
    res.json(await store.checkins.list(id, query(req, PageQuery)));
  });
}
