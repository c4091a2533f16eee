// One connection to another server process: says hello, then carries interest and update frames.
// A malformed frame, a slow peer or a socket error ends this link only.
import type { Socket } from 'node:net';
import type { Logger } from '@trellis/runtime';
import { encodePeerFrame, PEER_PROTOCOL_VERSION, PeerFrameReader } from './peer-frame.ts';
import type { PeerFrame } from './peer-frame.ts';

/** A peer that cannot take this much buffered data is dropped; it still has the change feed. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface PeerLinkEvents {
  /** The peer said who it is. */
  onHello(link: PeerLink): void;
  onFrame(link: PeerLink, frame: Exclude<PeerFrame, { type: 'hello' }>): void;
  onClose(link: PeerLink): void;
}

export class PeerLink {
  peerId: string | null = null;
  /** Documents the peer has loaded: the only ones whose updates it wants. */
  readonly interests = new Set<string>();
  private readonly reader = new PeerFrameReader();
  private closed = false;

  constructor(
    private readonly socket: Socket,
    readonly dialedByUs: boolean,
    instanceId: string,
    private readonly events: PeerLinkEvents,
    private readonly logger: Logger,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.logger.debug({ err, peerId: this.peerId }, 'peer link error'));
    socket.on('close', () => {
      this.closed = true;
      this.events.onClose(this);
    });
    this.send({ type: 'hello', version: PEER_PROTOCOL_VERSION, instanceId });
  }

  get open(): boolean {
    return !this.closed && this.peerId !== null;
  }

  send(frame: PeerFrame): void {
    if (this.closed) return;
    this.sendEncoded(encodePeerFrame(frame));
  }

  sendEncoded(bytes: Buffer): void {
    if (this.closed) return;
    if (this.socket.writableLength > MAX_BUFFERED_BYTES) {
      this.logger.warn({ peerId: this.peerId }, 'peer is not keeping up; dropping the link (the change feed still delivers)');
      this.close();
      return;
    }
    this.socket.write(bytes);
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    let frames: PeerFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      // One bad link must not take the process down: log and drop it.
      this.logger.warn({ err, peerId: this.peerId }, 'malformed frame from a peer process; closing the link');
      return this.close();
    }
    for (const frame of frames) {
      if (this.closed) return;
      if (frame.type === 'hello') {
        if (this.peerId !== null || frame.version !== PEER_PROTOCOL_VERSION) {
          this.logger.warn({ peerId: this.peerId, version: frame.version }, 'unexpected hello from a peer process; closing the link');
          return this.close();
        }
        this.peerId = frame.instanceId;
        this.events.onHello(this);
      } else if (this.peerId === null) {
        this.logger.warn('peer process sent a frame before hello; closing the link');
        return this.close();
      } else {
        this.events.onFrame(this, frame);
      }
    }
  }
}
