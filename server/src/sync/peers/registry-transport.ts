// Peer links across machines (SPEC [S14]): each server listens on TCP and registers the address the
// others reach it at (PEER_ADDRESS) in the store's peer registry, renewing it every RENEW_MS with a
// TTL_MS expiry; the others dial every live record. Anyone on the network can connect, so every
// link proves the shared secret (PEER_SECRET) before any frame of it is used.
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from '@trellis/runtime';
import { splitPeerAddress } from '@trellis/schema';
import type { PeerRegistryRepo } from '@trellis/store';
import { closeServer, listenOn } from './peer-listener.ts';
import type { PeerTarget, PeerTransport } from './peer-transport.ts';

/** A record not renewed for this long is dead: its process stopped or lost the store. */
const TTL_MS = 30_000;
const RENEW_MS = 10_000;
/** Far more connections than server processes; a flood of strangers cannot exhaust the process. */
const MAX_CONNECTIONS = 256;

export interface RegistryTransportOptions {
  registry: PeerRegistryRepo;
  instanceId: string;
  /** `host:port` the other servers dial (PEER_ADDRESS). */
  address: string;
  /** Where the listener binds (PEER_HOST); its port is the address's. */
  bindHost: string;
  secret: Buffer;
  logger: Logger;
}

export class RegistryTransport implements PeerTransport {
  readonly carriesPresence = true;
  readonly secret: Buffer;
  readonly ownAddress: string;
  private server: Server | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly port: number;

  constructor(private readonly opts: RegistryTransportOptions) {
    this.secret = opts.secret;
    this.ownAddress = opts.address;
    const parsed = splitPeerAddress(opts.address);
    if (!parsed) throw new Error(`peer address ${opts.address} is not host:port`);
    this.port = parsed.port;
  }

  async listen(accept: (socket: Socket) => void): Promise<boolean> {
    const server = createServer({ noDelay: true, keepAlive: true, keepAliveInitialDelay: 10_000 }, accept);
    server.maxConnections = MAX_CONNECTIONS;
    try {
      this.server = await listenOn(server, (s, done) => s.listen(this.port, this.opts.bindHost, done), this.opts.logger);
    } catch (err) {
      // Configured explicitly, so not linking is a start-up failure, named after the settings.
      throw new Error(`peer listener cannot listen on ${this.opts.bindHost}:${this.port} (PEER_HOST / PEER_ADDRESS): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    // Registered only once others can connect; the first write also tells start-up the store takes it.
    await this.renew();
    this.timer = setInterval(() => void this.renew(), RENEW_MS);
    this.timer.unref();
    return true;
  }

  async discover(): Promise<PeerTarget[]> {
    let records;
    try {
      records = await this.opts.registry.live(Date.now());
    } catch (err) {
      this.opts.logger.warn({ err }, 'cannot read the peer registry; linking again at the next scan');
      return [];
    }
    return records.flatMap((r) => {
      const at = splitPeerAddress(r.address);
      if (r.instanceId === this.opts.instanceId || !at) return [];
      return [{ peerId: r.instanceId, address: r.address, connect: () => createConnection({ host: at.host, port: at.port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 10_000 }) }];
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    try {
      await this.opts.registry.remove(this.opts.instanceId);
    } catch (err) {
      // The record expires by itself; others fail to dial it until then.
      this.opts.logger.warn({ err }, 'cannot remove this process from the peer registry');
    }
    await closeServer(this.server);
  }

  private async renew(): Promise<void> {
    try {
      await this.opts.registry.register({ instanceId: this.opts.instanceId, address: this.opts.address, expiresAt: Date.now() + TTL_MS });
    } catch (err) {
      // Existing links stay up; a record that expires meanwhile only stops new dials.
      this.opts.logger.warn({ err }, 'cannot renew this process in the peer registry');
    }
  }
}
