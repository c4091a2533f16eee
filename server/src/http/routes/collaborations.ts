// Collaborations: create (caller becomes owner), list mine, get one with my role, update settings.
// Create and update are engine actions (`createCollaboration`, `updateCollaboration`): policy-checked
// and audited by the engine like every other write [G2].
import type { Express } from 'express';
import { actionParams, CreateCollaborationBody, TrellisError } from '@trellis/schema';
import { memberAccess } from '../access.ts';
import type { HttpDeps } from '../deps.ts';
import { executedOrThrow } from '../outcome.ts';
import { userOf } from '../request-user.ts';
import { body, CollabPath, PageQuery, pathParams, query } from '../validate.ts';

/** An omitted field keeps its value; an omitted time zone is not reset to UTC. */
export const PatchBody = actionParams.updateCollaboration;

export function collaborationRoutes(app: Express, { store, engine }: HttpDeps): void {
  app.post('/api/collaborations', async (req, res) => {
    const user = userOf(req);
    const outcome = await engine.createCollaboration({ kind: 'user', userId: user.id }, body(req, CreateCollaborationBody));
    if (outcome.status !== 'executed') throw new TrellisError(outcome.code, outcome.message);
    res.status(201).json({ ...outcome.collaboration, role: 'owner' });
  });

  app.get('/api/collaborations', async (req, res) => {
    const user = userOf(req);
    const page = await store.members.listForUser(user.id, query(req, PageQuery));
    res.json({ items: page.items.map((i) => ({ ...i.collaboration, role: i.role })), nextCursor: page.nextCursor });
  });

  app.get('/api/collaborations/:id', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    const { collab, role } = await memberAccess(store, id, userOf(req).id);
    res.json({ ...collab, role });
  });

  app.patch('/api/collaborations/:id', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    const user = userOf(req);
    await memberAccess(store, id, user.id);
    const params = body(req, PatchBody);
    executedOrThrow(await engine.run({ collaborationId: id, actor: { kind: 'user', userId: user.id }, name: 'updateCollaboration', params }));
    const { collab, role } = await memberAccess(store, id, user.id);
    res.json({ ...collab, role });
  });
}
