// Collaborations: create (caller becomes owner), list mine, get one with my role, update settings.
import type { Express } from 'express';
import { z } from 'zod';
import { Collaboration as CollaborationSchema, CollaborationSettings, CreateCollaborationBody, isTimeZone, newId, TrellisError } from '@trellis/schema';
import type { Collaboration } from '@trellis/schema';
import { memberAccess, ownerAccess } from '../access.ts';
import { auditWrite } from '../audit-write.ts';
import type { HttpDeps } from '../deps.ts';
import { userOf } from '../request-user.ts';
import { body, CollabPath, PageQuery, pathParams, query } from '../validate.ts';

/** Like the schema package's UpdateCollaborationBody, except that an omitted time zone stays
 *  omitted: there, `timeZone` keeps its `.default('UTC')`, so `{settings:{aiCheckins:false}}`
 *  would silently reset the zone to UTC. */
export const PatchBody = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  settings: z.strictObject({
    timeZone: z.string().min(1).max(64).refine(isTimeZone, 'unknown IANA time zone').optional(),
    aiCheckins: z.boolean().optional(),
  }).optional(),
  archived: z.boolean().optional(),
});

export function collaborationRoutes(app: Express, { store, logger }: HttpDeps): void {
  app.post('/api/collaborations', async (req, res) => {
    const user = userOf(req);
    const input = body(req, CreateCollaborationBody);
    const now = new Date().toISOString();
    const collab: Collaboration = CollaborationSchema.parse({
      id: newId('col'), title: input.title, ownerId: user.id, settings: CollaborationSettings.parse(input.settings ?? {}),
      policy: {}, rules: [], archived: false, createdAt: now, updatedAt: now,
    });
    await store.collaborations.create(collab);
    await auditWrite(store, logger, { collaborationId: collab.id, actor: { kind: 'user', userId: user.id }, kind: 'membership', action: 'createCollaboration', outcome: 'executed', detail: { title: collab.title } });
    res.status(201).json({ ...collab, role: 'owner' });
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
    const { collab } = await ownerAccess(store, id, user.id);
    const input = body(req, PatchBody);
    const patch: Partial<Pick<Collaboration, 'title' | 'settings' | 'archived'>> = {};
    if (input.title !== undefined) patch.title = input.title;
    if (input.archived !== undefined) patch.archived = input.archived;
    if (input.settings) {
      patch.settings = {
        timeZone: input.settings.timeZone ?? collab.settings.timeZone,
        aiCheckins: input.settings.aiCheckins ?? collab.settings.aiCheckins,
      };
    }
    const updated = Object.keys(patch).length > 0 ? await store.collaborations.update(id, patch) : collab;
    if (!updated) throw new TrellisError('not_found', 'collaboration not found');
    await auditWrite(store, logger, { collaborationId: id, actor: { kind: 'user', userId: user.id }, kind: 'action', action: 'updateCollaboration', outcome: 'executed', detail: { patch } });
    res.json({ ...updated, role: 'owner' });
  });
}
