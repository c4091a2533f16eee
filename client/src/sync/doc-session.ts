// One open collaboration document: the Y.Doc, its IndexedDB copy (`trellis:<userId>:<collabId>`), the
// WebsocketProvider with `ack=1`, and the save tracker. Framework-free; React reads `snapshot`.
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CLOSE, isResend } from '@trellis/schema';
import type { ConnectionMonitor } from '../api/connection.ts';
import { installCustomHandlers } from './custom-messages.ts';
import type { Refusal } from './custom-messages.ts';
import { registerOpenDoc } from './pending-changes.ts';
import { colorFor } from './presence.ts';
import { SaveTracker } from './save-tracker.ts';
import type { SerializedPending } from './save-tracker.ts';
import { clocksOfUpdate } from './state-vector.ts';

/**
 * - offline: the browser says it has no network;
 * - unreachable: the browser is online but the server does not answer (the app keeps retrying);
 * - unavailable: the server answers but cannot open this document (closed with 1011; retrying);
 * - stopped: the server refused this socket for good (see `stopped`);
 * - connecting, syncing (connected, changes not yet stored), saved.
 */
export type SyncPhase = 'offline' | 'unreachable' | 'unavailable' | 'stopped' | 'connecting' | 'syncing' | 'saved';

export interface SyncSnapshot {
  phase: SyncPhase;
  /** Local changes not yet acknowledged as durably stored. */
  unsaved: number;
  /** The IndexedDB copy has been loaded into the doc. */
  loaded: boolean;
  /** Synced with the server at least once since it opened (else the doc shows only this device's copy). */
  synced: boolean;
  /** The server closed the socket for good: 'auth' (token refused) or 'access' (not a member). */
  stopped: 'auth' | 'access' | null;
}

export interface DocSessionOptions {
  collabId: string;
  user: { id: string; displayName: string };
  token: string;
  serverUrl?: string;
  onRefused: (r: Refusal) => void;
  /** Repeated failures to connect while the browser is online: the caller checks token and membership. */
  onConnectTrouble: () => void;
  /** Told when the socket connects, asked to check the server when it keeps failing; its state shows. */
  connection?: ConnectionMonitor;
}

/** Closed attempts in a row (the first may be the server's restart) before the server is checked. */
const FAILURES_BEFORE_CHECK = 2;
/** ... and before the document says it cannot reach the server whatever the check found. */
const FAILURES_BEFORE_UNREACHABLE = 3;

export class DocSession {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  readonly persistence: IndexeddbPersistence;
  private readonly tracker: SaveTracker;
  private readonly pendingKey: string;
  private readonly listeners = new Set<() => void>();
  private loaded = false;
  private synced = false;
  private stopped: SyncSnapshot['stopped'] = null;
  private lastRefusalAt = 0;
  private lastTroubleAt = 0;
  /** How the last connection attempt ended (1011: the server could not open this document). */
  private lastCloseCode: number | null = null;
  /** Closes with 1013 in a row: the reconnect backoff keeps growing though each connection synced. */
  private sentBack = 0;
  private lastSentBackAt = 0;
  private current: SyncSnapshot;
  private destroyed = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(private readonly opts: DocSessionOptions) {
    this.pendingKey = `trellis:pending:${opts.user.id}:${opts.collabId}`;
    this.tracker = new SaveTracker(readPending(this.pendingKey));
    this.persistence = new IndexeddbPersistence(`trellis:${opts.user.id}:${opts.collabId}`, this.doc);
    const serverUrl = opts.serverUrl ?? `${location.origin.replace(/^http/, 'ws')}/sync`;
    this.provider = new WebsocketProvider(serverUrl, opts.collabId, this.doc, {
      connect: false,
      params: { token: opts.token, ack: '1' },
      maxBackoffTime: 10_000,
      // 4401 (token) and 4404 (not a member) are final until something changes; anything else,
      // including 4403 (role changed) and 4429 (rate limited), is worth another try.
      shouldReconnect: (e) => e.code !== 4401 && e.code !== 4404,
    });
    installCustomHandlers(this.provider, {
      onSaved: (sv) => {
        this.tracker.onAck(sv);
        if (this.tracker.count === 0) this.sentBack = 0;
        this.persistPending();
        this.emit();
      },
      onRefused: (r) => {
        this.lastRefusalAt = Date.now();
        // Sent back to be sent again ([S13], [H16]): the socket closes with 1013 and the edit, kept
        // here and still pending, goes out again on reconnect. Nothing to tell the person.
        if (isResend(r)) return this.emit();
        this.tracker.onRefused();
        this.opts.onRefused(r);
        this.emit();
      },
      onPermissionDenied: (reason) => {
        // ack=1 clients also get type 101 with details; only speak up if it does not follow.
        const at = Date.now();
        setTimeout(() => {
          if (this.lastRefusalAt < at - 50 && !this.destroyed) this.opts.onRefused({ code: 'permission_denied', message: reason });
        }, 400);
      },
    });
    this.provider.awareness.setLocalState({ user: { id: opts.user.id, name: opts.user.displayName, color: colorFor(opts.user.id) }, typing: false });

    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === this.provider || origin === this.persistence) return;
      this.tracker.recordLocal(clocksOfUpdate(update));
      this.persistPending();
      this.emit();
    };
    this.doc.on('update', onUpdate);
    this.cleanups.push(() => this.doc.off('update', onUpdate));

    const onStatus = ({ status }: { status: string }) => {
      if (status === 'connected') {
        this.lastCloseCode = null;
        this.tracker.onConnected();
        this.stopped = null;
        opts.connection?.reachable();
      } else if (status === 'disconnected') this.tracker.onDisconnected();
      this.emit();
    };
    this.provider.on('status', onStatus);
    this.provider.on('sync', (isSynced: boolean) => {
      if (isSynced) this.synced = true;
      this.emit();
    });
    this.provider.on('closed', ({ code }) => {
      this.stopped = code === 4401 ? 'auth' : 'access';
      this.emit();
    });
    this.provider.on('connection-close', (event: CloseEvent | null) => {
      this.lastCloseCode = event?.code ?? null;
      const now = Date.now();
      // Sent back to try later: each such connection synced (which resets the provider's backoff)
      // before the server turned our edits away, so back off here instead (200 ms, doubling up to
      // the provider's maximum) until everything pending is saved.
      if (event?.code === CLOSE.tryAgainLater) {
        // A run of them ends with a save of everything, or a quiet minute without one.
        if (now - this.lastSentBackAt > 60_000) this.sentBack = 0;
        this.lastSentBackAt = now;
        this.provider.wsUnsuccessfulReconnects = Math.max(this.provider.wsUnsuccessfulReconnects, this.sentBack++);
      }
      // The close is counted after this event: this is the attempt that makes it FAILURES_BEFORE_CHECK.
      // (A server that sent us back to try later answered: that is no trouble reaching it.)
      if (navigator.onLine && event?.code !== CLOSE.tryAgainLater && this.provider.wsUnsuccessfulReconnects + 1 >= FAILURES_BEFORE_CHECK) {
        // Is the server gone, or does it refuse us (token, membership)? The monitor and the caller find out.
        opts.connection?.check();
        if (now - this.lastTroubleAt > 15_000) {
          this.lastTroubleAt = now;
          this.opts.onConnectTrouble();
        }
      }
      queueMicrotask(() => this.emit());
    });
    if (opts.connection) {
      const monitor = opts.connection;
      this.cleanups.push(
        monitor.subscribe(() => {
          // The server answers again: do not wait out the socket's backoff.
          if (monitor.state === 'online' && this.loaded && this.stopped === null && !this.provider.wsconnected) this.provider.connect();
          this.emit();
        }),
      );
    }

    // The browser knows when it is offline: say so at once instead of waiting for the socket to fail.
    const goOffline = () => {
      this.provider.disconnect();
      this.emit();
    };
    const goOnline = () => {
      // Before the local copy is loaded, `start` connects (it reads navigator.onLine then).
      if (this.loaded && this.stopped === null) this.provider.connect();
      this.emit();
    };
    window.addEventListener('offline', goOffline);
    window.addEventListener('online', goOnline);
    this.cleanups.push(() => {
      window.removeEventListener('offline', goOffline);
      window.removeEventListener('online', goOnline);
    });

    this.current = this.compute();
    // Connect once the local copy is loaded, so the first sync already carries offline edits.
    const start = () => {
      if (this.destroyed || this.loaded) return;
      this.loaded = true;
      if (navigator.onLine) this.provider.connect();
      this.emit();
    };
    void this.persistence.whenSynced.then(start, start);
    const fallback = setTimeout(start, 2000);
    this.cleanups.push(() => clearTimeout(fallback));
    this.cleanups.push(registerOpenDoc(opts.user.id, opts.collabId, this));
  }

  get snapshot(): SyncSnapshot {
    return this.current;
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): SyncSnapshot => this.current;

  /** A fresh token after re-login: the next (re)connection uses it. */
  setToken(token: string): void {
    this.provider.params = { ...this.provider.params, token };
    if (this.stopped !== null || (!this.provider.wsconnected && navigator.onLine)) {
      this.stopped = null;
      this.provider.disconnect();
      this.provider.connect();
    }
    this.emit();
  }

  setTyping(typing: boolean): void {
    if (this.provider.awareness.getLocalState()?.['typing'] !== typing) this.provider.awareness.setLocalStateField('typing', typing);
  }

  destroy(): void {
    this.destroyed = true;
    for (const c of this.cleanups) c();
    this.provider.awareness.setLocalState(null);
    this.provider.destroy();
    void this.persistence.destroy();
    this.doc.destroy();
    this.listeners.clear();
  }

  private compute(): SyncSnapshot {
    const p = this.provider;
    const serverDown = this.opts.connection?.state === 'unreachable';
    let phase: SyncPhase;
    if (this.stopped !== null) phase = 'stopped';
    else if (!navigator.onLine) phase = 'offline';
    // The server answers but cannot open this document (1011, SPEC [H8], [H15]): not the network's fault.
    else if (!p.wsconnected && this.lastCloseCode === CLOSE.internalError && !serverDown) phase = 'unavailable';
    // Sent back to try later (1013) the server answered: reconnecting, not unreachable.
    else if (!p.wsconnected) phase = serverDown || (this.lastCloseCode !== CLOSE.tryAgainLater && p.wsUnsuccessfulReconnects >= FAILURES_BEFORE_UNREACHABLE) ? 'unreachable' : 'connecting';
    else if (!p.synced || this.tracker.count > 0) phase = 'syncing';
    else phase = 'saved';
    return { phase, unsaved: this.tracker.count, loaded: this.loaded, synced: this.synced, stopped: this.stopped };
  }

  private emit(): void {
    if (this.destroyed) return;
    const next = this.compute();
    const c = this.current;
    if (next.phase === c.phase && next.unsaved === c.unsaved && next.loaded === c.loaded && next.synced === c.synced && next.stopped === c.stopped) return;
    this.current = next;
    for (const l of this.listeners) l();
  }

  private persistPending(): void {
    try {
      if (this.tracker.count === 0) localStorage.removeItem(this.pendingKey);
      else localStorage.setItem(this.pendingKey, JSON.stringify(this.tracker.serialize()));
    } catch {
      // Storage full: the count restarts after a reload, the edits themselves are in IndexedDB.
    }
  }
}

function readPending(key: string): SerializedPending {
  try {
    const raw = localStorage.getItem(key);
    const v: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(v) ? (v as SerializedPending) : [];
  } catch {
    return [];
  }
}
