// Direct links between server processes (SPEC [S10], [S14]): each process accepts and dials links
// over its transport (Unix sockets in a shared DATA_DIR, or TCP with the store's registry), so an
// applied update or a presence change reaches the other processes' clients without waiting for the
// commit and the change feed. The feed stays the source of truth for updates; every failure falls
// back to it.
import type { Socket } from 'node:net';
import type { Logger } from '@trellis/runtime';
import { encodePeerFrame } from './peer-frame.ts';
import type { DocFrame } from './peer-frame.ts';
import { PeerLink } from './peer-link.ts';
import type { DataFrame } from './peer-link.ts';
import type { PeerTarget, PeerTransport } from './peer-transport.ts';

const RESCAN_MS = 5_000;
/** A dial that has not connected by then is given up (an address that drops packets); the next scan retries. */
const DIAL_TIMEOUT_MS = 5_000;
/**
 * Connections others opened that have not finished their handshake yet: at most this many from one
 * address and this many in all (the oldest is closed for a new one), so strangers on the peer port
 * cannot crowd out the processes that link (SPEC [S14]).
 */
export const MAX_PENDING_PER_ADDRESS = 8;
export const MAX_PENDING = 64;

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
  /** Every link not yet closed, open or still in its handshake (closed on stop). */
  private readonly all = new Set<PeerLink>();
  private readonly dialing = new Set<string>();
  private readonly interests = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private scanning = false;
  private stopped = false;

  constructor(
    private readonly transport: PeerTransport,
    private readonly instanceId: string,
    private readonly events: PeerBusEvents,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (!(await this.transport.listen((socket) => this.attach(socket, null)))) return;
    void this.scan();
    this.timer = setInterval(() => void this.scan(), RESCAN_MS);
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
    for (const link of this.all) link.close();
    this.links.clear();
    await this.transport.close();
  }

  private async scan(): Promise<void> {
    if (this.stopped || this.scanning) return;
    this.scanning = true;
    try {
      for (const target of await this.transport.discover()) {
        if (this.stopped) return;
        if (target.peerId === this.instanceId || this.links.has(target.peerId) || this.dialing.has(target.peerId)) continue;
        this.dial(target);
      }
    } finally {
      this.scanning = false;
    }
  }

  private dial(target: PeerTarget): void {
    this.dialing.add(target.peerId);
    const socket = target.connect();
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('peer dial timed out'), { code: 'ETIMEDOUT' })), DIAL_TIMEOUT_MS);
    const failed = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      this.dialing.delete(target.peerId);
      target.unreachable?.(err);
    };
    socket.once('error', failed);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', failed);
      this.dialing.delete(target.peerId);
      this.attach(socket, target);
    });
  }

  /** `dialled`: the process this socket was dialled as, and where; null for a connection another process opened. */
  private attach(socket: Socket, dialled: PeerTarget | null): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    if (dialled === null && !this.admitPending(socket)) return;
    const link = new PeerLink(socket, dialled !== null, {
      instanceId: this.instanceId, secret: this.transport.secret, expectedPeerId: dialled?.peerId ?? null, acceptorAddress: dialled?.address ?? this.transport.ownAddress,
    }, {
      onHello: (l) => this.onHello(l),
      onFrame: (l, frame) => this.onFrame(l, frame),
      onClose: (l) => this.onClose(l),
    }, this.logger);
    this.all.add(link);
  }

  private admitPending(socket: Socket): boolean {
    const pending = [...this.all].filter((l) => !l.open && !l.dialedByUs);
    if (pending.filter((l) => l.remoteAddress === socket.remoteAddress).length >= MAX_PENDING_PER_ADDRESS) {
      socket.destroy();
      return false;
    }
    if (pending.length >= MAX_PENDING) pending[0]!.close();
    return true;
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

  private onFrame(link: PeerLink, frame: DataFrame): void {
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
    this.all.delete(link);
    const peerId = link.peerId;
    if (peerId === null || this.links.get(peerId) !== link) return;
    this.links.delete(peerId);
    if (!this.stopped) this.events.onPeerGone(peerId);
  }
}
