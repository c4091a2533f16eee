// GET /api/collaborations/:id/audit — the audit log, newest first, for owners.
import type { Express } from 'express';
import { ownerAccess } from '../access.ts';
import type { HttpDeps } from '../deps.ts';
import { userOf } from '../request-user.ts';
import { CollabPath, PageQuery, pathParams, query } from '../validate.ts';

export function auditRoutes(app: Express, { store }: HttpDeps): void {
  app.get('/api/collaborations/:id/audit', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    await ownerAccess(store, id, userOf(req).id);
    res.json(await store.audit.list(id, query(req, PageQuery)));
  });
}
