// GET /api/openapi.json — the OpenAPI 3.1 document of this API (docs/API.md); public, like health.
import type { Express } from 'express';
import { openApiDocument } from '../openapi.ts';

export function openApiRoutes(app: Express): void {
  app.get('/api/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(openApiDocument());
  });
}
