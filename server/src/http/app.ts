// The Express app: JSON parsing with limits, request ids, routes, JSON errors. Framework glue only;
// the domain lives in @trellis/engine and the store.
import { existsSync } from 'node:fs';
import express from 'express';
import type { Express } from 'express';
import { bodyGuard } from './body-guard.ts';
import type { HttpDeps } from './deps.ts';
import { errorHandler } from './errors.ts';
import { requestIds } from './request-id.ts';
import { mountRoutes } from './routes/index.ts';
import { serveWebApp } from './web-app.ts';

export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // X-Forwarded-For/Proto decide req.ip and req.protocol only when the connection comes from a
  // configured proxy (TRUST_PROXY, SPEC [O3]); from anyone else a client could claim any address.
  app.set('trust proxy', deps.trustProxy && deps.trustProxy.length > 0 ? [...deps.trustProxy] : false);
  app.use(requestIds(deps.logger));
  app.use('/api', express.json({ limit: '256kb', strict: true }), bodyGuard());
  mountRoutes(app, deps);
  if (deps.staticDir && existsSync(deps.staticDir)) serveWebApp(app, deps.staticDir);
  app.use(errorHandler(deps.logger));
  return app;
}
