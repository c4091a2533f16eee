// One client socket on one collaboration: identity, role, limits, queued sending and liveness.
// Knows nothing about Yjs; the live document drives it.
import type WebSocket from 'ws';
import type { Role } from '@trellis/schema';
import type { SyncLimits } from './limits.ts';
import { Outbox } from './outbox.ts';
import { TokenBucket } from './token-bucket.ts';

let nextId = 1;

/** One member on one collaboration: what per-member limits are kept by ([H6], [H14]). */
export const memberKey = (userId: string, collaborationId: string) => `${userId}\u0000${collaborationId}`;

export class Connection {
  readonly id = nextId++;
  role: Role;
  alive = true;
  closed = false;
  /** Awareness client ids this connection controls (removed when it closes). */
  readonly awarenessIds = new Set<number>();
  readonly updates: TokenBucket;
  readonly awareness: TokenBucket;
  /** Integration work this connection may still cause ([H6]). */
  readonly work: TokenBucket;
  /** What is still to be sent, in order; large messages leave in fragments ([H12]). */
  private readonly outbox: Outbox;
  readonly memberKey: string;
  /** Frames received while an update of this connection is on the pre-flight thread, in order ([H13]); null when none is. */
  held: Uint8Array[] | null = null;
  heldBytes = 0;
  /** Bytes and updates written since the last audit summary. */
  edits = { updates: 0, bytes: 0, refused: 0, roots: new Set<string>() };

  constructor(
    readonly ws: WebSocket,
    readonly collaborationId: string,
    readonly userId: string,
    role: Role,
    /** Opted in to save acknowledgements and refusal messages (types 100/101). */
    readonly ack: boolean,
    limits: SyncLimits,
  ) {
    this.role = role;
    this.memberKey = memberKey(userId, collaborationId);
    this.updates = new TokenBucket(limits.updateBurst, limits.updatesPerSecond);
    this.awareness = new TokenBucket(limits.awarenessBurst, limits.awarenessPerSecond);
    this.work = new TokenBucket(limits.costBurst, limits.costPerSecond);
    // Slow consumer ([H5]): it would hold unbounded memory; it resyncs when it reconnects.
    this.outbox = new Outbox(ws, limits, () => this.terminate());
  }

  send(data: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.outbox.send(data);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    // What is queued (a refusal, say) goes out before the close frame.
    this.outbox.flush();
    // Paused while its update is on the pre-flight thread: the close handshake could not be read,
    // and the socket would linger until ws's close timeout.
    if (this.ws.isPaused) this.ws.resume();
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
  }

  terminate(): void {
    this.closed = true;
    this.outbox.clear();
    this.ws.terminate();
  }
}
