// Mounts every route module.
import type { Express } from 'express';
import type { HttpDeps } from '../deps.ts';
import { healthRoutes } from './health.ts';

export function mountRoutes(app: Express, deps: HttpDeps): void {
  healthRoutes(app, deps);
}
