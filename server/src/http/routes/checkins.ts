// Check-ins: an owner asks for one now and is told what will happen (SPEC [W7]): 202 with the job of
// a run that will happen (a fresh run, with `{"fresh":true}`, supersedes today's digest), or 409 with
// the reason nothing will run. Members read the digests, newest first.
import type { Express } from 'express';
import { z } from 'zod';
import { localDay, TrellisError } from '@trellis/schema';
import { memberAccess, ownerAccess } from '../access.ts';
import { auditWrite } from '../audit-write.ts';
import type { HttpDeps } from '../deps.ts';
import { userOf } from '../request-user.ts';
import { body, CollabPath, PageQuery, pathParams, query } from '../validate.ts';

export const CheckinNowBody = z.strictObject({ fresh: z.boolean().optional() });

export function checkinRoutes(app: Express, { store, logger }: HttpDeps): void {
  app.post('/api/collaborations/:id/checkins', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    const { fresh = false } = body(req, CheckinNowBody);
    const user = userOf(req);
    const { collab } = await ownerAccess(store, id, user.id);
    const actor = { kind: 'user' as const, userId: user.id };
    const refuse = async (message: string): Promise<never> => {
      await auditWrite(store, logger, { collaborationId: id, actor, kind: 'action', action: 'checkinNow', outcome: 'refused:conflict', detail: { message, fresh } });
      throw new TrellisError('conflict', message);
    };
    if (collab.archived) await refuse('the collaboration is archived');
    const day = localDay(new Date(), collab.settings.timeZone);
    const today = await store.checkins.get(id, day);
    if (today?.status === 'running') await refuse(`today's check-in (${day}) is already running`);
    if (today?.status === 'done' && !fresh) await refuse(`today's check-in (${day}) is already done; ask for a fresh run ({"fresh":true}) to supersede it`);
    const supersedes = today?.status === 'done' ? today.id : null;
    const job = await store.jobs.enqueue({ type: 'checkin', payload: { collaborationId: id, force: true, fresh: supersedes !== null }, dedupeKey: `checkin-now:${id}` });
    // null: a check-in for this collaboration is already queued (dedupe), or the queue is full.
    if (!job) await refuse('a check-in for this collaboration is already queued, or the job queue is full; try again later');
    await auditWrite(store, logger, { collaborationId: id, actor, kind: 'action', action: 'checkinNow', outcome: 'queued', detail: { jobId: job!.id, localDay: day, supersedes } });
    res.status(202).json({ status: 'queued', jobId: job!.id, localDay: day, supersedes });
  });

  app.get('/api/collaborations/:id/checkins', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    await memberAccess(store, id, userOf(req).id);
    res.json(await store.checkins.list(id, query(req, PageQuery)));
  });
}
