// Assembles one server process from parsed config: store, auth, the action engine, REST and the
// sync endpoint on one HTTP port. main.ts calls it with the environment; tests call it directly.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Env } from '@trellis/schema';
import { splitPeerAddress } from '@trellis/schema';
import type { Engine } from '@trellis/engine';
import { createEngine } from '@trellis/engine';
import type { Logger } from '@trellis/runtime';
import { Metrics } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import { createSqliteWriteThread, openStore } from '@trellis/store';
import { createAuthenticator } from './auth/authenticator.ts';
import { loadDevSecret } from './auth/dev-secret.ts';
import { authMode } from './auth/mode.ts';
import { createHttpApp } from './http/app.ts';
import { routeChangeToEvents } from './http/change-events.ts';
import { EventHub } from './http/event-hub.ts';
import { Readiness } from './http/readiness.ts';
import { claimEmailInvites } from './invites/invites.ts';
import type { SyncLimits } from './sync/limits.ts';
import { RegistryTransport } from './sync/peers/registry-transport.ts';
import { SocketDirTransport } from './sync/peers/socket-dir-transport.ts';
import type { PeerTransport } from './sync/peers/peer-transport.ts';
import { SyncServer } from './sync/sync-server.ts';

export interface RunningServer {
  url: string;
  port: number;
  instanceId: string;
  store: Store;
  engine: Engine;
  sync: SyncServer;
  http: Server;
  /** Graceful stop: pending writes stored, sockets closed with 1012. */
  stop(): Promise<void>;
}

export type ServerConfig = Pick<Env, 'PORT' | 'HOST' | 'DATA_DIR' | 'STORE' | 'MONGODB_URL' | 'SUPABASE_URL' | 'SUPABASE_JWT_SECRET' | 'ALLOWED_ORIGINS' | 'MAX_PAYLOAD_BYTES' | 'MAX_DOC_BYTES' | 'NODE_ENV' | 'DEV_LOGIN' | 'TRUST_PROXY' | 'HISTORY_RETENTION_DAYS' | 'PEER_ADDRESS' | 'PEER_HOST' | 'PEER_SECRET'>;

const splitList = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export interface StartOptions {
  limits?: Partial<SyncLimits>;
  /** Readiness bounds (tests shorten them). */
  readiness?: { maxFeedLagMs?: number; probeTimeoutMs?: number };
}

/** How server processes link up directly: across machines with PEER_ADDRESS ([S14]); else processes
 *  sharing a SQLite DATA_DIR over Unix sockets there ([S10]), so fan-out need not wait for the disk. */
function peerTransport(cfg: ServerConfig, store: Store, instanceId: string, sqlite: boolean, logger: Logger): PeerTransport | null {
  if (cfg.PEER_ADDRESS !== undefined && cfg.PEER_SECRET !== undefined) {
    const bindHost = cfg.PEER_HOST ?? splitPeerAddress(cfg.PEER_ADDRESS)!.host;
    return new RegistryTransport({ registry: store.peers, instanceId, address: cfg.PEER_ADDRESS, bindHost, secret: Buffer.from(cfg.PEER_SECRET, 'utf8'), logger });
  }
  return sqlite ? new SocketDirTransport(join(cfg.DATA_DIR, 'peers'), instanceId, logger) : null;
}

export async function startServer(cfg: ServerConfig, logger: Logger, opts: StartOptions = {}): Promise<RunningServer> {
  const instanceId = `server-${randomUUID().slice(0, 8)}`;
  // Before the store opens: a production server without an identity provider does not start (SPEC [O1]).
  const supabase = authMode(cfg) === 'supabase';
  if (!supabase && cfg.NODE_ENV === 'production') logger.warn('DEV_LOGIN=1: serving development login in production; anyone reaching this server can sign in as any email');
  const store = await openStore(cfg);
  const metrics = new Metrics();
  // How long the event loop stalls (SPEC [H6]: no member's input may block it for the others).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  // Both read the interval since the previous scrape (the max gauge resets the histogram after it is read).
  metrics.gauge('trellis_event_loop_delay_p99_seconds', 'Event loop delay, 99th percentile since the previous scrape').set(() => loopDelay.percentile(99) / 1e9);
  metrics.gauge('trellis_event_loop_delay_max_seconds', 'Longest event loop delay since the previous scrape').set(() => {
    const max = loopDelay.max / 1e9;
    loopDelay.reset();
    return max;
  });
  const auth = createAuthenticator({
    supabaseUrl: cfg.SUPABASE_URL,
    supabaseJwtSecret: cfg.SUPABASE_JWT_SECRET,
    devSecret: supabase ? undefined : loadDevSecret(cfg.DATA_DIR),
    onUser: async (u, identity) => {
      await store.users.upsert(u);
      // [I2] A token carrying an invited, verified email claims its invites (engine set before any request).
      if (engine && identity.emailVerified) await claimEmailInvites({ store, engine, logger }, u.id, u.email);
    },
  });
  const events = new EventHub();
  // SQLite writes (lock waits, fsync) block; run the sync path's writes on a worker thread (restarted
  // if it dies; the main thread writes meanwhile).
  const writer = cfg.STORE === 'sqlite' ? createSqliteWriteThread(cfg.DATA_DIR, { logger }) : null;
  if (writer) {
    metrics.gauge('trellis_write_thread_fallback', '1 while sync-path writes run on the main thread (the SQLite write thread is restarting)').set(() => (writer.status().mode === 'main' ? 1 : 0));
    metrics.gauge('trellis_write_thread_restarts', 'SQLite write threads started after a death').set(() => writer.status().restarts);
  }
  // The engine and the sync server need each other: documents are edited through the live
  // registry, and edits arriving over sync feed the engine's rules, mentions and @ai.
  let engine: Engine | null = null;
  let ready = false;
  const readiness = new Readiness({ store, isLive: () => ready, ...opts.readiness });
  metrics.gauge('trellis_feed_lag_seconds', 'Seconds since the change feed was last current (readiness fails past its bound)').set(() => (readiness.feedLagMs() ?? 0) / 1000);
  const peers = peerTransport(cfg, store, instanceId, writer !== null, logger);
  const sync = new SyncServer({
    // The fan-out tails the feed through the readiness monitor: /api/ready knows whether it is current.
    store: { ...store, changes: readiness.monitor(store.changes) },
    auth, logger, metrics, instanceId,
    ...(writer ? { writes: writer } : {}),
    ...(peers ? { peers } : {}),
    allowedOrigins: cfg.ALLOWED_ORIGINS ? splitList(cfg.ALLOWED_ORIGINS) : null,
    limits: { maxPayloadBytes: cfg.MAX_PAYLOAD_BYTES, maxDocBytes: cfg.MAX_DOC_BYTES, historyRetentionMs: cfg.HISTORY_RETENTION_DAYS !== undefined ? cfg.HISTORY_RETENTION_DAYS * 86_400_000 : null, ...opts.limits },
    onEvents: (collaborationId, userId, docEvents) => {
      engine?.docEvents(collaborationId, { kind: 'user', userId }, docEvents).catch((err: unknown) => logger.error({ err, collaborationId }, 'document event handling failed'));
    },
    onChange: (change) => {
      routeChangeToEvents(change, store, events).catch((err: unknown) => logger.error({ err }, 'event delivery failed'));
    },
  });
  engine = createEngine({ store, docs: sync.registry, logger });

  // From source this file is server/src/server.ts; compiled, it is inside dist/server.js.
  const staticDir = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../client/dist' : '../client/dist', import.meta.url));
  const app = createHttpApp({ store, auth, engine, logger, metrics, events, isReady: () => ready, readiness, trustProxy: splitList(cfg.TRUST_PROXY), staticDir: existsSync(staticDir) ? staticDir : undefined });
  const http = createServer(app);
  http.on('upgrade', (req, socket, head) => sync.handleUpgrade(req, socket, head));
  http.on('clientError', (_err, socket) => socket.destroy());

  await sync.start();
  await new Promise<void>((resolve) => http.listen(cfg.PORT, cfg.HOST, resolve));
  ready = true;
  const port = (http.address() as AddressInfo).port;
  const running: RunningServer = {
    url: `http://${cfg.HOST}:${port}`, port, instanceId, store, engine, sync, http,
    async stop() {
      ready = false;
      http.close();
      events.closeAll();
      await sync.stop();
      http.closeAllConnections();
      await writer?.close();
      await store.close();
      loopDelay.disable();
    },
  };
  return running;
}
