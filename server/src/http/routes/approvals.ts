// Approvals: what awaits my decision (across the collaborations I own), one approval with its
// staleness, approve / reject (a stale one is refused with 409 `stale`), re-propose from the
// current state, and a collaboration's approval history for its members (the pending ones show on
// the activity's card for everyone). Every approval is sent with its words ([G7]): the
// collaboration's and the target's titles, who asked, and a summary ("Ann asked to cancel 'Plan the
// hike'"); a rejection may carry the owner's reason.
import type { Express } from 'express';
import { Words } from '@trellis/engine';
import { z } from 'zod';
import { ApprovalStatus, TrellisError } from '@trellis/schema';
import type { Approval } from '@trellis/schema';
import type { Store } from '@trellis/store';
import { memberAccess } from '../access.ts';
import type { HttpDeps } from '../deps.ts';
import { userOf } from '../request-user.ts';
import { ApprovalPath, body, CollabPath, pageShape, pathParams, query } from '../validate.ts';

export const MyApprovalsQuery = z.strictObject({ ...pageShape, status: z.literal('pending').default('pending') });
export const CollabApprovalsQuery = z.strictObject({ ...pageShape, status: ApprovalStatus.optional() });
export const DecideBody = z.strictObject({ reason: z.string().max(1000).optional() });
const MAX_OWNED = 1000;

export function approvalRoutes(app: Express, { store, engine }: HttpDeps): void {
  const view = async (a: Approval, words = new Words(store)) => ({
    ...a,
    ...(await words.approval(a)),
    expired: a.status === 'expired' || (a.status === 'pending' && Date.parse(a.expiresAt) <= Date.now()),
  });
  const views = (items: Approval[]) => {
    const words = new Words(store);
    return Promise.all(items.map((a) => view(a, words)));
  };

  app.get('/api/approvals', async (req, res) => {
    const q = query(req, MyApprovalsQuery);
    const owned = await ownedCollaborations(store, userOf(req).id);
    const page = await store.approvals.listPending(owned, { cursor: q.cursor, limit: q.limit });
    res.json({ items: await views(page.items), nextCursor: page.nextCursor });
  });

  app.get('/api/approvals/:id', async (req, res) => {
    const { id } = pathParams(req, ApprovalPath);
    const approval = await ownedApproval(store, id, userOf(req).id);
    res.json({ ...(await view(approval)), stale: await engine.isStale(id) });
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/api/approvals/:id/${decision}`, async (req, res) => {
      const { id } = pathParams(req, ApprovalPath);
      const { reason } = body(req, DecideBody);
      const result = await engine.decideApproval(id, userOf(req).id, decision, decision === 'reject' ? reason : undefined);
      if (result.status === 'refused') throw new TrellisError(result.code, result.message);
      const approval = await store.approvals.get(id);
      res.json({ ...result, approval: approval && (await view(approval)) });
    });
  }

  app.post('/api/approvals/:id/repropose', async (req, res) => {
    const { id } = pathParams(req, ApprovalPath);
    const result = await engine.reproposeApproval(id, userOf(req).id);
    if (result.status === 'refused') throw new TrellisError(result.code, result.message);
    res.status(202).json({ ...result, approval: await store.approvals.get(result.approvalId), superseded: await store.approvals.get(id) });
  });

  app.get('/api/collaborations/:id/approvals', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    await memberAccess(store, id, userOf(req).id);
    const q = query(req, CollabApprovalsQuery);
    const pageReq = { cursor: q.cursor, limit: q.limit };
    if (q.status === 'pending') {
      const page = await store.approvals.listPending([id], pageReq);
      return void res.json({ items: await views(page.items), nextCursor: page.nextCursor });
    }
    // Other statuses filter one page of the history: fewer items per page, same cursor semantics.
    const page = await store.approvals.listForCollaboration(id, pageReq);
    const items = q.status === undefined ? page.items : page.items.filter((a) => a.status === q.status);
    res.json({ items: await views(items), nextCursor: page.nextCursor });
  });
}

/** An approval the user may see: 404 unless they are a member, 403 unless an owner. */
async function ownedApproval(store: Store, approvalId: string, userId: string): Promise<Approval> {
  const approval = await store.approvals.get(approvalId);
  const member = approval ? await store.members.get(approval.collaborationId, userId) : null;
  if (!approval || !member) throw new TrellisError('not_found', 'approval not found');
  if (member.role !== 'owner') throw new TrellisError('forbidden', 'only an owner can see this approval');
  return approval;
}

async function ownedCollaborations(store: Store, userId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.members.listForUser(userId, { cursor, limit: 100 });
    for (const i of page.items) if (i.role === 'owner') ids.push(i.collaboration.id);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && ids.length < MAX_OWNED);
  return ids;
}
