// A loaded collaboration document: the authoritative Y.Doc and awareness for this process, its
// connections, and the path every change takes: gate → apply → forward → persist → acknowledge.
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Attribution, DocEvent, PolicyOverrides } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import { claimAwareness } from './awareness-ownership.ts';
import { applyGated, DEFAULT_GATE_LIMITS } from './gate/apply-gated.ts';
import { ClientOwners } from './gate/client-owners.ts';
import type { MemberBudget } from './member-budget.ts';
import type { ClientOrigin } from './gate/apply-gated.ts';
import type { Preflight, PreflightVerdict } from './gate/preflight-thread.ts';
import type { Connection } from './connection.ts';
import type { DocRelay } from './peers/peer-relay.ts';
import { clampStateVector } from './saved-state.ts';
import { CLOSE, RESEND_REFUSAL } from '@trellis/schema';
import type { Role } from '@trellis/schema';
import type { SyncLimits } from './limits.ts';
import type { Persister } from './persister.ts';
import { parseFrame } from './protocol/frame.ts';
import type { ClientFrame } from './protocol/frame.ts';
import * as msg from './protocol/messages.ts';
import type { SyncMetrics } from './sync-metrics.ts';

/**
 * [H6] Bytes of reply per unit of work budget, between two bounds: two whole-document replies of a
 * document at the cap fit in the burst (a provider's resync may ask twice, [H12]: ≥ 53), and the
 * whole burst buys less than a send queue may hold (Outbox's ceiling, ≤ 62), so asking again and
 * again runs out of budget before the queue fills.
 */
const SYNC_REPLY_BYTES_PER_UNIT = 56;

/** [H6] Estimated cost from which one gate overrun of the wall-time budget cuts the sender off (a fresh session's first edit costs 2,000 for its client id alone). */
const WALL_CHECK_MIN_COST = 10_000;
/**
 * [H6] A refused update costs its sender this many times its estimate: refusing integrates its
 * tombstones, reverts what it changed and echoes the correction — 1.25–1.7× the gate's wall time for
 * accepting the same update, so a member whose updates are refused would otherwise get more of the
 * event loop per unit of budget than one whose updates go in.
 */
const REFUSED_WORK_FACTOR = 2;

/** A whole-document reply at least this large is kept for the next fresh client ([H12]). */
const SHARED_REPLY_BYTES = 256 * 1024;

/** Origin of updates stored by another process (change feed, or forwarded by it): never re-persisted here. */
export const REMOTE_ORIGIN = Symbol('remote');

export interface LiveDocDeps {
  persister: Persister;
  limits: SyncLimits;
  logger: Logger;
  metrics: SyncMetrics;
  onEvents: (collaborationId: string, userId: string, events: DocEvent[]) => void;
  onEmpty: (doc: LiveDoc) => void;
  onStored: (collaborationId: string, bytes: number) => void;
  /** Placement work the gate let into the document (accepted content and refusals' tombstones), [H15]. */
  onWork: (collaborationId: string, units: number, member: string) => void;
  /** Placement work the document may still take from `member` before a trial renews its room ([H16]). */
  placementRoom: (collaborationId: string, member: string) => number;
  /** An update waits for room ([H16]): the document is tried again, if it was not just now. */
  onNoRoom: (collaborationId: string) => void;
  /** Awareness client ids whose state changed through a local connection (relayed to other processes). */
  onLocalAwareness: (doc: LiveDoc, clientIds: number[]) => void;
  /** Other processes on this DATA_DIR (SQLite), or null. */
  relay: DocRelay | null;
  /**
   * A connection exceeded its work budget ([H6]): its member's reconnects are slowed; with `all`,
   * their other sockets on the collaboration are closed too (offences of cost, not of wall time).
   */
  onAbuse: (conn: Connection, all?: boolean) => void;
  /** Where large updates are read before the gate ([H13]). */
  preflight: Preflight;
  /** Client ids each member may still introduce ([H14]). */
  clientIds: MemberBudget;
  /** Gate overruns each member is still forgiven ([H6]). */
  overruns: MemberBudget;
}

export class LiveDoc {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  private readonly conns = new Map<number, Connection>();
  /** Client ids introduced through the gate while loaded, by member ([P11]). */
  private readonly clientOwners = new ClientOwners();
  /** Pinned by in-flight server-side changes: not unloaded meanwhile. */
  pins = 0;
  bytes = 0;
  /** What integrating the stored document cost the event loop when it was loaded (ms). */
  loadMs = 0;
  /** Highest stored sequence this copy is known to contain (for projections). */
  storedSeq = 0;
  /** Who the server-side change running now is made by (set by the registry around its transaction). */
  changeAttribution: Attribution | undefined = undefined;
  /** Durability of the most recent local update (server-side changes wait on it). */
  lastPersist: Promise<number> = Promise.resolve(0);
  private unsaved = 0;
  private savedSv: Uint8Array | null = null;
  private savedScheduled = false;
  /** The whole document as a sync step 2, while it is unchanged (large documents only). */
  private fullState: Uint8Array | null = null;

  constructor(
    readonly id: string,
    private policyNow: PolicyOverrides,
    private readonly deps: LiveDocDeps,
  ) {
    // The server holds no awareness state of its own.
    this.awareness.setLocalState(null);
    this.doc.on('update', this.updateListener);
    this.awareness.on('update', (change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => this.onAwareness(change, origin));
  }

  /** The collaboration's policy changed: the gate decides with it from the next update on. */
  setPolicy(policy: PolicyOverrides): void {
    this.policyNow = policy;
  }

  get policy(): PolicyOverrides {
    return this.policyNow;
  }

  /** [P7] a member's role changed (or, with null, was revoked): their sockets here follow at once. */
  applyMembership(userId: string, role: Role | null): void {
    for (const conn of this.conns.values()) {
      if (conn.userId !== userId) continue;
      if (role === null) conn.close(CLOSE.forbidden, 'membership revoked');
      else conn.role = role;
    }
  }

  /** The members with a socket on this copy. */
  connectedMembers(): Set<string> {
    return new Set([...this.conns.values()].map((c) => c.userId));
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  private readonly updateListener = (update: Uint8Array, origin: unknown): void => this.onUpdate(update, origin);

  /**
   * Fill the document from the store before anything listens: its 'update' event would encode the
   * whole document once more for nobody (≈ a third of a 10 MB document's load, [H12]).
   */
  loadStored(apply: (doc: Y.Doc) => void): void {
    this.doc.off('update', this.updateListener);
    try {
      apply(this.doc);
    } finally {
      this.doc.on('update', this.updateListener);
    }
  }

  get hasPendingWrites(): boolean {
    return this.unsaved > 0;
  }

  addConnection(conn: Connection): void {
    this.conns.set(conn.id, conn);
    conn.send(msg.encodeSyncStep1(this.doc));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) conn.send(msg.encodeAwareness(this.awareness, states));
  }

  removeConnection(conn: Connection): void {
    if (!this.conns.delete(conn.id)) return;
    if (conn.awarenessIds.size > 0) {
      const ids = [...conn.awarenessIds];
      awarenessProtocol.removeAwarenessStates(this.awareness, ids, null);
      this.deps.onLocalAwareness(this, ids);
    }
    if (this.conns.size === 0) this.deps.onEmpty(this);
  }

  handleMessage(conn: Connection, data: Uint8Array): void {
    // Frames still buffered behind a close (a refused, over-budget or rate-limited sender) are dropped.
    if (conn.closed) return;
    // [H13] behind an update on the pre-flight thread, frames wait their turn.
    if (conn.held !== null) {
      // An honest client sends a few small edits meanwhile; a flood is work and memory the member forces on us.
      if (conn.held.length >= this.deps.limits.maxHeldFrames || conn.heldBytes + data.length > this.deps.limits.maxPayloadBytes) {
        this.deps.metrics.costRefused.inc();
        this.deps.onAbuse(conn);
        return conn.close(CLOSE.rateLimited, 'too many messages: slow down');
      }
      conn.held.push(data);
      conn.heldBytes += data.length;
      return;
    }
    const parsed = parseFrame(data);
    if (!parsed.ok) {
      this.deps.metrics.protocolErrors.inc();
      conn.close(parsed.closeCode, parsed.reason);
      return;
    }
    this.handleFrame(conn, parsed.frame);
  }

  private handleFrame(conn: Connection, frame: ClientFrame): void {
    switch (frame.type) {
      case 'syncStep1': {
        // [H6] a reply costs in proportion to the document: asking again and again is work too.
        if (!conn.updates.take() || !conn.work.take(Math.ceil(this.bytes / SYNC_REPLY_BYTES_PER_UNIT))) {
          this.deps.metrics.costRefused.inc();
          this.deps.onAbuse(conn);
          return conn.close(CLOSE.rateLimited, 'too many sync requests: slow down');
        }
        let reply: Uint8Array;
        try {
          reply = this.syncStep2(frame.stateVector);
        } catch {
          this.deps.metrics.protocolErrors.inc();
          return conn.close(CLOSE.protocolError, 'malformed state vector');
        }
        conn.send(reply);
        const saved = conn.ack && !this.hasPendingWrites ? this.savedStateVector() : null;
        if (saved) conn.send(msg.encodeSaved(saved));
        return;
      }
      case 'syncStep2':
      case 'update':
        return this.handleUpdate(conn, frame.update);
      case 'awareness':
        return this.handleAwareness(conn, frame.update);
      case 'queryAwareness':
        if (!conn.awareness.take()) return conn.close(CLOSE.rateLimited, 'too many awareness queries');
        conn.send(msg.encodeAwareness(this.awareness, [...this.awareness.getStates().keys()]));
        return;
      case 'auth':
        return;
      default: {
        const never: never = frame;
        throw new Error(`unhandled frame ${JSON.stringify(never)}`);
      }
    }
  }

  private handleUpdate(conn: Connection, update: Uint8Array): void {
    if (update.length === 0) return conn.close(CLOSE.protocolError, 'empty update');
    if (!conn.updates.take()) return conn.close(CLOSE.rateLimited, 'too many updates');
    // A two-byte update is the empty update ([0 structs][0 deletes]): nothing to do.
    if (update.length <= 2 && update.every((b) => b === 0)) return;
    if (!this.admit(conn, update)) return;
    if (update.length >= this.deps.limits.preflightBytes) return this.preflight(conn, update);
    this.gate(conn, update);
  }

  /** Room in the document and in the store for `update` now (else its sender is closed). */
  private admit(conn: Connection, update: Uint8Array): boolean {
    if (this.bytes + update.length > this.deps.limits.maxDocBytes) {
      this.refuse(conn, 'payload_too_large', 'document too large');
      conn.close(CLOSE.tooLarge, 'document too large');
      return false;
    }
    if (this.deps.persister.overloaded) {
      // [S13] the store is not keeping up: push back before anything is integrated; the client
      // keeps its edit and resends it when it reconnects (acks are withheld meanwhile anyway).
      this.refuse(conn, RESEND_REFUSAL, 'the server is busy storing: retry later');
      conn.close(CLOSE.tryAgainLater, 'server busy: retry later');
      return false;
    }
    return true;
  }

  /**
   * [H13] A large update is read on the pre-flight thread first; its sender's later frames wait
   * (in order) until it is decided. Refused there, it never reaches the gate on this thread.
   */
  private preflight(conn: Connection, update: Uint8Array): void {
    conn.held = [];
    const resume = (verdict: PreflightVerdict) => {
      const held = conn.held ?? [];
      conn.held = null;
      conn.heldBytes = 0;
      if (conn.closed || !this.conns.has(conn.id)) return;
      conn.ws.resume();
      this.deps.metrics.preflight.inc(1, { verdict: verdict.ok ? 'passed' : verdict.code });
      // The document may have grown, or the store fallen behind, while the update was on the thread.
      if (verdict.ok && this.admit(conn, update)) this.gate(conn, update);
      else if (!verdict.ok) this.refusedBeforeGate(conn, verdict.code, verdict.message);
      for (let i = 0; i < held.length; i++) {
        // Another update of theirs went to the thread (the handler below sets `held`): the rest waits behind it.
        const waiting = conn.held as Uint8Array[] | null;
        if (waiting !== null) {
          for (const f of held.slice(i)) {
            waiting.push(f);
            conn.heldBytes += f.length;
          }
          return;
        }
        this.handleMessage(conn, held[i]!);
      }
    };
    // Backpressure: what the member sends meanwhile stays in their TCP connection, not in our memory.
    conn.ws.pause();
    this.deps.preflight.check(update, conn.memberKey, () => conn.closed).then(resume).catch((err: unknown) => {
      // Off the socket's own call stack: what escapes closes this connection only.
      this.deps.logger.error({ err, collaborationId: this.id, userId: conn.userId }, 'a sync frame failed; closing that connection');
      conn.close(CLOSE.internalError, 'internal error');
    });
  }

  private refusedBeforeGate(conn: Connection, code: 'malformed' | 'too_costly' | 'busy', message: string): void {
    conn.edits.refused++;
    this.deps.metrics.refused.inc();
    switch (code) {
      case 'busy':
        this.refuse(conn, RESEND_REFUSAL, message);
        return conn.close(CLOSE.tryAgainLater, message);
      case 'malformed':
        this.deps.metrics.protocolErrors.inc();
        this.refuse(conn, 'bad_request', message);
        return conn.close(CLOSE.invalidPayload, message);
      case 'too_costly':
        this.refuse(conn, 'too_costly', message);
        this.deps.metrics.costRefused.inc();
        this.deps.onAbuse(conn, true);
        return conn.close(CLOSE.rateLimited, 'too much work: slow down');
      default: {
        const never: never = code;
        throw new Error(`unhandled refusal ${String(never)}`);
      }
    }
  }

  /** The permission gate on this thread: decide, integrate what is allowed, account for the work. */
  private gate(conn: Connection, update: Uint8Array): void {
    const origin: ClientOrigin = { kind: 'client', connId: conn.id, refused: false };
    // [H14] client ids new to the document, within what this member may still introduce.
    const allowance = this.deps.clientIds.remaining(conn.memberKey);
    // [H16] placement work the document may still take (room beyond one update's ceiling is no limit).
    const room = this.deps.placementRoom(this.id, conn.memberKey);
    const limits = allowance >= DEFAULT_GATE_LIMITS.maxNewClients && room >= DEFAULT_GATE_LIMITS.maxCost ? DEFAULT_GATE_LIMITS : { ...DEFAULT_GATE_LIMITS, maxNewClients: Math.min(allowance, DEFAULT_GATE_LIMITS.maxNewClients), maxPlacement: room };
    const clientsBefore = this.doc.store.clients.size;
    const started = performance.now();
    const result = applyGated(this.doc, update, { userId: conn.userId, role: conn.role, policy: this.policyNow, owners: this.clientOwners }, origin, limits);
    const ms = performance.now() - started;
    // Refused content stays as tombstones under its client id too: whatever the outcome, it counts.
    this.deps.clientIds.take(conn.memberKey, this.doc.store.clients.size - clientsBefore);
    this.deps.metrics.gateSeconds.observe(ms / 1000);
    conn.edits.updates++;
    conn.edits.bytes += update.length;
    this.deps.metrics.updateBytesIn.inc(update.length);
    // [H6] one member cannot keep the loop busy: work is budgeted per connection, and an update
    // that would cost (or did cost) more than one update may is refused and its sender slowed.
    // Wall time also counts a garbage-collection pause or a busy machine: an update the estimate
    // calls cheap is forgiven one overrun a minute; a costly one, or a repeat, is cut off.
    const overran = ms > this.deps.limits.gateBudgetMs;
    const overBudget = overran && (result.cost >= WALL_CHECK_MIN_COST || !this.deps.overruns.take(conn.memberKey));
    if (overran) this.deps.logger.warn({ collaborationId: this.id, userId: conn.userId, ms: Math.round(ms), bytes: update.length, cost: result.cost, cutOff: overBudget }, 'an update took longer than the gate budget');
    if (result.placement > 0) this.deps.onWork(this.id, result.placement, conn.memberKey);
    if (!result.ok && result.code === 'no_room') return this.waitForRoom(conn, result.cost);
    if (!result.ok) {
      conn.edits.refused++;
      this.deps.metrics.refused.inc();
      if (result.code === 'malformed') {
        // [H3] an undecodable update is a broken or hostile client: only its connection ends.
        this.deps.metrics.protocolErrors.inc();
        this.refuse(conn, 'bad_request', result.message);
        return conn.close(CLOSE.invalidPayload, result.message);
      }
      this.refuse(conn, result.code === 'too_costly' ? 'too_costly' : result.code, result.message);
    } else {
      this.deps.metrics.updatesIn.inc();
      for (const r of result.roots) conn.edits.roots.add(r);
      if (result.events.length > 0) this.deps.onEvents(this.id, conn.userId, result.events);
    }
    // Refused content that had to be placed (a viewer's too: an editor demoted while offline) is
    // not an offence: it was counted against the room and this member's share above ([H16]), and a
    // stock client, which stops reconnecting on any 44xx, converges back instead of being cut off.
    // An overrun of wall time may be the machine's (a GC pause): only that socket goes.
    const costOffence = !result.ok && result.code === 'too_costly';
    const work = result.cost + (result.scanned ?? 0);
    if (costOffence || overBudget || !conn.work.take(result.ok ? work : REFUSED_WORK_FACTOR * work)) {
      this.deps.metrics.costRefused.inc();
      this.deps.onAbuse(conn, costOffence || !overBudget);
      conn.close(CLOSE.rateLimited, 'too much work: slow down');
    }
  }

  /**
   * [H16] The document has no room for this update's placement work until a trial shows its next
   * load stays cheap. Nothing was integrated; as with the store's push-back ([S13]) the writer keeps
   * the update and sends it again when it reconnects. Not a penalty: the estimate still costs budget.
   */
  private waitForRoom(conn: Connection, cost: number): void {
    this.deps.onNoRoom(this.id);
    conn.work.take(cost);
    conn.edits.refused++;
    this.deps.metrics.refused.inc();
    this.deps.metrics.roomWaits.inc();
    this.refuse(conn, RESEND_REFUSAL, 'the server is checking this collaboration: retry shortly');
    conn.close(CLOSE.tryAgainLater, 'collaboration being checked: retry later');
  }

  /**
   * The reply to a sync step 1. A fresh client's (empty state vector) is the whole document: when
   * that is large it is encoded once and shared until the document changes ([H12]), so clients
   * opening it together, or one asking twice, cost one encoding and one copy in memory.
   */
  private syncStep2(stateVector: Uint8Array): Uint8Array {
    const fresh = stateVector.length === 1 && stateVector[0] === 0;
    if (fresh && this.fullState) return this.fullState;
    const reply = msg.encodeSyncStep2(this.doc, stateVector);
    if (fresh && reply.length >= SHARED_REPLY_BYTES) {
      this.fullState = reply;
      this.doc.once('update', () => (this.fullState = null));
    }
    return reply;
  }

  private refuse(conn: Connection, code: string, message: string): void {
    conn.send(msg.encodePermissionDenied(message));
    if (conn.ack) conn.send(msg.encodeRefused(code, message));
  }

  private handleAwareness(conn: Connection, update: Uint8Array): void {
    if (update.length > this.deps.limits.maxAwarenessBytes) return conn.close(CLOSE.tooLarge, 'awareness state too large');
    if (!conn.awareness.take()) return conn.close(CLOSE.rateLimited, 'too many awareness updates');
    try {
      // Only the ids this connection introduced ([S12]); others' presence is not its to change.
      const claim = claimAwareness(update, conn, this.awareness, this.conns.values());
      if (claim.dropped.length > 0) this.deps.logger.debug({ collaborationId: this.id, userId: conn.userId, dropped: claim.dropped }, 'awareness entries for ids held by others dropped');
      if (claim.update) awarenessProtocol.applyAwarenessUpdate(this.awareness, claim.update, conn);
    } catch {
      this.deps.metrics.protocolErrors.inc();
      conn.close(CLOSE.protocolError, 'malformed awareness update');
    }
  }

  private onAwareness(change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void {
    const changed = [...change.added, ...change.updated, ...change.removed];
    if (origin && typeof origin === 'object' && 'awarenessIds' in origin) {
      const conn = origin as Connection;
      for (const id of [...change.added, ...change.updated]) conn.awarenessIds.add(id);
      for (const id of change.removed) conn.awarenessIds.delete(id);
      this.deps.onLocalAwareness(this, changed);
    }
    const frame = msg.encodeAwareness(this.awareness, changed);
    this.broadcast(frame, null);
  }

  /** The presence of this process's own clients, encoded (null when none has any). */
  localAwareness(): Uint8Array | null {
    const ids: number[] = [];
    for (const c of this.conns.values()) ids.push(...c.awarenessIds);
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  /** Presence from a client of another process (change feed or direct link). */
  applyRemoteAwareness(update: Uint8Array): void {
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE_ORIGIN);
    } catch {
      // A malformed relayed update only loses presence, never the document.
    }
  }

  private onUpdate(update: Uint8Array, origin: unknown): void {
    const remote = origin === REMOTE_ORIGIN;
    // Other processes' clients first: they need not wait for our disk either ([S10]).
    if (!remote) this.deps.relay?.publish(this.id, update);
    const frame = msg.encodeUpdate(update);
    const client = typeof origin === 'object' && origin !== null && (origin as ClientOrigin).kind === 'client' ? (origin as ClientOrigin) : null;
    // An accepted client update is not echoed to its writer; a refusal's compensation is.
    this.broadcast(frame, client && !client.refused ? client.connId : null);
    this.bytes += update.length;
    if (remote) {
      this.scheduleSaved();
      return;
    }
    this.unsaved++;
    const sv = this.hasAckConnections() ? Y.encodeStateVector(this.doc) : null;
    // [A1] a client's update is the authenticated member's, whatever it claims inside; a
    // server-side change is its engine actor's and run's.
    const writer = client ? this.conns.get(client.connId)?.userId : undefined;
    const attribution: Attribution | undefined = writer !== undefined ? { actor: { kind: 'user', id: writer } } : this.changeAttribution;
    this.lastPersist = this.deps.persister.enqueue(this.id, update, attribution).then((seq) => {
      this.unsaved--;
      this.storedSeq = Math.max(this.storedSeq, seq);
      this.deps.onStored(this.id, update.length);
      if (sv) this.savedSv = sv;
      this.scheduleSaved();
      return seq;
    });
  }

  private hasAckConnections(): boolean {
    for (const c of this.conns.values()) if (c.ack) return true;
    return false;
  }

  /**
   * What this copy may call durable: everything (or, with local writes in flight, what the last
   * stored one covered), less anything another process forwarded that is not known stored yet.
   */
  private savedStateVector(): Uint8Array | null {
    const sv = this.unsaved === 0 ? Y.encodeStateVector(this.doc) : this.savedSv;
    const unconfirmed = this.deps.relay?.unconfirmed(this.id) ?? [];
    if (!sv || unconfirmed.length === 0) return sv;
    return Y.encodeStateVector(clampStateVector(Y.decodeStateVector(sv), unconfirmed));
  }

  /** Tell `?ack=1` clients what is durable, at most once per tick. */
  scheduleSaved(): void {
    if (this.savedScheduled || !this.hasAckConnections()) return;
    this.savedScheduled = true;
    queueMicrotask(() => {
      this.savedScheduled = false;
      const sv = this.savedStateVector();
      if (!sv) return;
      const frame = msg.encodeSaved(sv);
      for (const c of this.conns.values()) if (c.ack) c.send(frame);
    });
  }

  broadcast(frame: Uint8Array, exceptConnId: number | null): void {
    for (const c of this.conns.values()) {
      if (c.id !== exceptConnId) {
        c.send(frame);
        this.deps.metrics.messagesOut.inc();
      }
    }
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }
}
