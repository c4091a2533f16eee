// Check-ins: an owner asks for one now and is told what will happen (SPEC [W7]): 202 with the job of
// a run that will happen (a fresh run, with `{"fresh":true}`, supersedes today's digest), or 409 with
// the reason nothing will run. Members read the digests, newest first, in words ([G7]): each proposal
// carries a `summary` ("cancel 'Plan the hike'") and its `currentFate` — an approval decided since the
// digest was written reads as what became of it (approved → `approved`, rejected, expired, failed).
import type { Express } from 'express';
import { Words } from '@trellis/engine';
import type { Checkin, CheckinProposal } from '@trellis/schema';
import type { Store } from '@trellis/store';
import { z } from 'zod';
import { localDay, orphanedCheckin, TrellisError } from '@trellis/schema';
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
    // [W13] A run left `running` this long has lost its job: a forced run takes it over.
    const orphaned = today !== null && orphanedCheckin(today, Date.now());
    if (today?.status === 'running' && !orphaned) await refuse(`today's check-in (${day}) is already running; if it has not finished two hours after it started, you can ask again`);
    if (today?.status === 'done' && !fresh) await refuse(`today's check-in (${day}) is already done; ask for a fresh run ({"fresh":true}) to supersede it`);
    const supersedes = today && (today.status === 'done' || orphaned) ? today.id : null;
    const job = await store.jobs.enqueue({ type: 'checkin', payload: { collaborationId: id, force: true, fresh: supersedes !== null, localDay: day }, dedupeKey: `checkin-now:${id}` });
    // null: a check-in for this collaboration is already queued (dedupe), or the queue is full.
    if (!job) await refuse('a check-in for this collaboration is already queued, or the job queue is full; try again later');
    await auditWrite(store, logger, { collaborationId: id, actor, kind: 'action', action: 'checkinNow', outcome: 'queued', detail: { jobId: job!.id, localDay: day, supersedes } });
    res.status(202).json({ status: 'queued', jobId: job!.id, localDay: day, supersedes });
  });

  app.get('/api/collaborations/:id/checkins', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    await memberAccess(store, id, userOf(req).id);
    const page = await store.checkins.list(id, query(req, PageQuery));
    const words = new Words(store);
    res.json({ items: await Promise.all(page.items.map((c) => digestInWords(store, words, c))), nextCursor: page.nextCursor });
  });
}

async function digestInWords(store: Store, words: Words, c: Checkin) {
  return { ...c, proposals: await Promise.all(c.proposals.map((p) => proposalInWords(store, words, c.collaborationId, p))) };
}

async function proposalInWords(store: Store, words: Words, collaborationId: string, p: CheckinProposal) {
  const a = p.approvalId ? await store.approvals.get(p.approvalId) : null;
  const summary = await words.proposal(collaborationId, p, a?.targetTitle);
  if (p.fate !== 'pending_approval' || !a) return { ...p, summary, currentFate: p.fate, decidedBy: null, decisionReason: null };
  const currentFate = !a ? p.fate : a.status === 'pending' || a.status === 'executing' ? 'pending_approval' : a.status;
  const decidedBy = a?.decidedBy ? await words.person(a.decidedBy) : null;
  return { ...p, summary, currentFate, decidedBy, decisionReason: a?.decisionReason ?? null };
}
