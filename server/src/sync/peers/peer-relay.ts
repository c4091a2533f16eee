// The direct links between server processes (SPEC [S10], [S14]), as the rest of the sync core sees
// them: forward what this process applied, apply what peers forward, and make sure nothing a peer
// forwarded is lost if that peer dies before storing it.
import type { Logger } from '@trellis/runtime';
import type { SyncMetrics } from '../sync-metrics.ts';
import { PeerBus } from './peer-bus.ts';
import type { PeerTransport } from './peer-transport.ts';
import { RelayLedger } from './relay-ledger.ts';

/** After a peer's link ends, how long its stored updates get to show up in the change feed. */
const GRACE_MS = 2_000;

/** What applying a forwarded update did here: changed this copy, queued while it loads, or nothing. */
export type RelayedApply = { kind: 'applied'; copy: object } | { kind: 'queued' } | { kind: 'unchanged' };

/** What the documents of this process need from the relay. */
export interface DocRelay {
  publish(collaborationId: string, update: Uint8Array): void;
  /** Presence changes of this process's own clients (`encode` runs only if some peer wants them). */
  publishAwareness(collaborationId: string, encode: () => Uint8Array): void;
  interest(collaborationId: string, on: boolean): void;
  /** Forwarded updates of this document whose writer has not been seen storing them yet. */
  unconfirmed(collaborationId: string): Uint8Array[];
  /**
   * The change feed shows `origin` stored this update: forget it. Returns the document copy it was
   * applied to (null: queued while loading; undefined: not listed).
   */
  confirm(origin: string, collaborationId: string, data: Uint8Array): object | null | undefined;
}

export interface PeerRelayDeps {
  transport: PeerTransport;
  instanceId: string;
  logger: Logger;
  metrics: SyncMetrics;
  /** Apply a forwarded update to the loaded document. */
  apply: (collaborationId: string, update: Uint8Array) => RelayedApply;
  /** Store an update as this process's own write (durable when the promise resolves). */
  store: (collaborationId: string, update: Uint8Array) => Promise<number>;
  applyAwareness: (collaborationId: string, update: Uint8Array) => void;
  /** The presence of this process's own clients of a document (encoded), or null. */
  localAwareness: (collaborationId: string) => Uint8Array | null;
}

export class PeerRelay implements DocRelay {
  private readonly bus: PeerBus;
  private readonly ledger: RelayLedger;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: PeerRelayDeps) {
    this.ledger = new RelayLedger((peerId) => deps.logger.warn({ peerId }, 'too many forwarded updates never seen stored; forgetting the oldest'));
    this.bus = new PeerBus(deps.transport, deps.instanceId, {
      onUpdate: (peerId, collaborationId, update) => this.received(peerId, collaborationId, update),
      onAwareness: (collaborationId, update) => deps.applyAwareness(collaborationId, update),
      onInterest: (peerId, collaborationId) => {
        const update = deps.localAwareness(collaborationId);
        if (update) this.bus.sendTo(peerId, { type: 'awareness', collaborationId, update });
      },
      onPeerGone: (peerId) => this.peerGone(peerId),
    }, deps.logger);
    deps.metrics.peers.set(() => this.bus.peerIds.length);
    deps.metrics.peerUnconfirmed.set(() => this.ledger.total());
  }

  start(): Promise<void> {
    return this.bus.start();
  }

  get peerIds(): string[] {
    return this.bus.peerIds;
  }

  /** Presence of this process's clients reaches every other process over the links alone ([S14]). */
  get carriesPresence(): boolean {
    return this.deps.transport.carriesPresence;
  }

  publish(collaborationId: string, update: Uint8Array): void {
    this.bus.publish({ type: 'update', collaborationId, update });
  }

  publishAwareness(collaborationId: string, encode: () => Uint8Array): void {
    if (this.bus.wants(collaborationId)) this.bus.publish({ type: 'awareness', collaborationId, update: encode() });
  }

  interest(collaborationId: string, on: boolean): void {
    this.bus.setInterest(collaborationId, on);
  }

  unconfirmed(collaborationId: string): Uint8Array[] {
    return this.ledger.pendingFor(collaborationId);
  }

  confirm(origin: string, collaborationId: string, data: Uint8Array): object | null | undefined {
    return this.ledger.confirm(origin, collaborationId, data);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await this.bus.stop();
  }

  private received(peerId: string, collaborationId: string, update: Uint8Array): void {
    this.deps.metrics.peerUpdates.inc();
    const r = this.deps.apply(collaborationId, update);
    if (r.kind !== 'unchanged') this.ledger.add(peerId, collaborationId, update, r.kind === 'applied' ? r.copy : null);
  }

  private peerGone(peerId: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const orphans = this.ledger.pendingOf(peerId);
      if (orphans.length === 0) return;
      this.deps.logger.warn({ peerId, updates: orphans.length }, 'a peer process left before storing updates it forwarded; storing them here');
      for (const o of orphans) {
        void this.deps.store(o.collaborationId, o.update).then(() => this.ledger.confirm(peerId, o.collaborationId, o.update));
      }
    }, GRACE_MS);
    this.timers.add(timer);
  }
}
