// What one socket still has to send, and the slow-consumer rule over it (SPEC [H5], [H12]).
// Messages leave in order. One larger than FRAGMENT_BYTES goes out as WebSocket fragments (still one
// message for the client), written only while the socket holds under SOCKET_HIGH_WATER_BYTES: a
// document's first sync — one message, up to MAX_DOC_BYTES — never lands in the socket at once, and
// every fragment the client takes is progress we can see. The rule then judges what the client fails
// to drain, not how large a reply is: over `maxBufferedBytes` unsent with nothing drained for
// `slowConsumerGraceMs` → terminated; over the ceiling (two documents' worth beyond that) → at once.
import type WebSocket from 'ws';
import type { SyncLimits } from './limits.ts';

export const FRAGMENT_BYTES = 64 * 1024;
export const SOCKET_HIGH_WATER_BYTES = 1024 * 1024;

type OutboxLimits = Pick<SyncLimits, 'maxBufferedBytes' | 'maxDocBytes' | 'slowConsumerGraceMs'>;

export class Outbox {
  private readonly queue: Uint8Array[] = [];
  /** How much of queue[0] is already in the socket (it is being sent as fragments). */
  private offset = 0;
  /** Bytes in the queue not yet handed to the socket. */
  private queuedBytes = 0;
  /** When the socket last finished writing something: the client is draining. */
  private lastDrainAt = Date.now();
  private watch: NodeJS.Timeout | null = null;
  private readonly ceiling: number;
  private readonly written = (err?: Error | null) => this.onWritten(err);

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: OutboxLimits,
    /** The client is a slow consumer, or the socket failed: drop it. */
    private readonly onFail: (reason: string) => void,
  ) {
    this.ceiling = limits.maxBufferedBytes + 2 * limits.maxDocBytes;
    ws.once('close', () => this.clear());
  }

  private fail(reason: string): void {
    this.clear();
    this.onFail(reason);
  }

  /** What we hold for this client that it has not taken yet: our queue and the socket's buffer. */
  get pending(): number {
    return this.queuedBytes + this.ws.bufferedAmount;
  }

  send(data: Uint8Array): void {
    if (this.queue.length === 0) this.lastDrainAt = Date.now();
    this.queue.push(data);
    this.queuedBytes += data.length;
    if (this.pending > this.ceiling) return this.fail('slow consumer: send ceiling');
    this.pump(SOCKET_HIGH_WATER_BYTES);
    this.check();
  }

  /** Hand everything still queued to the socket (before a close frame). */
  flush(): void {
    this.pump(Infinity);
  }

  clear(): void {
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.offset = 0;
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
  }

  private pump(highWater: number): void {
    while (this.queue.length > 0 && this.ws.bufferedAmount < highWater && this.ws.readyState === this.ws.OPEN) {
      const msg = this.queue[0]!;
      const end = this.offset === 0 && msg.length <= FRAGMENT_BYTES ? msg.length : Math.min(msg.length, this.offset + FRAGMENT_BYTES);
      const fin = end === msg.length;
      const part = this.offset === 0 && fin ? msg : msg.subarray(this.offset, end);
      this.queuedBytes -= part.length;
      if (fin) {
        this.queue.shift();
        this.offset = 0;
      } else {
        this.offset = end;
      }
      try {
        this.ws.send(part, { binary: true, fin }, this.written);
      } catch (err) {
        return this.fail(`send failed: ${(err as Error).message}`);
      }
    }
  }

  private onWritten(err?: Error | null): void {
    // A failed write also surfaces as the socket's 'error'/'close'.
    if (err) return;
    this.lastDrainAt = Date.now();
    if (this.queue.length > 0) this.pump(SOCKET_HIGH_WATER_BYTES);
  }

  /** Over the limit: watch whether the client drains at all until it is back under it. */
  private check(): void {
    if (this.pending <= this.limits.maxBufferedBytes) {
      if (this.watch) clearInterval(this.watch);
      this.watch = null;
      return;
    }
    if (Date.now() - this.lastDrainAt > this.limits.slowConsumerGraceMs) return this.fail('slow consumer: nothing drained');
    if (this.watch) return;
    this.watch = setInterval(() => this.check(), Math.max(50, this.limits.slowConsumerGraceMs / 4));
    this.watch.unref();
  }
}
