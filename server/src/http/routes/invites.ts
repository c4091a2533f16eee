// Invite links (owners create, list, revoke; any signed-in user accepts) — SPEC [I1]–[I4].
// Adding by email lives beside the other member routes (members.ts).
import type { Express, Request } from 'express';
import { z } from 'zod';
import { CreateInviteBody, idString, TrellisError } from '@trellis/schema';
import { ownerAccess } from '../access.ts';
import { auditWrite } from '../audit-write.ts';
import type { HttpDeps } from '../deps.ts';
import type { UserRateLimit } from '../rate-limit.ts';
import { userOf } from '../request-user.ts';
import { body, CollabPath, PageQuery, pathParams, query } from '../validate.ts';
import { acceptLink, createLinkInvite, publicInvite } from '../../invites/invites.ts';

export const InvitePath = z.strictObject({ id: idString, inviteId: idString });
export const TokenPath = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'malformed invite token') });

/** Where the web app opens an invite (a hash route, like every app route): the request's own origin
 *  (proxies are trusted per TRUST_PROXY, [O3]). */
const inviteUrl = (req: Request, token: string) => `${req.protocol}://${req.get('host') ?? 'localhost'}/#/invite/${token}`;

export function inviteRoutes(app: Express, deps: HttpDeps, limits: { create: UserRateLimit; accept: UserRateLimit }): void {
  const { store, logger } = deps;

  app.post('/api/collaborations/:id/invites', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    const user = userOf(req);
    await ownerAccess(store, id, user.id);
    const input = body(req, CreateInviteBody);
    limits.create.take(user.id);
    const { invite, token } = await createLinkInvite(deps, id, user.id, input);
    res.status(201).json({ ...publicInvite(invite), token, url: inviteUrl(req, token) });
  });

  app.get('/api/collaborations/:id/invites', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    await ownerAccess(store, id, userOf(req).id);
    const page = await store.invites.listForCollaboration(id, query(req, PageQuery));
    const now = new Date();
    res.json({ items: page.items.map((i) => publicInvite(i, now)), nextCursor: page.nextCursor });
  });

  app.delete('/api/collaborations/:id/invites/:inviteId', async (req, res) => {
    const { id, inviteId } = pathParams(req, InvitePath);
    const user = userOf(req);
    await ownerAccess(store, id, user.id);
    const revoked = await store.invites.revoke(id, inviteId, new Date().toISOString());
    if (!revoked) throw new TrellisError('not_found', 'no such invite');
    // Revoking again (a double click, a retry) answers the same and is not audited again.
    if (revoked.revokedNow) await auditWrite(store, logger, { collaborationId: id, actor: { kind: 'user', userId: user.id }, kind: 'membership', action: 'revokeInvite', outcome: 'executed', detail: { inviteId, kind: revoked.invite.kind } });
    res.json(publicInvite(revoked.invite));
  });

  app.post('/api/invites/:token/accept', async (req, res) => {
    const user = userOf(req);
    limits.accept.take(user.id);
    const { token } = pathParams(req, TokenPath);
    res.json(await acceptLink(deps, token, user.id));
  });
}
