// The storage interface: small repositories over the records the system keeps, implemented by
// the SQLite adapter (embedded default) and the MongoDB adapter. Every adapter passes
// ./conformance/suite.ts. Records read back are parsed by @trellis/schema; a record that fails is
// a CorruptRecordError, never silently replaced.
import type {
  Approval, Attribution, AuditEntry, Change, Checkin, Collaboration, CollaborationProjection, Invite, Job, Membership, Notification, Page, PeerRecord, Role, User,
} from '@trellis/schema';

export interface PageRequest {
  cursor?: string | undefined;
  limit: number;
}

export interface UserRepo {
  /** Insert on first sight; later calls refresh email/displayName. */
  upsert(user: User): Promise<User>;
  get(id: string): Promise<User | null>;
  /** The user whose email is this one, ignoring case (the first, if several share it). */
  findByEmail(email: string): Promise<User | null>;
}

export interface CollaborationRepo {
  /** Creates the collaboration and its owner membership atomically. */
  create(collab: Collaboration): Promise<void>;
  get(id: string): Promise<Collaboration | null>;
  /** Replace mutable fields (title, settings, policy, rules, archived, updatedAt); emits a `collaboration` change. */
  update(id: string, patch: Partial<Pick<Collaboration, 'title' | 'settings' | 'policy' | 'rules' | 'archived'>>): Promise<Collaboration | null>;
  /** All non-archived collaborations with AI check-ins on, cursor-paginated by id. */
  listCheckinEnabled(page: PageRequest): Promise<Page<Collaboration>>;
}

export interface MemberRepo {
  get(collaborationId: string, userId: string): Promise<Membership | null>;
  /** Insert only, atomically (`[D32]`): false, and nothing changes, if the user is already a member
   *  (whatever their role). Emits a `membership` change when it inserts. */
  add(m: Membership): Promise<boolean>;
  /** Insert or change the role; emits a `membership` change. */
  put(m: Membership): Promise<void>;
  /** Remove; emits a `membership` change with role null. Returns false if absent. */
  remove(collaborationId: string, userId: string): Promise<boolean>;
  list(collaborationId: string, page: PageRequest): Promise<Page<Membership>>;
  countOwners(collaborationId: string): Promise<number>;
  /** Atomically change a member's role (role null = remove), keeping the last-owner invariant
   *  across processes: 'absent' if not a member; 'last_owner' (nothing changes) if the member is
   *  an owner, the change demotes or removes them, and no other owner exists; else applies it
   *  (keeping addedAt/addedBy) and emits the same `membership` change as put/remove. */
  changeGuarded(collaborationId: string, userId: string, role: Role | null): Promise<'ok' | 'absent' | 'last_owner'>;
  /** "My collaborations": newest first, cursor-paginated. */
  listForUser(userId: string, page: PageRequest): Promise<Page<{ collaboration: Collaboration; role: Role }>>;
}

/** Why an invite cannot be used. */
export type InviteRefusal = 'absent' | 'revoked' | 'expired' | 'used_up';

export interface InviteRepo {
  create(invite: Invite): Promise<void>;
  get(id: string): Promise<Invite | null>;
  findByTokenHash(tokenHash: string): Promise<Invite | null>;
  /** A collaboration's invites, newest first, cursor-paginated. */
  listForCollaboration(collaborationId: string, page: PageRequest): Promise<Page<Invite>>;
  /** Email invites for this (lower-cased) address that are neither revoked nor used up (a use
   *  whose claim is not settled yet leaves its invite listed: the join is still to be made). */
  listOpenForEmail(email: string): Promise<Invite[]>;
  /** Sets revokedAt once; returns the invite and whether this call revoked it (so a revocation is
   *  audited once, however often it is asked for), or null if it is not one of this collaboration's. */
  revoke(collaborationId: string, id: string, at: string): Promise<{ invite: Invite; revokedNow: boolean } | null>;
  /** Takes one use for `userId` atomically (`[D40]`): of concurrent takes of the last use exactly one
   *  succeeds; a revoked, expired (expiresAt ≤ now) or used-up invite is refused with the reason. The
   *  use is the user's claim until `settle`d: while it is, their takes are granted on it without
   *  another use (a join cut short by a crash, the same person accepting twice at once), unless the
   *  invite was revoked or expired since. */
  use(id: string, now: string, userId: string): Promise<{ ok: true; invite: Invite } | { ok: false; reason: InviteRefusal }>;
  /** The user joined on their claim: it is spent (a later take of theirs is a new use). */
  settle(id: string, userId: string): Promise<void>;
}

export interface StoredUpdate {
  seq: number;
  data: Uint8Array;
}

export interface LoadedDoc {
  /** The latest snapshot (merged state), or null. */
  snapshot: Uint8Array | null;
  snapshotSeq: number;
  /** Updates after the snapshot, in sequence order. */
  updates: StoredUpdate[];
  lastSeq: number;
}

export interface AppendEntry {
  collaborationId: string;
  updates: Uint8Array[];
  origin: string;
  /** Who made these updates (SPEC [A1]); stored with each of them. */
  attribution?: Attribution | undefined;
}

/** One update of a document's history: an attributed update kept beside the snapshots. */
export interface HistoryUpdate {
  seq: number;
  data: Uint8Array;
  /** When it was stored (ms since epoch); null for updates stored before history was kept. */
  at: number | null;
  /** null: stored before history was kept (never offered for revert). */
  attribution: Attribution | null;
}

export interface DocHistory {
  /** The merged state of everything before the history (older than the retention, or stored
   *  before attribution existed and already compacted), or null when the history starts empty. */
  base: Uint8Array | null;
  baseSeq: number;
  /** Every update after `baseSeq`, in sequence order, whether or not a snapshot covers it. */
  updates: HistoryUpdate[];
  lastSeq: number;
}

/** Move the start of a document's history forward (retention): `state` is the merged state of
 *  every update ≤ `seq`; updates ≤ seq are then dropped from the history. */
export interface HistoryCut {
  seq: number;
  state: Uint8Array;
}

export interface DocRepo {
  /** Append updates in order under the next per-document sequence numbers; durable when it returns.
   *  Emits one `update` change per update carrying `origin`. */
  append(collaborationId: string, updates: Uint8Array[], origin: string, attribution?: Attribution): Promise<{ firstSeq: number; lastSeq: number }>;
  /** Group commit: several documents' appends in one durable write (one fsync / one transaction).
   *  Same semantics as calling append for each entry, in order. */
  appendBatch(entries: AppendEntry[]): Promise<{ firstSeq: number; lastSeq: number }[]>;
  /** Latest snapshot + later updates. Throws CorruptRecordError if any stored blob fails its checksum. */
  load(collaborationId: string): Promise<LoadedDoc>;
  /** Replace updates ≤ uptoSeq by `state` (their merged state) for loading. Atomic: a crash or racing
   *  append never loses an update. Updates inside the history (after its start) are kept beside the
   *  snapshot; `cut` moves the history's start forward (retention), and only then are they dropped. */
  compact(collaborationId: string, state: Uint8Array, uptoSeq: number, cut?: HistoryCut): Promise<void>;
  /** The document's history: its base state and every update after it, with attribution. */
  loadHistory(collaborationId: string): Promise<DocHistory>;
  /** Number of updates and bytes stored after the latest snapshot (compaction thresholds). */
  pendingSize(collaborationId: string): Promise<{ updates: number; bytes: number }>;
}

export interface ApprovalRepo {
  create(a: Approval): Promise<void>;
  get(id: string): Promise<Approval | null>;
  /** Compare-and-set on status: returns the updated approval only if it was in `from`. Emits an `approval` change. */
  transition(id: string, from: Approval['status'], to: Approval['status'], patch?: Partial<Pick<Approval, 'decidedBy' | 'decidedAt' | 'outcome' | 'decisionReason'>>): Promise<Approval | null>;
  /** Pending approvals for the given collaborations, newest first. */
  listPending(collaborationIds: string[], page: PageRequest): Promise<Page<Approval>>;
  listForCollaboration(collaborationId: string, page: PageRequest): Promise<Page<Approval>>;
  /** Move pending approvals whose expiresAt has passed to `expired` (each a CAS, emitting a change). */
  expireDue(now: Date, limit: number): Promise<Approval[]>;
}

export interface CheckinRepo {
  /** Claim the (collaboration, local day) slot: returns false if one exists (unique constraint). */
  claim(c: Checkin): Promise<boolean>;
  get(collaborationId: string, localDay: string): Promise<Checkin | null>;
  /** Overwrite a claimed check-in (status, summary, proposals, ...); emits a `checkin` change when done. */
  save(c: Checkin): Promise<void>;
  /** Store a model call's answers with their check-ins in one atomic write, each only while the
   *  stored check-in is still that run (same id, run id and start), running and without an answer:
   *  a worker that outlived its lease cannot replace what the worker that took over stored (SPEC
   *  [W10]). Returns the check-ins it stored. */
  saveAnswers(cs: Checkin[]): Promise<Checkin[]>;
  /** Store a check-in's outcome (done or failed) only while the stored one is still that run and
   *  running (SPEC [W10]); emits a `checkin` change. Returns whether it was stored. */
  finish(c: Checkin): Promise<boolean>;
  list(collaborationId: string, page: PageRequest): Promise<Page<Checkin>>;
  /** The most recent completed check-in (for "what changed since"). */
  latestDone(collaborationId: string): Promise<Checkin | null>;
  /** Remove a claimed check-in that failed before doing anything, so it can be retried. */
  release(collaborationId: string, localDay: string): Promise<void>;
}

export interface AuditRepo {
  /** Idempotent by id: an entry whose id is already stored is left as it is (a resumed writer
   *  re-appends what it may have written before it crashed). */
  append(e: AuditEntry): Promise<void>;
  /** Several entries in one write. */
  appendMany(entries: AuditEntry[]): Promise<void>;
  list(collaborationId: string, page: PageRequest): Promise<Page<AuditEntry>>;
}

export interface NotificationRepo {
  create(n: Notification): Promise<void>;
  list(userId: string, page: PageRequest & { unreadOnly?: boolean }): Promise<Page<Notification>>;
  markRead(userId: string, ids: string[], at: string): Promise<number>;
  unreadCount(userId: string): Promise<number>;
}

export interface EnqueueJob {
  type: string;
  payload: Record<string, unknown>;
  /** At most one live (queued or leased) job per dedupe key. */
  dedupeKey?: string | undefined;
  runAt?: number | undefined;
  maxAttempts?: number | undefined;
}

export interface JobRepo {
  /** Returns the job, or null when deduplicated or the queue is full (backpressure). */
  enqueue(job: EnqueueJob, opts?: { maxQueued?: number }): Promise<Job | null>;
  /** Lease the next runnable job of these types (queued and due, or leased with an expired lease)
   *  under a fresh `leaseId`. In the same write, jobs of these types whose lease expired with their
   *  attempts used up (the worker died on every one) are dead-lettered instead of run again. */
  claim(types: string[], owner: string, visibilityMs: number, now?: number): Promise<Job | null>;
  /** Heartbeat: push the lease to `until` if `leaseId` still holds it (else false: the lease was lost). */
  extend(id: string, leaseId: string, until: number): Promise<boolean>;
  /** Only the claim that holds the lease (`leaseId`) may complete it. */
  complete(id: string, leaseId: string): Promise<boolean>;
  /** Record a failure of the lease `leaseId`: retry at `retryAt`, or dead-letter with the reason when attempts are used up. */
  fail(id: string, leaseId: string, error: string, retryAt: number): Promise<Job | null>;
  get(id: string): Promise<Job | null>;
  counts(): Promise<Record<Job['status'], number>>;
  listDead(page: PageRequest): Promise<Page<Job>>;
  /** Delete `done` jobs that last ran before `before` (ms); dead letters are kept. Returns the count. */
  pruneDone(before: number): Promise<number>;
}

/** Retention of a kv row (DATA_MODEL.md, [D20]). */
export interface KvOptions {
  /** Earliest time (ms since epoch) the row may be removed; absent = kept forever. Reads do not check
   *  it: a row stays readable until a prune removes it, so callers pick a time after which nobody needs it. */
  expiresAt?: number | undefined;
}

export interface KeyValueRepo {
  /** Small durable values: change-feed cursors, idempotency results, markers, rate-limit slots. */
  get(key: string): Promise<string | null>;
  /** Insert or replace the value and its expiry (no `expiresAt` = kept forever). */
  set(key: string, value: string, opts?: KvOptions): Promise<void>;
  /** Insert only if absent; returns false if the key existed (its value and expiry unchanged). */
  setIfAbsent(key: string, value: string, opts?: KvOptions): Promise<boolean>;
  /** Replace the value (and expiry) only if it is exactly `expected` now; false otherwise. */
  compareAndSet(key: string, expected: string, value: string, opts?: KvOptions): Promise<boolean>;
  /** Delete rows whose `expiresAt` is at or before `now` (ms); rows without one stay. Returns the count. */
  pruneExpired(now: number): Promise<number>;
}

export interface PresenceEntry {
  collaborationId: string;
  /** The publishing process: it skips its own entries. */
  origin: string;
  /** A y-protocols awareness update. */
  data: Uint8Array;
}

/** The JSON projection of each collaboration document (see DATA_MODEL.md). */
export interface ProjectionRepo {
  /** Store unless a projection with a higher seq is already there (several processes write). */
  put(p: CollaborationProjection): Promise<void>;
  get(collaborationId: string): Promise<CollaborationProjection | null>;
  /** Only the seq of the stored projection (0 when there is none): no document read or parsed. */
  seqOf(collaborationId: string): Promise<number>;
}

/** Presence relayed between processes through the change feed; ephemeral (pruned with the feed). */
export interface PresenceRepo {
  publish(entries: PresenceEntry[]): Promise<void>;
}

/** Where server processes find each other when they link across machines (SPEC [S14], [D45]). */
export interface PeerRegistryRepo {
  /** Insert or renew this process's record (`expiresAt`, ms: past it the record is dead). */
  register(peer: PeerRecord): Promise<void>;
  /** Records whose `expiresAt` is after `now` (ms), by instance id. */
  live(now: number): Promise<PeerRecord[]>;
  /** Drop a record (a process stopping gracefully); absent is fine. */
  remove(instanceId: string): Promise<void>;
}

/** Opaque, resumable position in the change feed. */
export type ChangeCursor = string;

export interface ChangeBatch {
  changes: Change[];
  cursor: ChangeCursor;
}

export interface TailOptions {
  /** Resume after this cursor; undefined = from now. */
  from?: ChangeCursor | undefined;
  signal: AbortSignal;
  onBatch(batch: ChangeBatch): Promise<void>;
  /** The cursor is no longer in history (pruned / ChangeStreamHistoryLost): reload state from the store. */
  onResync(cursor: ChangeCursor): Promise<void>;
  onError?(err: unknown): void;
  /** Skip `update` changes written with this origin (a process's own writes); an optimisation
   *  adapters may ignore, so consumers still check. */
  excludeOrigin?: string | undefined;
  /** The consumer has accepted everything committed before `at` (ms): the tail is current as of
   *  then. Called often (every idle poll or empty server answer); readiness measures feed lag by it. */
  onCaughtUp?(at: number): void;
  /** Only `update` and `awareness` changes of these documents (the ones a server has loaded); other
   *  changes are not per document and always come. A document added while tailing gets every change
   *  committed after the add (`[D43]`): add it before reading it from the store. Adapters may send
   *  more than asked (consumers still check), never less. */
  documents?: DocumentInterest | undefined;
}

/** The documents a tail is asked for, changing while it runs (`createDocumentInterest`). */
export interface DocumentInterest {
  has(collaborationId: string): boolean;
  /** The documents asked for now. */
  ids(): string[];
  /** `listener` runs synchronously inside every `add` (so a tail can note its position at that
   *  moment); returns the unsubscribe. */
  onAdd(listener: (collaborationId: string) => void): () => void;
}

export interface ChangeFeed {
  /** The current end of the feed. */
  head(): Promise<ChangeCursor>;
  /** Tail until the signal aborts. At-least-once: consumers are idempotent. */
  tail(opts: TailOptions): Promise<void>;
}

export interface Store {
  readonly kind: 'sqlite' | 'mongo';
  readonly users: UserRepo;
  readonly collaborations: CollaborationRepo;
  readonly members: MemberRepo;
  readonly invites: InviteRepo;
  readonly docs: DocRepo;
  readonly approvals: ApprovalRepo;
  readonly checkins: CheckinRepo;
  readonly audit: AuditRepo;
  readonly notifications: NotificationRepo;
  readonly jobs: JobRepo;
  readonly kv: KeyValueRepo;
  readonly presence: PresenceRepo;
  readonly peers: PeerRegistryRepo;
  readonly projections: ProjectionRepo;
  readonly changes: ChangeFeed;
  close(): Promise<void>;
}
