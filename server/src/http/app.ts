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

/** The built web app, with client-side routes falling back to index.html. */
function serveWebApp(app: Express, dir: string): void {
  // Hashed assets may be cached; the shell, the service worker and the manifest must revalidate
  // or browsers keep an old app for the cache lifetime after a deploy.
  const revalidate = /(^|\/)(index\.html|sw\.js|workbox-[^/]*\.js|registerSW\.js|manifest\.webmanifest)$/;
  app.use(
    express.static(dir, {
      index: 'index.html',
      maxAge: '1h',
      setHeaders: (res, path) => {
        if (revalidate.test(path)) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  app.get(/^\/(?!api\/|sync\/|metrics$).*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dir, 'index.html'));
  });
}
