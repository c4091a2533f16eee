// Members: list (members, with names and emails), add by user id or by email ([I1]) / change role /
// remove (owners, through the engine so the rules of [G1] and the last-owner invariant apply); a
// member may also remove themself (leave).
import type { Express } from 'express';
import { z } from 'zod';
import { AddMemberBody, ChangeMemberBody, InviteByEmailBody } from '@trellis/schema';
import { memberAccess, ownerAccess } from '../access.ts';
import type { HttpDeps } from '../deps.ts';
import type { UserRateLimit } from '../rate-limit.ts';
import { inviteByEmail, publicInvite } from '../../invites/invites.ts';
import { executedOrThrow } from '../outcome.ts';
import { userOf } from '../request-user.ts';
import { body, CollabPath, MemberPath, PageQuery, pathParams, query } from '../validate.ts';

export const AddBody = z.union([AddMemberBody, InviteByEmailBody]);

export function memberRoutes(app: Express, deps: HttpDeps, inviteLimit: UserRateLimit): void {
  const { store, engine } = deps;
  app.get('/api/collaborations/:id/members', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    await memberAccess(store, id, userOf(req).id);
    const page = await store.members.list(id, query(req, PageQuery));
    const items = await Promise.all(
      page.items.map(async (m) => {
        const u = await store.users.get(m.userId);
        return { ...m, displayName: u?.displayName ?? null, email: u?.email ?? null };
      }),
    );
    res.json({ items, nextCursor: page.nextCursor });
  });

  app.post('/api/collaborations/:id/members', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    await memberAccess(store, id, userOf(req).id); // non-members get 404 before any body error
    const input = body(req, AddBody);
    if ('email' in input) {
      await ownerAccess(store, id, userOf(req).id);
      inviteLimit.take(userOf(req).id);
      const result = await inviteByEmail(deps, id, userOf(req).id, input.email, input.role);
      if (result.status === 'pending') {
        res.status(202).json({ status: 'pending', invite: publicInvite(result.invite) });
        return;
      }
      res.status(201).json({ status: 'added', ...(await store.members.get(id, result.userId)), email: input.email });
      return;
    }
    const outcome = await engine.run({ collaborationId: id, actor: { kind: 'user', userId: userOf(req).id }, name: 'addMember', params: input });
    executedOrThrow(outcome);
    res.status(201).json(await store.members.get(id, input.userId));
  });

  app.patch('/api/collaborations/:id/members/:userId', async (req, res) => {
    const { id, userId } = pathParams(req, MemberPath);
    await memberAccess(store, id, userOf(req).id);
    const { role } = body(req, ChangeMemberBody);
    const outcome = await engine.run({ collaborationId: id, actor: { kind: 'user', userId: userOf(req).id }, name: 'changeRole', params: { userId, role } });
    executedOrThrow(outcome);
    res.json(await store.members.get(id, userId));
  });

  app.delete('/api/collaborations/:id/members/:userId', async (req, res) => {
    const { id, userId } = pathParams(req, MemberPath);
    const outcome = await engine.run({ collaborationId: id, actor: { kind: 'user', userId: userOf(req).id }, name: 'removeMember', params: { userId } });
    executedOrThrow(outcome);
    res.json({ status: 'removed', userId });
  });
}
