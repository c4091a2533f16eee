// Whether the server can be reached, as far as the app can tell. Two different things go wrong:
// - 'offline': the browser itself says it has no network (navigator.onLine, `offline`/`online` events);
// - 'unreachable': the browser is online, but the server does not answer (refused connection, a
//   gateway error from the proxy in front of it). Then /api/health is probed with backoff until it does.
// Requests report what they found; nothing here assumes the server is up or down until they do.

export type Connection = 'online' | 'offline' | 'unreachable';

export interface ConnectionEnv {
  isBrowserOnline: () => boolean;
  /** Calls `fn` on the browser's `online` and `offline` events; returns the unsubscribe. */
  onBrowserChange: (fn: () => void) => () => void;
  /** true: the server answered (healthy); false: no server answer. */
  probe: () => Promise<boolean>;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (t: unknown) => void;
}

const FIRST_PROBE_MS = 1000;
const MAX_PROBE_MS = 5000;

export class ConnectionMonitor {
  private browserOnline: boolean;
  private serverDown = false;
  private current: Connection;
  private readonly listeners = new Set<() => void>();
  private timer: unknown = null;
  private probeDelay = FIRST_PROBE_MS;
  private probing: Promise<boolean> | null = null;

  constructor(private readonly env: ConnectionEnv) {
    this.browserOnline = env.isBrowserOnline();
    this.current = this.compute();
    env.onBrowserChange(() => {
      this.browserOnline = this.env.isBrowserOnline();
      this.emit();
      // Back online: find out at once whether the server answers (it may have been down before).
      if (this.browserOnline) this.check();
    });
  }

  get state(): Connection {
    return this.current;
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getState = (): Connection => this.current;

  /** The server itself answered (not a cached copy of an earlier answer). */
  reachable(): void {
    this.probeDelay = FIRST_PROBE_MS;
    this.cancelProbe();
    if (!this.serverDown) return;
    this.serverDown = false;
    this.emit();
  }

  /** A request found no server. While the browser is offline that is the browser's doing, not the server's. */
  unreachable(): void {
    this.browserOnline = this.env.isBrowserOnline();
    if (!this.browserOnline) return this.emit();
    if (!this.serverDown) {
      this.serverDown = true;
      this.emit();
    }
    this.scheduleProbe();
  }

  /** Asks the server now ("Retry now", or a sync socket that keeps failing). */
  check(): void {
    void this.confirm();
  }

  /**
   * Asks the server now and tells whether it answered. For answers the service worker may have served
   * from its cache: together with this, a 200 that arrived while the server did not answer was a copy.
   */
  confirm(): Promise<boolean> {
    if (this.probing) return this.probing;
    this.cancelProbe();
    const probing = this.env.probe().then(
      (ok) => ok,
      () => false,
    );
    this.probing = probing;
    void probing.then((ok) => {
      this.probing = null;
      if (ok) this.reachable();
      else this.unreachable();
    });
    return probing;
  }

  private scheduleProbe(): void {
    if (this.timer !== null || this.probing !== null || !this.browserOnline) return;
    const delay = this.probeDelay;
    this.probeDelay = Math.min(MAX_PROBE_MS, this.probeDelay * 2);
    this.timer = this.env.setTimer(() => {
      this.timer = null;
      this.check();
    }, delay);
  }

  private cancelProbe(): void {
    if (this.timer === null) return;
    this.env.clearTimer(this.timer);
    this.timer = null;
  }

  private compute(): Connection {
    if (!this.browserOnline) return 'offline';
    return this.serverDown ? 'unreachable' : 'online';
  }

  private emit(): void {
    const next = this.compute();
    if (next === this.current) return;
    this.current = next;
    for (const l of this.listeners) l();
  }
}

/** A proxy's answer for a server behind it that does not answer (nginx in front of several processes). */
export function isGatewayError(status: number): boolean {
  return status === 502 || status === 504;
}

function browserEnv(): ConnectionEnv {
  return {
    isBrowserOnline: () => navigator.onLine,
    onBrowserChange: (fn) => {
      window.addEventListener('online', fn);
      window.addEventListener('offline', fn);
      return () => {
        window.removeEventListener('online', fn);
        window.removeEventListener('offline', fn);
      };
    },
    probe: async () => {
      try {
        const res = await fetch('/api/health', { cache: 'no-store' });
        return res.ok;
      } catch {
        return false;
      }
    },
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
  };
}

let instance: ConnectionMonitor | null = null;

/** The app's one monitor: REST calls, the event stream and every document's socket report to it. */
export function appConnection(): ConnectionMonitor {
  instance ??= new ConnectionMonitor(browserEnv());
  return instance;
}
