// What the HTTP layer needs from the composition root.
import type { Engine } from '@trellis/engine';
import type { Logger, Metrics } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import type { Authenticator } from '../auth/authenticator.ts';
import type { EventHub } from './event-hub.ts';
import type { Readiness } from './readiness.ts';

export interface HttpDeps {
  store: Store;
  auth: Authenticator;
  engine: Engine;
  logger: Logger;
  metrics: Metrics;
  /** Server-sent events for GET /api/events; fed from the change feed by the composition root. */
  events: EventHub;
  /** True once the server accepts sync connections (health). */
  isReady: () => boolean;
  /** GET /api/ready: store and change feed; without it, readiness is liveness. */
  readiness?: Readiness | undefined;
  /** Proxies (addresses, CIDR ranges, loopback/linklocal/uniquelocal) whose X-Forwarded-* headers are trusted; none by default. */
  trustProxy?: readonly string[] | undefined;
  /** Built web app to serve at `/`, if present. */
  staticDir?: string | undefined;
}
