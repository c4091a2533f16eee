// An HTTP server process that SIGKILLs itself right after an invite use is taken, before the
// member is added: the two steps of accepting a link that must both happen (SPEC [I3]). Prints its
// port on stdout. Wired like the composition root (real SQLite store, engine, app, dev login).
import type { AddressInfo } from 'node:net';
import { createEngine, createStoreDocHost } from '@trellis/engine';
import { createLogger, Metrics } from '@trellis/runtime';
import { createSqliteStore } from '@trellis/store';
import type { Store } from '@trellis/store';
import { createAuthenticator } from '../auth/authenticator.ts';
import { loadDevSecret } from '../auth/dev-secret.ts';
import { createHttpApp } from '../http/app.ts';
import { EventHub } from '../http/event-hub.ts';

const dataDir = process.argv[2]!;
const real = createSqliteStore({ dataDir });
const store: Store = {
  ...real,
  invites: { ...real.invites, async use(...a) {
    const taken = await real.invites.use(...a);
    if (taken.ok) process.kill(process.pid, 'SIGKILL');
    return taken;
  } },
};
const logger = createLogger({ level: 'silent', name: 'accept-crash-child' });
const engine = createEngine({ store, docs: createStoreDocHost(store, logger), logger });
const auth = createAuthenticator({ devSecret: loadDevSecret(dataDir), onUser: (u) => store.users.upsert(u) });
const app = createHttpApp({ store, auth, engine, logger, metrics: new Metrics(), events: new EventHub(), isReady: () => true });
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
