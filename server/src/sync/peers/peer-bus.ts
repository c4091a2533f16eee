// Direct links between the server processes that share one SQLite DATA_DIR (SPEC [S10]): each
// listens on a Unix socket in DATA_DIR/peers and dials the others, so an applied update reaches
// the other processes' clients without waiting for the commit and the change-feed poll. The feed
// stays the source of truth; this is only the fast path, and every failure falls back to it.
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '@trellis/runtime';
import { encodePeerFrame } from './peer-frame.ts';
import type { DocFrame, PeerFrame } from './peer-frame.ts';
import { PeerLink } from './peer-link.ts';

/** Linux's sun_path is 108 bytes; a longer DATA_DIR disables the fast path. */
const MAX_SOCKET_PATH = 100;
const RESCAN_MS = 5_000;
/** A socket file nobody listens on is removed only once it is this old (a peer may be starting). */
const STALE_AFTER_MS = 10_000;

export interface PeerBusEvents {
  /** Another process applied and forwarded this update (it stores it itself). */
  onUpdate(peerId: string, collaborationId: string, update: Uint8Array): void;
  /** Presence of another process's clients. */
  onAwareness(collaborationId: string, update: Uint8Array): void;
  /** A peer loaded this document: it wants our clients' presence now, not at their next renewal. */
  onInterest(peerId: string, collaborationId: string): void;
  /** The link to a process ended (it stopped, died, or fell behind). */
  onPeerGone(peerId: string): void;
}

export class PeerBus {
  private readonly links = new Map<string, PeerLink>();
  private readonly dialing = new Set<string>();
  private readonly interests = new Set<string>();
  private server: Server | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly socketPath: string;
  private stopped = false;

  constructor(
    private readonly dir: string,
    private readonly instanceId: string,
    private readonly events: PeerBusEvents,
    private readonly logger: Logger,
  ) {
    this.socketPath = join(dir, `${instanceId}.sock`);
  }

  async start(): Promise<void> {
    if (this.socketPath.length > MAX_SOCKET_PATH) {
      this.logger.warn({ path: this.socketPath }, 'DATA_DIR path too long for a Unix socket; other processes get updates through the change feed only');
      return;
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const server = createServer((socket) => this.attach(socket, false));
    server.on('error', (err) => this.logger.error({ err }, 'peer listener error'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.scan();
    this.timer = setInterval(() => this.scan(), RESCAN_MS);
    this.timer.unref();
  }

  /** Peers currently linked (for tests and metrics). */
  get peerIds(): string[] {
    return [...this.links.keys()];
  }

  /** Forward an update or presence change to every peer that has the document loaded. */
  publish(frame: DocFrame): void {
    let bytes: Buffer | null = null;
    for (const link of this.links.values()) {
      if (!link.interests.has(frame.collaborationId)) continue;
      bytes ??= encodePeerFrame(frame);
      link.sendEncoded(bytes);
    }
  }

  /** Some peer has the document loaded (worth encoding something for it). */
  wants(collaborationId: string): boolean {
    for (const link of this.links.values()) if (link.interests.has(collaborationId)) return true;
    return false;
  }

  sendTo(peerId: string, frame: DocFrame): void {
    this.links.get(peerId)?.send(frame);
  }

  /** This process loaded (or unloaded) a document: peers should (no longer) forward its updates. */
  setInterest(collaborationId: string, on: boolean): void {
    if (on) this.interests.add(collaborationId);
    else this.interests.delete(collaborationId);
    if (this.links.size === 0) return;
    const bytes = encodePeerFrame({ type: 'interest', collaborationId, on });
    for (const link of this.links.values()) link.sendEncoded(bytes);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const link of this.links.values()) link.close();
    this.links.clear();
    if (this.server) {
      const server = this.server;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private scan(): void {
    if (this.stopped) return;
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (err) {
      this.logger.warn({ err }, 'cannot list peer sockets');
      return;
    }
    for (const name of names) {
      if (!name.endsWith('.sock')) continue;
      const peerId = name.slice(0, -'.sock'.length);
      if (peerId === this.instanceId || this.links.has(peerId) || this.dialing.has(peerId)) continue;
      this.dial(peerId, join(this.dir, name));
    }
  }

  private dial(peerId: string, path: string): void {
    this.dialing.add(peerId);
    const socket = createConnection(path);
    const failed = (err: NodeJS.ErrnoException) => {
      this.dialing.delete(peerId);
      if (err.code === 'ECONNREFUSED') this.removeIfStale(path);
    };
    socket.once('error', failed);
    socket.once('connect', () => {
      socket.off('error', failed);
      this.dialing.delete(peerId);
      this.attach(socket, true);
    });
  }

  private removeIfStale(path: string): void {
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS) unlinkSync(path);
    } catch {
      // Already gone.
    }
  }

  private attach(socket: Socket, dialedByUs: boolean): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    new PeerLink(socket, dialedByUs, this.instanceId, {
      onHello: (link) => this.onHello(link),
      onFrame: (link, frame) => this.onFrame(link, frame),
      onClose: (link) => this.onClose(link),
    }, this.logger);
  }

  private onHello(link: PeerLink): void {
    const peerId = link.peerId!;
    const existing = this.links.get(peerId);
    // Two processes that dialed each other at once: both keep the link dialed by the smaller id.
    if (existing && existing !== link) {
      const keepNew = link.dialedByUs === this.instanceId < peerId;
      if (!keepNew) return link.close();
      this.links.set(peerId, link);
      existing.close();
    } else {
      this.links.set(peerId, link);
    }
    for (const collaborationId of this.interests) link.send({ type: 'interest', collaborationId, on: true });
  }

  private onFrame(link: PeerLink, frame: Exclude<PeerFrame, { type: 'hello' }>): void {
    switch (frame.type) {
      case 'interest':
        if (!frame.on) {
          link.interests.delete(frame.collaborationId);
        } else if (!link.interests.has(frame.collaborationId)) {
          link.interests.add(frame.collaborationId);
          this.events.onInterest(link.peerId!, frame.collaborationId);
        }
        return;
      case 'update':
        this.events.onUpdate(link.peerId!, frame.collaborationId, frame.update);
        return;
      case 'awareness':
        this.events.onAwareness(frame.collaborationId, frame.update);
        return;
      default: {
        const never: never = frame;
        throw new Error(`unhandled peer frame ${JSON.stringify(never)}`);
      }
    }
  }

  private onClose(link: PeerLink): void {
    const peerId = link.peerId;
    if (peerId === null || this.links.get(peerId) !== link) return;
    this.links.delete(peerId);
    if (!this.stopped) this.events.onPeerGone(peerId);
  }
}
