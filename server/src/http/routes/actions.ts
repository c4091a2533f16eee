// POST /api/collaborations/:id/actions/:name — run a named action through the engine. An optional
// Idempotency-Key header makes retries safe: the same key returns the first outcome.
import type { Express } from 'express';
import { z } from 'zod';
import { ActionBody, idString } from '@trellis/schema';
import { memberAccess } from '../access.ts';
import type { HttpDeps } from '../deps.ts';
import { sendOutcome } from '../outcome.ts';
import { userOf } from '../request-user.ts';
import { body, parse, pathParams } from '../validate.ts';

export const ActionPath = z.strictObject({ id: idString, name: z.string().regex(/^[A-Za-z]{1,64}$/, 'unknown action') });
export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_:.-]{1,200}$/, 'must be 1-200 characters of A-Z a-z 0-9 _ : . -').optional();

export function actionRoutes(app: Express, { store, engine }: HttpDeps): void {
  app.post('/api/collaborations/:id/actions/:name', async (req, res) => {
    const { id, name } = pathParams(req, ActionPath);
    const user = userOf(req);
    await memberAccess(store, id, user.id);
    const input = body(req, ActionBody);
    const idempotencyKey = parse(IdempotencyKey, req.get('idempotency-key'), 'query');
    const outcome = await engine.run({
      collaborationId: id,
      actor: { kind: 'user', userId: user.id },
      name,
      params: input.params,
      reason: input.reason,
      idempotencyKey,
    });
    sendOutcome(res, outcome);
  });
}
