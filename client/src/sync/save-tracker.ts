// Counts local changes not yet durably stored by the server. Each local update event is one pending
// entry; a save acknowledgement covering its clocks (received on the connection that carried it)
// clears it. Pure bookkeeping, no I/O: the doc session feeds it events and persists `serialize()`.
import { isCovered } from './state-vector.ts';
import type { Clocks } from './state-vector.ts';

export type SerializedPending = [number, number][][];

interface Entry {
  clocks: Map<number, number>;
  /** Sent over the current connection (entries made offline are sent when the next one opens). */
  sent: boolean;
  /** A refusal arrived while this entry was in flight: if the next ack does not cover it, it was refused. */
  suspect: boolean;
}

export class SaveTracker {
  private entries: Entry[];
  private connected = false;
  private ackedOnThisConnection = false;

  constructor(restored: SerializedPending = []) {
    this.entries = restored.map((pairs) => ({ clocks: new Map(pairs), sent: false, suspect: false }));
  }

  get count(): number {
    return this.entries.length;
  }

  /** At least one ack arrived since the current connection opened. */
  get acked(): boolean {
    return this.ackedOnThisConnection;
  }

  recordLocal(clocks: Clocks): void {
    this.entries.push({ clocks: new Map(clocks), sent: this.connected, suspect: false });
  }

  /** The socket opened: sync step 2 delivers everything pending to the server. */
  onConnected(): void {
    this.connected = true;
    this.ackedOnThisConnection = false;
    for (const e of this.entries) e.sent = true;
  }

  /** The socket closed: whatever was in flight may not have arrived; it is re-sent on reconnect. */
  onDisconnected(): void {
    this.connected = false;
    this.ackedOnThisConnection = false;
    for (const e of this.entries) {
      e.sent = false;
      e.suspect = false;
    }
  }

  /** A save ack: drop every sent entry it covers, and suspect entries it does not (they were refused). */
  onAck(acked: Clocks): number {
    this.ackedOnThisConnection = true;
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => !(e.sent && (isCovered(e.clocks, acked) || e.suspect)));
    return before - this.entries.length;
  }

  /** The server refused one of our in-flight updates; the next ack tells which entries it was. */
  onRefused(): void {
    for (const e of this.entries) if (e.sent) e.suspect = true;
  }

  serialize(): SerializedPending {
    return this.entries.map((e) => [...e.clocks]);
  }
}
