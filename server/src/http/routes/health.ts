// GET /api/health and GET /metrics.
import type { Express } from 'express';
import type { HttpDeps } from '../deps.ts';

export function healthRoutes(app: Express, deps: HttpDeps): void {
  app.get('/api/health', (_req, res) => {
    if (!deps.isReady()) return void res.status(503).json({ status: 'starting' });
    res.json({ status: 'ok' });
  });
  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(deps.metrics.render());
  });
}
