// One connection to another server process: a handshake (hello both ways, then, with a shared
// secret, a proof both ways: SPEC [S14]), then interest, update and awareness frames. Nothing but
// the handshake is read before the link is open, and only handshake-sized frames; a malformed
// frame, a failed or slow handshake, a slow or silent peer or a socket error ends this link only.
import type { Socket } from 'node:net';
import type { Logger } from '@trellis/runtime';
import { PeerInstanceId } from '@trellis/schema';
import { NONCE_BYTES, newNonce, peerProof, proofHolds } from './peer-auth.ts';
import type { HelloSide } from './peer-auth.ts';
import { encodePeerFrame, MAX_HANDSHAKE_FRAME_BYTES, MAX_PEER_FRAME_BYTES, PEER_PROTOCOL_VERSION, PeerFrameReader } from './peer-frame.ts';
import type { PeerFrame } from './peer-frame.ts';

/** A peer that cannot take this much buffered data is dropped; it still has the change feed. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** A link not open by then is closed (a stranger holding a connection, a peer that hangs). */
const HANDSHAKE_MS = 2_000;
/** An open link pings this often; one that has heard nothing for SILENT_MS is dead (a machine gone
 *  without closing its sockets), so what its peer forwarded is stored here soon ([S10] ledger). */
export const DEFAULT_HEARTBEAT = { everyMs: 5_000, silentMs: 15_000 };

const PING = encodePeerFrame({ type: 'ping' });

export interface PeerLinkEvents {
  /** The peer said who it is and, with a secret, proved it: the link is open. */
  onHello(link: PeerLink): void;
  onFrame(link: PeerLink, frame: DataFrame): void;
  onClose(link: PeerLink): void;
}

/** The frames an open link carries. */
export type DataFrame = Exclude<PeerFrame, { type: 'hello' | 'auth' | 'ping' }>;

export interface PeerLinkOptions {
  instanceId: string;
  /** The secret the peer must prove it holds (null: the transport already limits who connects). */
  secret: Buffer | null;
  /** Dialled as this process (from its socket name or registry record): a hello naming another is refused. */
  expectedPeerId: string | null;
  /** The accepting side's address as this process knows it: dialled at (dialler) or its own (acceptor). */
  acceptorAddress: string;
  heartbeat?: { everyMs: number; silentMs: number };
}

export class PeerLink {
  peerId: string | null = null;
  /** Documents the peer has loaded: the only ones whose updates it wants. */
  readonly interests = new Set<string>();
  private readonly reader = new PeerFrameReader();
  private readonly own: HelloSide;
  private peerHello: HelloSide | null = null;
  private state: 'hello' | 'auth' | 'open' = 'hello';
  private closed = false;
  private readonly handshakeTimer: NodeJS.Timeout;
  private heartbeat: NodeJS.Timeout | null = null;
  private lastHeard = Date.now();

  constructor(
    private readonly socket: Socket,
    readonly dialedByUs: boolean,
    private readonly opts: PeerLinkOptions,
    private readonly events: PeerLinkEvents,
    private readonly logger: Logger,
  ) {
    this.reader.maxFrameBytes = MAX_HANDSHAKE_FRAME_BYTES;
    this.own = { role: dialedByUs ? 'dialer' : 'acceptor', instanceId: opts.instanceId, nonce: newNonce(), address: dialedByUs ? '' : opts.acceptorAddress };
    this.handshakeTimer = setTimeout(() => this.refuse('no handshake in time'), HANDSHAKE_MS);
    this.handshakeTimer.unref();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.logger.debug({ err, peerId: this.peerId }, 'peer link error'));
    socket.on('close', () => {
      this.stopTimers();
      this.events.onClose(this);
    });
    this.sendRaw({ type: 'hello', version: PEER_PROTOCOL_VERSION, instanceId: this.own.instanceId, nonce: this.own.nonce });
  }

  /** Where the connection comes from (admission of connections not yet authenticated). */
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get open(): boolean {
    return !this.closed && this.state === 'open';
  }

  send(frame: DataFrame): void {
    if (!this.open) return;
    this.sendEncoded(encodePeerFrame(frame));
  }

  sendEncoded(bytes: Buffer): void {
    if (!this.open) return;
    if (this.socket.writableLength > MAX_BUFFERED_BYTES) {
      this.logger.warn({ peerId: this.peerId }, 'peer is not keeping up; dropping the link (the change feed still delivers)');
      this.close();
      return;
    }
    this.socket.write(bytes);
  }

  close(): void {
    this.stopTimers();
    this.socket.destroy();
  }

  private stopTimers(): void {
    this.closed = true;
    clearTimeout(this.handshakeTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  private sendRaw(frame: PeerFrame): void {
    if (!this.closed) this.socket.write(encodePeerFrame(frame));
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    this.lastHeard = Date.now();
    this.reader.append(chunk);
    // Frame by frame: the size bound rises only once the handshake is done.
    for (;;) {
      let frame: PeerFrame | null;
      try {
        frame = this.reader.next();
      } catch (err) {
        // One bad link must not take the process down: log and drop it.
        this.log({ err: this.state === 'open' ? err : String(err), peerId: this.peerId, remote: this.socket.remoteAddress }, 'malformed frame from a peer process; closing the link');
        return this.close();
      }
      if (frame === null || this.closed) return;
      this.handle(frame);
    }
  }

  private handle(frame: PeerFrame): void {
    if (this.state === 'open') {
      if (frame.type === 'ping') return;
      if (frame.type === 'hello' || frame.type === 'auth') return this.refuse(`unexpected ${frame.type}`);
      return this.events.onFrame(this, frame);
    }
    if (this.state === 'hello') {
      if (frame.type !== 'hello') return this.refuse(`${frame.type} before hello`);
      return this.hello(frame);
    }
    if (frame.type !== 'auth') return this.refuse(`${frame.type} before authentication`);
    if (!proofHolds(this.opts.secret!, this.peerHello!, this.own, frame.proof)) return this.refuse('wrong proof of the peer secret');
    this.opened();
  }

  private hello(frame: Extract<PeerFrame, { type: 'hello' }>): void {
    if (frame.version !== PEER_PROTOCOL_VERSION) return this.refuse(`protocol version ${frame.version}`);
    const id = PeerInstanceId.safeParse(frame.instanceId);
    if (!id.success || id.data === this.own.instanceId) return this.refuse('bad instance id');
    if (frame.nonce.length !== NONCE_BYTES) return this.refuse('bad nonce');
    // A socket or record left by a process that is gone, now answered by another one: the new
    // process's own record is dialled under its own id.
    if (this.opts.expectedPeerId !== null && id.data !== this.opts.expectedPeerId) return this.refuse('not the process dialled');
    this.peerHello = { role: this.dialedByUs ? 'acceptor' : 'dialer', instanceId: id.data, nonce: frame.nonce, address: this.dialedByUs ? this.opts.acceptorAddress : '' };
    if (this.opts.secret === null) return this.opened();
    this.state = 'auth';
    this.sendRaw({ type: 'auth', proof: peerProof(this.opts.secret, this.own, this.peerHello) });
  }

  private opened(): void {
    clearTimeout(this.handshakeTimer);
    this.state = 'open';
    this.peerId = this.peerHello!.instanceId;
    this.reader.maxFrameBytes = MAX_PEER_FRAME_BYTES;
    const { everyMs, silentMs } = this.opts.heartbeat ?? DEFAULT_HEARTBEAT;
    let lastTick = Date.now();
    this.heartbeat = setInterval(() => {
      const now = Date.now();
      // A late tick means this process stalled: the peer's pings may be waiting unread, so judge
      // silence only on a tick that came on time (timers run before the sockets are read).
      const late = now - lastTick > 2 * everyMs;
      lastTick = now;
      if (!late && now - this.lastHeard > silentMs) return this.refuse('silent for too long');
      this.sendEncoded(PING);
    }, everyMs);
    this.heartbeat.unref();
    this.events.onHello(this);
  }

  /** Trouble on an open link is a peer misbehaving (warn); before the handshake it may be anyone on
   *  the network, and a flood of them must not flood the log (debug). */
  private log(fields: Record<string, unknown>, message: string): void {
    if (this.state === 'open') this.logger.warn(fields, message);
    else this.logger.debug(fields, message);
  }

  private refuse(reason: string): void {
    this.log({ reason, peerId: this.peerHello?.instanceId, remote: this.socket.remoteAddress }, 'peer link refused; closing it');
    this.close();
  }
}
