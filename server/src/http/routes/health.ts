// GET /api/health (liveness), GET /api/ready (readiness, SPEC [O4]) and GET /metrics.
import type { Express } from 'express';
import type { HttpDeps } from '../deps.ts';

export function healthRoutes(app: Express, deps: HttpDeps): void {
  app.get('/api/health', (_req, res) => {
    if (!deps.isReady()) return void res.status(503).json({ status: 'starting' });
    res.json({ status: 'ok' });
  });
  app.get('/api/ready', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!deps.readiness) return void res.status(deps.isReady() ? 200 : 503).json({ status: deps.isReady() ? 'ready' : 'starting' });
    const r = await deps.readiness.check();
    res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'unavailable', store: r.store, feedLagMs: r.feedLagMs, ...(r.reason ? { reason: r.reason } : {}) });
  });
  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(deps.metrics.render());
  });
}
