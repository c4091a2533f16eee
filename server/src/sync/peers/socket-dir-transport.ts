// Peer links between the server processes that share one SQLite DATA_DIR (SPEC [S10]): each listens
// on a Unix socket `<instanceId>.sock` in DATA_DIR/peers (mode 0700: only this user can connect, so
// links carry no secret) and finds the others by listing the directory.
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '@trellis/runtime';
import { closeServer, listenOn } from './peer-listener.ts';
import type { PeerTarget, PeerTransport } from './peer-transport.ts';

/** Linux's sun_path is 108 bytes; a longer DATA_DIR disables the fast path. */
const MAX_SOCKET_PATH = 100;
/** A socket file nobody listens on is removed only once it is this old (a peer may be starting). */
const STALE_AFTER_MS = 10_000;

export class SocketDirTransport implements PeerTransport {
  readonly secret = null;
  readonly ownAddress = '';
  /** Presence also goes through the store: these links are an optimisation, off when the path is too long. */
  readonly carriesPresence = false;
  private server: Server | null = null;
  private readonly socketPath: string;

  constructor(private readonly dir: string, private readonly instanceId: string, private readonly logger: Logger) {
    this.socketPath = join(dir, `${instanceId}.sock`);
  }

  async listen(accept: (socket: Socket) => void): Promise<boolean> {
    if (this.socketPath.length > MAX_SOCKET_PATH) {
      this.logger.warn({ path: this.socketPath }, 'DATA_DIR path too long for a Unix socket; other processes get updates through the change feed only');
      return false;
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.server = await listenOn(createServer(accept), (server, done) => server.listen(this.socketPath, done), this.logger);
    return true;
  }

  async discover(): Promise<PeerTarget[]> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (err) {
      this.logger.warn({ err }, 'cannot list peer sockets');
      return [];
    }
    return names
      .filter((name) => name.endsWith('.sock') && name !== `${this.instanceId}.sock`)
      .map((name) => {
        const path = join(this.dir, name);
        return {
          peerId: name.slice(0, -'.sock'.length),
          address: '',
          connect: () => createConnection(path),
          unreachable: (err) => {
            if (err.code === 'ECONNREFUSED') removeIfStale(path);
          },
        };
      });
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }
}

function removeIfStale(path: string): void {
  try {
    if (Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS) unlinkSync(path);
  } catch {
    // Already gone.
  }
}
