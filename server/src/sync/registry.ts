// Loaded documents of this process (SPEC [S6]): load on first use, unload after the last client
// leaves and its writes are stored, buffer feed updates while loading, compact in the background.
// Also the server's DocHost: engine changes edit the live document, so clients see them at once.
import * as Y from 'yjs';
import type { Attribution, CollaborationProjection, DocEvent } from '@trellis/schema';
import { projectDoc, TrellisError } from '@trellis/schema';
import type { DocHost } from '@trellis/engine';
import type { Logger } from '@trellis/runtime';
import type { CompactOptions, DocHistory, LoadedDoc, Store } from '@trellis/store';
import { applyLoaded, createDocumentInterest, loadedBytes, placedKey, refusedKey, vettedKey } from '@trellis/store';
import { loadCheckDeadlineMs } from './limits.ts';
import type { SyncLimits } from './limits.ts';
import { LiveDoc, REMOTE_ORIGIN } from './live-doc.ts';
import { ProjectionRefresh } from './projection-refresh.ts';
import { renewRoom, takeShare, TrialRecords } from './trial-records.ts';
import type { Pass, TrialRecord } from './trial-records.ts';
import type { Connection } from './connection.ts';
import type { DocRelay, RelayedApply } from './peers/peer-relay.ts';
import type { MemberBudget } from './member-budget.ts';
import type { Preflight } from './gate/preflight-thread.ts';
import type { Persister } from './persister.ts';
import type { SyncMetrics } from './sync-metrics.ts';

export interface RegistryDeps {
  store: Store;
  persister: Persister;
  limits: SyncLimits;
  logger: Logger;
  metrics: SyncMetrics;
  onEvents: (collaborationId: string, userId: string, events: DocEvent[]) => void;
  onLocalAwareness: (doc: LiveDoc, clientIds: number[]) => void;
  /** Stores JSON projections, several at once ([S16]). */
  putProjections: (projections: CollaborationProjection[]) => Promise<void>;
  /** A kv row kept forever, written off the event loop where the store allows. */
  setKv: (key: string, value: string) => Promise<void>;
  compact: (collaborationId: string, opts?: CompactOptions) => Promise<boolean>;
  relay: DocRelay | null;
  onAbuse: (conn: Connection, all?: boolean) => void;
  preflight: Preflight;
  clientIds: MemberBudget;
  overruns: MemberBudget;
}

/** How long a document refused by its trial load is refused without another ([H15]). */
const REFUSED_TRIAL_MEMORY_MS = 5 * 60_000;
const tooCostly = () => new TrellisError('internal', 'stored document too costly to load');

/**
 * [S6] A document stays loaded after its last client leaves for at least this many times what its
 * load cost the event loop (at most UNLOAD_HOLD_MAX_MS): leaving and coming back cannot make the
 * process load a large document again and again — each load's stall is at most 1 % of the time
 * that follows it.
 */
const UNLOAD_HOLD_FACTOR = 100;
const UNLOAD_HOLD_MAX_MS = 10 * 60_000;

/** Work is stored in steps this large (a kv write per step, not per update). */
const WORK_STEP = 100_000;
/** The longest a document that passed its trial without room to spare waits before another try ([H16]). */
const ROOM_RETRY_MAX_MS = 60 * 60_000;

/**
 * `roomy`: passed within `roomyShare` of its allowance, so its room for placement work is renewed
 * ([H16]); `tight`: passed, slower than that; `unchecked`: no thread to try it on; `failed`: Yjs
 * threw on the thread (the load on the event loop will throw too, [H8]).
 */
type TrialOutcome = 'roomy' | 'tight' | 'unchecked' | 'failed';

export class DocRegistry implements DocHost {
  private readonly loaded = new Map<string, LiveDoc>();
  private readonly loading = new Map<string, { promise: Promise<LiveDoc>; buffered: Uint8Array[]; presence: Uint8Array[] }>();
  private readonly compacting = new Set<string>();
  private readonly storedSince = new Map<string, { updates: number; bytes: number }>();
  private readonly projections: ProjectionRefresh;
  /** Trial passes and placement work of documents ([H15], [H16]). */
  private readonly records = new TrialRecords((id) => this.loaded.has(id) || this.loading.has(id));
  /** Trials under way: concurrent loads and history requests of one document share one. */
  private readonly trials = new Map<string, Promise<TrialOutcome>>();
  /** The documents loaded or loading here: the change feed sends only their updates and presence. */
  readonly documents = createDocumentInterest();

  constructor(private readonly deps: RegistryDeps) {
    deps.metrics.documents.set(() => this.loaded.size);
    this.projections = new ProjectionRefresh({
      project: (id) => {
        const live = this.loaded.get(id);
        return live ? projectDoc(id, live.doc, live.storedSeq) : null;
      },
      put: deps.putProjections,
      logger: deps.logger,
    });
  }

  get(id: string): LiveDoc | undefined {
    return this.loaded.get(id);
  }

  all(): IterableIterator<LiveDoc> {
    return this.loaded.values();
  }

  async acquire(id: string): Promise<LiveDoc> {
    const live = this.loaded.get(id);
    if (live) return live;
    const pending = this.loading.get(id);
    if (pending) return pending.promise;
    const entry = { promise: this.load(id), buffered: [] as Uint8Array[], presence: [] as Uint8Array[] };
    this.loading.set(id, entry);
    // Ask peers and the change feed for this document's updates before reading the store, so none
    // falls in between.
    this.deps.relay?.interest(id, true);
    this.documents.add(id);
    try {
      const doc = await entry.promise;
      // Updates that arrived from other processes while we were reading the store.
      for (const u of entry.buffered) Y.applyUpdate(doc.doc, u, REMOTE_ORIGIN);
      for (const a of entry.presence) doc.applyRemoteAwareness(a);
      this.loaded.set(id, doc);
      return doc;
    } catch (err) {
      this.deps.relay?.interest(id, false);
      this.documents.delete(id);
      throw err;
    } finally {
      this.loading.delete(id);
    }
  }

  /**
   * [H15] A stored document of some size is integrated on the pre-flight thread first, so content
   * that costs far more than its size explains — concurrent inserts shaped for Yjs's worst case,
   * stored before the gate bounded updates, or built from many updates that each passed it — never
   * stalls the event loop. Too costly there: refused (1011, counted, left as stored) instead of
   * loaded. A pass is recorded in the store with the document's size (after the load succeeds), so
   * no process tries it again until it has more than doubled or updates since have done more than
   * `loadCheckWork` of placement work.
   * @returns the pass to record once the document has loaded, if any
   */
  private async checkLoad(id: string, stored: LoadedDoc, bytes: number): Promise<'roomy' | 'tight' | null> {
    const pass = this.records.peek(id)?.pass;
    // Not tried (small): its size is recorded, its room for placement work is not renewed.
    if (!this.needsTrial(id, bytes, pass)) return pass === undefined ? 'tight' : null;
    const outcome = await this.trial(id, id, storedParts(stored), bytes);
    if (outcome === 'failed') {
      this.deps.metrics.loadRefused.inc();
      throw new TrellisError('internal', 'stored document failed to integrate');
    }
    return outcome === 'roomy' || outcome === 'tight' ? outcome : null;
  }

  /** Never passed, more than doubled since, or more placement work let in since than `loadCheckWork`. */
  private needsTrial(id: string, bytes: number, pass: Pass | undefined): boolean {
    const { loadCheckBytes: min, loadCheckWork } = this.deps.limits;
    return bytes >= min && (pass === undefined || bytes > 2 * Math.max(pass.bytes, min) || this.records.workSince(id, pass) >= loadCheckWork);
  }

  private refuseIfRecent(id: string): void {
    // A document just refused is refused again without another trial: reconnects and history
    // requests cannot keep the pre-flight thread busy with it.
    if (refusedLately(this.records.peek(id))) {
      this.deps.metrics.loadRefused.inc();
      throw tooCostly();
    }
  }

  /** One trial per `key` at a time; every caller gets its outcome (or its refusal). */
  private trial(key: string, id: string, parts: Uint8Array[], bytes: number): Promise<TrialOutcome> {
    let running = this.trials.get(key);
    if (!running) {
      running = this.runTrial(id, parts, bytes).finally(() => this.trials.delete(key));
      this.trials.set(key, running);
    }
    return running;
  }

  private async runTrial(id: string, parts: Uint8Array[], bytes: number): Promise<TrialOutcome> {
    this.deps.metrics.trialLoads.inc();
    const deadlineMs = loadCheckDeadlineMs(this.deps.limits, bytes);
    const verdict = await this.deps.preflight.checkLoad(parts, deadlineMs);
    if (verdict.ok && !('unchecked' in verdict)) {
      if (verdict.ms !== undefined) this.records.get(id).lastTrialMs = verdict.ms;
      // Passed: whatever refused it before (content since removed, a starved machine) no longer holds.
      this.setMark(refusedKey(id), '');
      return (verdict.ms ?? deadlineMs) <= this.deps.limits.roomyShare * deadlineMs ? 'roomy' : 'tight';
    }
    if (verdict.ok) return 'unchecked';
    if (verdict.code === 'busy') throw new TrellisError('unavailable', 'server busy: retry later');
    if (verdict.code === 'too_costly') {
      this.deps.metrics.loadRefused.inc();
      this.deps.logger.error({ collaborationId: id, bytes }, 'stored document too costly to load (it costs far more than its size explains); refusing to serve it');
      this.records.get(id).refusedAt = Date.now();
      // The worker reads it too: it does not integrate what a server refused.
      this.setMark(refusedKey(id), String(Date.now()));
      throw tooCostly();
    }
    // Yjs threw on the thread: it would throw on the event loop too, after doing the same work, so
    // the load is refused now ([H8]), and remembered like a refusal.
    this.records.get(id).refusedAt = Date.now();
    return 'failed';
  }

  /** What the store recorded of a document's last pass ([H15]), taken in here unless already known. */
  private async readPass(id: string): Promise<void> {
    if (this.records.peek(id)?.pass) return;
    const [rawBytes, rawWork] = await Promise.all([this.deps.store.kv.get(vettedKey(id)), this.deps.store.kv.get(placedKey(id))]);
    const bytes = rawBytes === null ? NaN : Number(rawBytes);
    const placed = rawWork === null ? 0 : Number(rawWork);
    const since = Number.isFinite(placed) && placed >= 0 ? placed : 0;
    // Work since the pass, as stored, is where this process's count starts.
    const r = this.records.get(id);
    r.work = Math.max(r.work, since);
    if (Number.isFinite(bytes) && bytes >= 0) r.pass = { bytes, work: r.work - since };
  }

  /** [H15] The gate let `units` of placement work from `member` into a loaded document: counted towards its next trial. */
  noteWork(id: string, units: number, member: string): void {
    const before = this.records.workSince(id);
    const r = this.records.get(id);
    r.work += units;
    takeShare(r, member, units);
    const after = this.records.workSince(id);
    // Stored in steps, so the next load here or in another process sees it.
    if (Math.floor(after / WORK_STEP) > Math.floor(before / WORK_STEP)) this.setMark(placedKey(id), String(after));
    // [H16] a quarter of the room used (half of what one member may take): tried again now, so
    // honest documents, and a member merging much work alone, never wait for room.
    if (after >= this.deps.limits.loadCheckWork / 4) this.tryForRoom(id);
  }

  /**
   * [H16] Placement work a loaded document may still take: what is left of `loadCheckWork` since its
   * last roomy pass. Each update's cost is bounded ([H6]) and so, now, is their sum between trials:
   * its next load costs at most its last roomy trial (`roomyShare` of its allowance) plus this, so
   * it is never refused.
   */
  placementRoom(id: string, member: string): number {
    const room = this.deps.limits.loadCheckWork - 1 - this.records.workSince(id);
    // No member may take more than half of it between renewals: the rest stays for the others.
    const share = Math.floor(this.deps.limits.loadCheckWork / 2) - (this.records.peek(id)?.shares?.get(member) ?? 0);
    return Math.max(0, Math.min(room, share));
  }

  /**
   * [H16] Try a loaded document as stored now (what its next load integrates): passed within
   * `roomyShare` of its allowance, its room is renewed from the work done when the trial began.
   * Tried again no sooner than `roomTrialIntervalMs` and `roomTrialCostFactor` times what the last
   * try took on the thread (the thread is shared); after a pass without room to spare, or a try
   * refused or turned away, the wait doubles (up to an hour: a busy machine's slow trial is not the
   * last word), and meanwhile the document keeps what room it has (edits that place nothing still
   * go in). With no thread to try it on, the room is renewed: nothing can check it, and each update
   * stays bounded.
   */
  tryForRoom(id: string): void {
    const live = this.loaded.get(id);
    const r = this.records.get(id);
    if (!live || this.trials.has(id) || (r.roomTrialAt !== undefined && Date.now() - r.roomTrialAt < (r.roomRetryMs ?? this.deps.limits.roomTrialIntervalMs))) return;
    // Refused by a trial lately ([H15]): served as loaded, not tried again before that is forgotten.
    if (refusedLately(r)) return;
    r.roomTrialAt = Date.now();
    // The work counted so far is in updates stored once the latest of them is.
    const work = r.work;
    const persisted = live.lastPersist;
    void (async () => {
      await persisted;
      const stored = await this.deps.store.docs.load(id);
      const bytes = loadedBytes(stored);
      const outcome = await this.trial(id, id, storedParts(stored), bytes);
      // Forgotten meanwhile (unloaded, and the records full): this try's count is no longer the document's.
      if (this.records.peek(id) !== r) return;
      // What the try cost the thread, not what it waited behind there.
      const wait = Math.min(ROOM_RETRY_MAX_MS, Math.max(this.deps.limits.roomTrialIntervalMs, this.deps.limits.roomTrialCostFactor * (r.lastTrialMs ?? 0)));
      const retry = outcome === 'tight' ? Math.min(ROOM_RETRY_MAX_MS, Math.max(wait, 2 * (r.roomRetryMs ?? wait))) : wait;
      // No thread to try it on: the room is renewed here, and nothing is recorded as a pass.
      if (outcome === 'unchecked') renewRoom(r, work);
      else if (outcome !== 'failed') this.recordVetted(id, bytes, outcome, work);
      r.roomRetryMs = retry;
    })().catch((err: unknown) => {
      // Refused, or the thread too busy: not again at once (each try is a whole trial on a shared thread).
      if (this.records.peek(id) === r) r.roomRetryMs = Math.min(ROOM_RETRY_MAX_MS, 2 * (r.roomRetryMs ?? this.deps.limits.roomTrialIntervalMs));
      this.deps.logger.warn({ err, collaborationId: id }, 'a loaded document could not be tried for room; its room is not renewed');
    });
  }

  /** A trial-load mark ([H15]), written by the write thread with SQLite; only an optimisation if lost. */
  private setMark(key: string, value: string): void {
    this.deps.setKv(key, value).catch((err: unknown) => {
      this.deps.logger.warn({ err, key }, 'could not record a trial-load mark');
    });
  }

  /** A pass of `bytes`; a roomy one renews the room from `work`, the work done when its trial began ([H16]). */
  private recordVetted(id: string, bytes: number, outcome: 'roomy' | 'tight', work: number): void {
    const r = this.records.get(id);
    const before = r.pass;
    if (outcome === 'roomy') {
      // Room to spare, from a load or a try for room: the next try need not wait out a busy spell's doubling.
      renewRoom(r, work);
      delete r.roomRetryMs;
    }
    r.pass = { bytes, work: r.pass?.work ?? 0 };
    const since = this.records.workSince(id);
    if (since !== this.records.workSince(id, before)) this.setMark(placedKey(id), String(since));
    // Lost, the next process only tries the document again.
    this.setMark(vettedKey(id), String(bytes));
  }

  /**
   * [H15] for replays of a document's history (DocHost.vet): the history is tried itself — it can
   * hold far more than the document (content deleted since, whose snapshot is small) — once per
   * process until it has more than doubled or the updates let in here since did more than
   * `loadCheckWork` of placement work.
   */
  async vet(id: string, history: DocHistory): Promise<void> {
    this.refuseIfRecent(id);
    const parts = [...(history.base ? [history.base] : []), ...history.updates.map((u) => u.data)];
    const bytes = parts.reduce((n, p) => n + p.byteLength, 0);
    const r = this.records.get(id);
    if (!this.needsTrial(id, bytes, r.historyPass)) return;
    const work = r.work;
    const outcome = await this.trial(`history:${id}`, id, parts, bytes);
    // Forgotten meanwhile: the count this pass stood at is no longer the document's.
    if ((outcome === 'roomy' || outcome === 'tight') && this.records.peek(id) === r) r.historyPass = { bytes, work };
  }

  private async load(id: string): Promise<LiveDoc> {
    // A failed load (store down, corrupt record) throws: never serve an empty document in its place.
    this.refuseIfRecent(id);
    // The projection's seq only, to see whether it lags the log ([S16]: a crash before a sweep); never fails the load.
    const projected = this.deps.store.projections.seqOf(id).catch(() => Number.POSITIVE_INFINITY);
    const [collab, stored, projectedSeq] = await Promise.all([this.deps.store.collaborations.get(id), this.deps.store.docs.load(id), projected, this.readPass(id)]);
    if (!collab) throw new TrellisError('not_found', 'collaboration not found');
    const bytes = loadedBytes(stored);
    const work = this.records.peek(id)?.work ?? 0;
    const record = await this.checkLoad(id, stored, bytes);
    const live = new LiveDoc(id, collab.policy, {
      ...this.deps,
      onEmpty: (d) => this.scheduleUnload(d),
      onStored: (doc, b) => this.noteStored(doc, 1, b, true),
      onWork: (doc, units, member) => this.noteWork(doc, units, member),
      placementRoom: (doc, member) => this.placementRoom(doc, member),
      onNoRoom: (doc) => this.tryForRoom(doc),
    });
    const started = performance.now();
    live.loadStored((doc) => applyLoaded(doc, stored, REMOTE_ORIGIN));
    live.loadMs = performance.now() - started;
    this.deps.metrics.loadSeconds.observe(live.loadMs / 1000);
    // [H8] fail closed: a stored log missing a dependency would load with content silently absent.
    if (live.doc.store.pendingStructs !== null || live.doc.store.pendingDs !== null) {
      this.deps.metrics.loadRefused.inc();
      this.deps.logger.error({ collaborationId: id, lastSeq: stored.lastSeq }, 'stored document is incomplete (missing dependencies); refusing to serve it');
      live.destroy();
      throw new TrellisError('internal', 'stored document is incomplete');
    }
    if (record) this.recordVetted(id, bytes, record, work);
    live.bytes = bytes;
    live.storedSeq = stored.lastSeq;
    live.doc.getArray('messages');
    live.doc.getArray('activities');
    live.doc.getText('notes');
    this.storedSince.set(id, { updates: stored.updates.length, bytes: bytes - (stored.snapshot?.length ?? 0) });
    // Stored updates its projection does not reflect (a process stopped before its sweep): project it.
    if (stored.lastSeq > projectedSeq) this.projections.changed(id);
    return live;
  }

  /**
   * Apply updates another process stored (change feed), in one transaction. One its writer already
   * forwarded into this very copy ([S10]) is not applied again: only its bookkeeping is left, and
   * save acks may now cover it.
   */
  applyRemote(id: string, updates: { data: Uint8Array; seq: number; origin: string }[]): void {
    const loading = this.loading.get(id);
    const live = this.loaded.get(id);
    const pending: typeof updates = [];
    let held = false;
    for (const u of updates) {
      // Always confirm: the ledger forgets the update even when this copy is gone or reloaded.
      const appliedTo = this.deps.relay?.confirm(u.origin, id, u.data);
      if (live && appliedTo === live.doc) held = true;
      else pending.push(u);
    }
    if (loading) {
      for (const u of pending) loading.buffered.push(u.data);
      return;
    }
    if (!live) return;
    if (pending.length > 0) live.doc.transact(() => {
      for (const u of pending) {
        try {
          Y.applyUpdate(live.doc, u.data, REMOTE_ORIGIN);
        } catch (err) {
          this.deps.logger.error({ err, collaborationId: id, seq: u.seq }, 'stored update failed to apply');
        }
      }
    }, REMOTE_ORIGIN);
    let bytes = 0;
    for (const u of updates) {
      live.storedSeq = Math.max(live.storedSeq, u.seq);
      bytes += u.data.length;
    }
    if (held) live.scheduleSaved();
    this.deps.metrics.remoteApplied.inc(updates.length);
    this.noteStored(id, updates.length, bytes, false);
  }

  /**
   * Apply an update another process applied and forwarded before storing it ([S10]). Only an
   * update that changed (or will change) a copy here needs watching until its writer stores it.
   */
  applyRelayed(id: string, update: Uint8Array): RelayedApply {
    const loading = this.loading.get(id);
    if (loading) {
      loading.buffered.push(update);
      return { kind: 'queued' };
    }
    const live = this.loaded.get(id);
    if (!live) return { kind: 'unchanged' };
    const before = live.bytes;
    try {
      Y.applyUpdate(live.doc, update, REMOTE_ORIGIN);
    } catch (err) {
      this.deps.logger.warn({ err, collaborationId: id }, 'forwarded update failed to apply; the change feed will deliver it');
      return { kind: 'unchanged' };
    }
    return live.bytes !== before || live.doc.store.pendingStructs !== null ? { kind: 'applied', copy: live.doc } : { kind: 'unchanged' };
  }

  /** Presence of another process's clients (change feed or direct link); kept while loading. */
  applyRemoteAwareness(id: string, update: Uint8Array): void {
    const loading = this.loading.get(id);
    if (loading) loading.presence.push(update);
    else this.loaded.get(id)?.applyRemoteAwareness(update);
  }

  /** Reload loaded documents from the store (after the change feed lost its place). */
  async resync(): Promise<void> {
    for (const live of [...this.loaded.values()]) {
      const stored = await this.deps.store.docs.load(live.id);
      applyLoaded(live.doc, stored, REMOTE_ORIGIN);
      const collab = await this.deps.store.collaborations.get(live.id);
      if (collab) live.setPolicy(collab.policy);
    }
  }

  /**
   * Updates of a document were stored (`local`: by this process). Only a writer refreshes the JSON
   * projection — every other writer (server process, worker, REST) projects its own changes — and
   * only its own appends count toward background compaction: the proxy routes a collaboration to one
   * process, which therefore does its compactions, and the store's claim keeps others out ([D31]).
   */
  noteStored(id: string, updates: number, bytes: number, local: boolean): void {
    if (!local) return;
    this.projections.changed(id);
    const s = this.storedSince.get(id) ?? { updates: 0, bytes: 0 };
    s.updates += updates;
    s.bytes += bytes;
    this.storedSince.set(id, s);
    if (s.updates >= this.deps.limits.compactAfterUpdates || s.bytes >= this.deps.limits.compactAfterBytes) void this.compact(id);
  }

  /** Background compaction (from the store, on the write thread with SQLite). */
  async compact(id: string): Promise<void> {
    if (this.compacting.has(id)) return;
    this.compacting.add(id);
    try {
      await this.deps.compact(id, { historyRetentionMs: this.deps.limits.historyRetentionMs ?? undefined });
      this.storedSince.set(id, { updates: 0, bytes: 0 });
    } catch (err) {
      this.deps.logger.warn({ err, collaborationId: id }, 'compaction failed; will retry later');
    } finally {
      this.compacting.delete(id);
    }
  }

  /** A document was acquired for a connection that closed before it attached: unloaded as if it had left. */
  release(live: LiveDoc): void {
    if (live.connectionCount === 0 && live.pins === 0) this.scheduleUnload(live);
  }

  private scheduleUnload(live: LiveDoc): void {
    const hold = Math.min(UNLOAD_HOLD_MAX_MS, UNLOAD_HOLD_FACTOR * live.loadMs);
    setTimeout(() => void this.tryUnload(live), Math.max(this.deps.limits.unloadDelayMs, hold)).unref();
  }

  private async tryUnload(live: LiveDoc): Promise<void> {
    if (live.connectionCount > 0 || live.pins > 0 || this.loaded.get(live.id) !== live) return;
    if (live.hasPendingWrites) {
      await live.lastPersist;
      return this.tryUnload(live);
    }
    // Anything may have happened while the projection was written, a change stored (due again) too.
    if (await this.projections.flush(live.id)) return this.tryUnload(live);
    this.loaded.delete(live.id);
    this.storedSince.delete(live.id);
    this.deps.relay?.interest(live.id, false);
    // Updates peers forwarded into this copy leave the relay's ledger only when the feed shows them
    // stored ([S10]), so the feed keeps sending this document's updates while any are left.
    if ((this.deps.relay?.unconfirmed(live.id).length ?? 0) === 0) this.documents.delete(live.id);
    live.destroy();
  }

  // DocHost --------------------------------------------------------------------------------------

  async change<T>(collaborationId: string, origin: string, fn: (doc: Y.Doc) => T, attribution?: Attribution): Promise<T> {
    const live = await this.acquire(collaborationId);
    live.pins++;
    try {
      const before = live.lastPersist;
      live.changeAttribution = attribution;
      let result: T;
      try {
        result = live.doc.transact(() => fn(live.doc), origin);
      } finally {
        live.changeAttribution = undefined;
      }
      if (live.lastPersist !== before) await live.lastPersist;
      return result;
    } finally {
      live.pins--;
      if (live.connectionCount === 0) this.scheduleUnload(live);
    }
  }

  async read<T>(collaborationId: string, fn: (doc: Y.Doc) => T): Promise<T> {
    const live = await this.acquire(collaborationId);
    live.pins++;
    try {
      return fn(live.doc);
    } finally {
      live.pins--;
      if (live.connectionCount === 0) this.scheduleUnload(live);
    }
  }

  /** Store everything pending (graceful shutdown). */
  async flush(): Promise<void> {
    await this.deps.persister.idle();
    // After the updates: each projection names the last stored seq it reflects.
    await this.projections.flushAll();
  }
}

/** Refused by a trial load within the last REFUSED_TRIAL_MEMORY_MS ([H15]). */
function refusedLately(r: TrialRecord | undefined): boolean {
  return r?.refusedAt !== undefined && Date.now() - r.refusedAt < REFUSED_TRIAL_MEMORY_MS;
}

/** What a load of `stored` integrates, in order. */
function storedParts(stored: LoadedDoc): Uint8Array[] {
  return [...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates.map((u) => u.data)];
}
