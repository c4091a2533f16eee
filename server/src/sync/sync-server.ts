// The sync endpoint: a `ws` server in noServer mode wired to our upgrade check, one Connection per
// socket, the document registry, fan-out and liveness. Framework-free; main.ts attaches it to the
// HTTP server's 'upgrade' event.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import type WebSocket from 'ws';
import { CLOSE, TrellisError } from '@trellis/schema';
import type { Change, DocEvent } from '@trellis/schema';
import type { Logger, Metrics } from '@trellis/runtime';
import { redactUrl } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import type { Authenticator } from '../auth/authenticator.ts';
import { Connection, memberKey } from './connection.ts';
import { MemberSockets } from './member-sockets.ts';
import { Fanout } from './fanout.ts';
import type { SyncLimits } from './limits.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { flushEditAudit } from './edit-audit.ts';
import { clientIdAllowance, overrunForgiveness } from './member-budget.ts';
import { DEFAULT_GATE_LIMITS } from './gate/apply-gated.ts';
import { PreflightThread } from './gate/preflight-thread.ts';
import { preflightLimits } from './gate/preflight-update.ts';
import { PenaltyBox } from './penalty-box.ts';
import { PeerRelay } from './peers/peer-relay.ts';
import type { PeerTransport } from './peers/peer-transport.ts';
import { Persister } from './persister.ts';
import { PresenceRelay } from './presence-relay.ts';
import { storeWrites } from './sync-writes.ts';
import type { SyncWrites } from './sync-writes.ts';
import { DocRegistry } from './registry.ts';
import { createSyncMetrics } from './sync-metrics.ts';
import { authorizeUpgrade, refuseUpgrade } from './upgrade.ts';
import type { UpgradeTarget } from './upgrade.ts';

/** Large updates waiting for the pre-flight thread before more are turned away (1013). */
const PREFLIGHT_MAX_QUEUED = 64;

/** setTimeout's ceiling (~24.8 days): a longer-lived token is re-checked on the next connection then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SyncServerDeps {
  store: Store;
  auth: Authenticator;
  logger: Logger;
  metrics: Metrics;
  instanceId: string;
  allowedOrigins: string[] | null;
  limits?: Partial<SyncLimits>;
  onEvents?: (collaborationId: string, userId: string, events: DocEvent[]) => void;
  onChange?: (change: Change) => void;
  /** Where the sync path writes; defaults to the store's methods. */
  writes?: SyncWrites;
  /** How this process links up with the other server processes directly ([S10], [S14]). */
  peers?: PeerTransport;
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

export class SyncServer {
  readonly registry: DocRegistry;
  private readonly wss: WebSocketServer;
  private readonly persister: Persister;
  private readonly fanout: Fanout;
  private readonly limits: SyncLimits;
  private readonly conns = new MemberSockets();
  private readonly presence: PresenceRelay;
  private readonly writes: SyncWrites;
  private readonly penalties = new PenaltyBox();
  private readonly preflight: PreflightThread;
  readonly relay: PeerRelay | null;
  private pingTimer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(private readonly deps: SyncServerDeps) {
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits };
    const metrics = createSyncMetrics(deps.metrics);
    metrics.connections.set(() => this.conns.size);
    this.writes = deps.writes ?? storeWrites(deps.store);
    this.presence = new PresenceRelay(this.writes.publishPresence, deps.instanceId, deps.logger);
    this.persister = new Persister(this.writes.appendBatch, deps.instanceId, deps.logger, deps.metrics, this.limits.persistOverloadBytes);
    this.preflight = new PreflightThread({
      limits: preflightLimits(DEFAULT_GATE_LIMITS), deadlineMs: this.limits.preflightDeadlineMs, maxQueued: PREFLIGHT_MAX_QUEUED, logger: deps.logger,
    });
    metrics.preflightRestarts.set(() => this.preflight.restarts);
    this.relay = deps.peers
      ? new PeerRelay({
        transport: deps.peers, instanceId: deps.instanceId, logger: deps.logger, metrics,
        apply: (id, update) => this.registry.applyRelayed(id, update),
        store: (id, update) => this.persister.enqueue(id, update),
        applyAwareness: (id, update) => this.registry.applyRemoteAwareness(id, update),
        localAwareness: (id) => this.registry.get(id)?.localAwareness() ?? null,
      })
      : null;
    this.registry = new DocRegistry({
      store: deps.store, persister: this.persister, limits: this.limits, logger: deps.logger, metrics, putProjections: this.writes.putProjections, setKv: this.writes.setKv, compact: this.writes.compact, relay: this.relay,
      onEvents: (id, userId, events) => deps.onEvents?.(id, userId, events),
      onAbuse: (conn, all = false) => {
        this.penalties.penalize(conn.memberKey);
        // The penalty holds back the member's next upgrades; for an offence of cost, the sockets they
        // already hold here go too, or a member with many sockets would pay once for all ([H6], [H16]).
        if (all) for (const other of this.conns.siblingsOf(conn)) other.close(CLOSE.rateLimited, 'too much work: slow down');
      },
      preflight: this.preflight,
      clientIds: clientIdAllowance(this.limits.newClientIdsPerDay),
      overruns: overrunForgiveness(),
      onLocalAwareness: (doc, ids) => {
        // Links that reach every process carry presence alone: it never touches the store ([S14]).
        if (!this.relay?.carriesPresence) this.presence.changed(doc, ids);
        this.relay?.publishAwareness(doc.id, () => awarenessProtocol.encodeAwarenessUpdate(doc.awareness, ids));
      },
    });
    this.fanout = new Fanout({
      store: deps.store, registry: this.registry, instanceId: deps.instanceId, logger: deps.logger, onLag: (s) => metrics.fanoutLag.observe(s),
      ...(deps.onChange ? { onChange: deps.onChange } : {}),
    });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxPayloadBytes, perMessageDeflate: false });
    this.wss.on('error', (err) => deps.logger.error({ err }, 'websocket server error'));
  }

  async start(): Promise<void> {
    await this.fanout.start();
    await this.relay?.start();
    this.pingTimer = setInterval(() => this.ping(), this.limits.pingIntervalMs);
    this.pingTimer.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Errors on the raw socket before the upgrade completes must not reach the process. The
    // listener stays for the socket's life: a closure here would keep the upgrade request with it.
    socket.on('error', destroySocket);
    if (this.closing) return refuseUpgrade(socket, 503);
    authorizeUpgrade(req, { auth: this.deps.auth, store: this.deps.store, allowedOrigins: this.deps.allowedOrigins }).then(
      (target) => {
        if ('status' in target) return refuseUpgrade(socket, target.status);
        // [H6] a member cut off for too much work waits before reconnecting.
        if (this.penalties.waitFor(memberKey(target.user.id, target.collaborationId)) > 0) return refuseUpgrade(socket, 429);
        this.wss.handleUpgrade(req, socket, head, (ws) => void this.attach(ws, target));
      },
      (err: unknown) => {
        this.deps.logger.error({ err, url: redactUrl(req.url ?? '') }, 'upgrade failed');
        refuseUpgrade(socket, 503);
      },
    );
  }

  private async attach(ws: WebSocket, target: UpgradeTarget): Promise<void> {
    const { collaborationId } = target;
    const conn = new Connection(ws, collaborationId, target.user.id, target.role, target.ack, this.limits);
    this.conns.add(conn);
    // A socket lives no longer than the token that opened it; the client reconnects with a fresh one.
    const expiry = setTimeout(() => conn.close(CLOSE.policyViolation, 'token expired'), Math.min(Math.max(0, target.expiresAt - Date.now()), MAX_TIMER_MS));
    expiry.unref();
    const early: Uint8Array[] = [];
    let live: Awaited<ReturnType<DocRegistry['acquire']>> | null = null;
    ws.on('error', (err) => {
      this.deps.logger.debug({ err, collaborationId }, 'socket error');
      conn.terminate();
    });
    ws.on('pong', () => (conn.alive = true));
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) return conn.close(CLOSE.unsupportedData, 'binary frames only');
      const bytes = toBytes(data);
      if (live) {
        // One member's frame must never take the process down: whatever escapes the handlers
        // closes that connection only.
        try {
          live.handleMessage(conn, bytes);
        } catch (err) {
          this.deps.logger.error({ err, collaborationId, userId: conn.userId }, 'a sync frame failed; closing that connection');
          conn.close(CLOSE.internalError, 'internal error');
        }
      }
      else if (early.length < 16) early.push(bytes);
      else conn.close(CLOSE.tryAgainLater, 'too many messages before the document loaded');
    });
    ws.on('close', () => {
      clearTimeout(expiry);
      conn.closed = true;
      this.conns.delete(conn);
      live?.removeConnection(conn);
      void flushEditAudit(this.writes.appendAudit, [conn], this.deps.logger);
    });
    try {
      live = await this.registry.acquire(collaborationId);
    } catch (err) {
      this.deps.logger.error({ err, collaborationId }, 'document failed to load; refusing the connection');
      return conn.close(err instanceof TrellisError ? err.wsCloseCode : CLOSE.internalError, 'document unavailable');
    }
    // Closed while the document loaded: nobody attaches, so nothing else would unload it ([S6]).
    if (conn.closed) return this.registry.release(live);
    live.addConnection(conn);
    for (const bytes of early) {
      try {
        live.handleMessage(conn, bytes);
      } catch (err) {
        this.deps.logger.error({ err, collaborationId, userId: conn.userId }, 'a sync frame failed; closing that connection');
        return conn.close(CLOSE.internalError, 'internal error');
      }
    }
  }

  private ping(): void {
    void flushEditAudit(this.writes.appendAudit, this.conns, this.deps.logger);
    for (const conn of this.conns) {
      if (!conn.alive) {
        conn.terminate();
        continue;
      }
      conn.alive = false;
      try {
        conn.ws.ping();
      } catch {
        conn.terminate();
      }
    }
  }

  /** Graceful shutdown (SPEC [S8]): refuse new sockets, store pending writes, close with 1012. */
  async stop(): Promise<void> {
    this.closing = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    await this.registry.flush();
    await this.relay?.stop();
    await flushEditAudit(this.writes.appendAudit, this.conns, this.deps.logger);
    for (const conn of this.conns) conn.close(CLOSE.serviceRestart, 'server restarting');
    await this.preflight.close();
    this.presence.stop();
    await this.fanout.stop();
    this.wss.close();
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
