// A lightweight sync client for the load generator: speaks just enough y-websocket to send real
// Yjs updates (typing into `notes`) and to spot other clients' edits in the frames it receives,
// without applying them — so the generator measures the server, not itself.
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

export interface EditTracker {
  sent(token: string, receivers: number): void;
  seen(token: string): void;
}

/** Propagation latency of each edit (sent → seen by every other client of its document), and deliveries. */
export class LatencyTracker implements EditTracker {
  pending = new Map<string, { t0: number; remaining: number }>();
  latencies: number[] = [];
  /** Edits seen by another client. */
  deliveries = 0;
  sent(token: string, receivers: number): void {
    if (receivers > 0) this.pending.set(token, { t0: performance.now(), remaining: receivers });
  }
  seen(token: string): void {
    const p = this.pending.get(token);
    if (!p) return;
    this.deliveries++;
    if (--p.remaining === 0) {
      this.pending.delete(token);
      this.latencies.push(performance.now() - p.t0);
    }
  }
}

const TOKEN = /#(\d+\.\d+)#/g;

export class LoadClient {
  private readonly doc = new Y.Doc();
  private lastUpdate: Uint8Array | null = null;
  private seq = 0;
  ws: WebSocket | null = null;
  private readonly own: string;

  constructor(readonly index: number, readonly room: string, private readonly tracker: EditTracker) {
    this.own = `${index}.`;
    this.doc.on('update', (u: Uint8Array) => (this.lastUpdate = u));
  }

  connect(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.binaryType = 'nodebuffer';
      ws.on('open', () => {
        this.ws = ws;
        resolve();
      });
      ws.on('error', reject);
      ws.on('message', (data: Buffer) => {
        const text = data.toString('latin1');
        // A server that echoes an edit to its sender has not delivered it to anyone else.
        for (const m of text.matchAll(TOKEN)) if (!m[1]!.startsWith(this.own)) this.tracker.seen(m[1]!);
      });
    });
  }

  /** Type a token at the start of `notes`; depends only on this client's own earlier edits. */
  edit(receivers: number): void {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const token = `${this.index}.${this.seq++}`;
    this.doc.getText('notes').insert(0, `#${token}#`);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, this.lastUpdate!);
    this.tracker.sent(token, receivers);
    this.ws.send(encoding.toUint8Array(e));
  }

  close(): void {
    this.ws?.terminate();
  }
}

/** Spreads `rate` edits per second round-robin over the clients for `seconds`, each typing into its
 *  room (whose client count `perRoom` gives); resolves with the number of edits sent. */
export async function typeAtRate(clients: LoadClient[], perRoom: number[], rate: number, seconds: number): Promise<number> {
  const started = performance.now();
  let sent = 0;
  let next = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= seconds) {
        clearInterval(timer);
        return resolve();
      }
      const due = Math.floor(elapsed * rate) - sent;
      for (let k = 0; k < due; k++) {
        const c = clients[next++ % clients.length]!;
        c.edit(perRoom[Number(c.room)]! - 1);
        sent++;
      }
    }, 2);
  });
  return sent;
}
