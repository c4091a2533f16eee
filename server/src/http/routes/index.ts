// Mounts every route module. Order matters: health, the OpenAPI document and dev login are public;
// everything else under /api needs a user token; unknown /api paths are JSON 404s.
import type { Express } from 'express';
import { TrellisError } from '@trellis/schema';
import type { HttpDeps } from '../deps.ts';
import { UserRateLimit } from '../rate-limit.ts';
import { requireUser } from '../request-user.ts';
import { actionRoutes } from './actions.ts';
import { approvalRoutes } from './approvals.ts';
import { auditRoutes } from './audit.ts';
import { checkinRoutes } from './checkins.ts';
import { collaborationRoutes } from './collaborations.ts';
import { eventRoutes } from './events.ts';
import { governanceRoutes } from './governance.ts';
import { healthRoutes } from './health.ts';
import { HISTORY_BURST, HISTORY_PER_SECOND, historyRoutes } from './history.ts';
import { inviteRoutes } from './invites.ts';
import { devLoginRoute, meRoutes } from './me.ts';
import { memberRoutes } from './members.ts';
import { notificationRoutes } from './notifications.ts';
import { openApiRoutes } from './openapi.ts';

export function mountRoutes(app: Express, deps: HttpDeps): void {
  healthRoutes(app, deps);
  openApiRoutes(app);
  devLoginRoute(app, deps);
  // Without development auth the route does not exist: 404 whatever the token.
  app.all('/api/dev/login', notFound);
  app.use('/api', requireUser(deps.auth));
  meRoutes(app, deps);
  collaborationRoutes(app, deps);
  // Invites by email or link share one budget per owner; accepting has its own ([I4]).
  const inviteLimits = { create: new UserRateLimit(20, 20 / 3600, 'invites'), accept: new UserRateLimit(10, 10 / 60, 'invite attempts') };
  memberRoutes(app, deps, inviteLimits.create);
  inviteRoutes(app, deps, inviteLimits);
  actionRoutes(app, deps);
  governanceRoutes(app, deps);
  approvalRoutes(app, deps);
  notificationRoutes(app, deps);
  checkinRoutes(app, deps);
  auditRoutes(app, deps);
  // Reading the past and undoing share one budget per member ([A11]): a person browsing never meets it.
  historyRoutes(app, deps, new UserRateLimit(HISTORY_BURST, HISTORY_PER_SECOND, 'history requests'));
  eventRoutes(app, deps);
  app.use('/api', notFound);
}

function notFound(): never {
  throw new TrellisError('not_found', 'no such route');
}
