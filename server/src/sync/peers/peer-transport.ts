// How server processes find and reach each other for the direct links of SPEC [S10]: Unix sockets
// in a shared DATA_DIR (socket-dir-transport.ts), or TCP across machines with the store as the
// directory (registry-transport.ts, [S14]). The bus (peer-bus.ts) and everything above it are the
// same for both.
import type { Socket } from 'node:net';

export interface PeerTarget {
  /** The process this target was listed as (its hello must say so). */
  peerId: string;
  /** Where it is dialled (its registry record's address; '' where the transport needs none): bound into the proof. */
  address: string;
  /** Open a connection to it. */
  connect(): Socket;
  /** The connection could not be made (nobody listens there any more). */
  unreachable?(err: NodeJS.ErrnoException): void;
}

export interface PeerTransport {
  /** The secret every link must prove (null: the transport itself limits who can connect). */
  readonly secret: Buffer | null;
  /** Where others dial this process (PEER_ADDRESS; '' where the transport needs none): bound into the proof. */
  readonly ownAddress: string;
  /** The links reach every server process, so presence needs no other path (SPEC [S14]). */
  readonly carriesPresence: boolean;
  /** Accept connections from other processes; false: this transport cannot run here (it logged why). */
  listen(accept: (socket: Socket) => void): Promise<boolean>;
  /** The other processes to link with now (this one excluded). */
  discover(): Promise<PeerTarget[]>;
  /** Stop accepting and leave the directory, so others stop dialling this process. */
  close(): Promise<void>;
}
