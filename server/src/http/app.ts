// The Express app: JSON parsing with limits, request ids, routes, JSON errors. Framework glue only;
// the domain lives in @trellis/engine and the store.
import express from 'express';
import type { Express } from 'express';
import type { HttpDeps } from './deps.ts';
import { errorHandler } from './errors.ts';
import { requestIds } from './request-id.ts';
import { mountRoutes } from './routes/index.ts';

export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestIds(deps.logger));
  app.use('/api', express.json({ limit: '256kb', strict: true }));
  mountRoutes(app, deps);
  app.use(errorHandler(deps.logger));
  return app;
}
