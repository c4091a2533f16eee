// The Express app: JSON parsing with limits, request ids, routes, JSON errors. Framework glue only;
// the domain lives in @trellis/engine and the store.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import type { Express } from 'express';
import { bodyGuard } from './body-guard.ts';
import type { HttpDeps } from './deps.ts';
import { errorHandler } from './errors.ts';
import { requestIds } from './request-id.ts';
import { mountRoutes } from './routes/index.ts';

export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestIds(deps.logger));
  app.use('/api', express.json({ limit: '256kb', strict: true }), bodyGuard());
  mountRoutes(app, deps);
  if (deps.staticDir && existsSync(deps.staticDir)) serveWebApp(app, deps.staticDir);
  app.use(errorHandler(deps.logger));
  return app;
}

/** The built web app, with client-side routes falling back to index.html. */
function serveWebApp(app: Express, dir: string): void {
  app.use(express.static(dir, { index: 'index.html', maxAge: '1h' }));
  app.get(/^\/(?!api\/|sync\/|metrics$).*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dir, 'index.html'));
  });
}
