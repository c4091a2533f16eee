// Policy and rules: members read them, owners replace them (through the engine's setPolicy /
// setRules, which validate rules and assign authors). Defaults are shown beside the overrides.
import type { Express } from 'express';
import { actionParams, DEFAULT_POLICY } from '@trellis/schema';
import { memberAccess } from '../access.ts';
import type { HttpDeps } from '../deps.ts';
import { executedOrThrow } from '../outcome.ts';
import { userOf } from '../request-user.ts';
import { body, CollabPath, pathParams } from '../validate.ts';

export function governanceRoutes(app: Express, { store, engine }: HttpDeps): void {
  app.get('/api/collaborations/:id/policy', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    const { collab } = await memberAccess(store, id, userOf(req).id);
    res.json({ policy: collab.policy, defaults: DEFAULT_POLICY });
  });

  app.put('/api/collaborations/:id/policy', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    const user = userOf(req);
    await memberAccess(store, id, user.id);
    const params = body(req, actionParams.setPolicy);
    executedOrThrow(await engine.run({ collaborationId: id, actor: { kind: 'user', userId: user.id }, name: 'setPolicy', params }));
    const { collab } = await memberAccess(store, id, user.id);
    res.json({ policy: collab.policy, defaults: DEFAULT_POLICY });
  });

  app.get('/api/collaborations/:id/rules', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    const { collab } = await memberAccess(store, id, userOf(req).id);
    res.json({ rules: collab.rules });
  });

  app.put('/api/collaborations/:id/rules', async (req, res) => {
    const { id } = pathParams(req, CollabPath);
    const user = userOf(req);
    await memberAccess(store, id, user.id);
    const params = body(req, actionParams.setRules);
    executedOrThrow(await engine.run({ collaborationId: id, actor: { kind: 'user', userId: user.id }, name: 'setRules', params }));
    const { collab } = await memberAccess(store, id, user.id);
    res.json({ rules: collab.rules });
  });
}
