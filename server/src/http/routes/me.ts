// GET /api/me, and POST /api/dev/login — which exists only in development auth (no Supabase).
import type { Express } from 'express';
import { z } from 'zod';
import type { HttpDeps } from '../deps.ts';
import { userOf } from '../request-user.ts';
import { body } from '../validate.ts';

export const DevLoginBody = z.strictObject({ email: z.email().max(320) });

/** Mounted before authentication: logging in needs no token. */
export function devLoginRoute(app: Express, { auth }: HttpDeps): void {
  const devLogin = auth.devLogin;
  if (!devLogin) return;
  app.post('/api/dev/login', async (req, res) => {
    const { email } = body(req, DevLoginBody);
    res.json(await devLogin(email));
  });
}

export function meRoutes(app: Express, { store }: HttpDeps): void {
  app.get('/api/me', async (req, res) => {
    const user = userOf(req);
    res.json({ user, unreadNotifications: await store.notifications.unreadCount(user.id) });
  });
}
