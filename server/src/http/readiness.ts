// Readiness (SPEC [O4]), apart from liveness: a process is ready while its store answers and its
// change feed is current — otherwise its clients would silently stop seeing other processes' edits
// while a load balancer keeps sending it more. The feed's consumer is the sync fan-out; the
// composition root hands it a feed wrapped by `monitor`, which records when the tail was last current.
import type { ChangeFeed, Store } from '@trellis/store';

export interface ReadinessOptions {
  store: Store;
  /** Listening and not stopping. */
  isLive: () => boolean;
  /** Largest tolerated time since the feed was last current (default 10 s). */
  maxFeedLagMs?: number;
  /** How long the store may take to answer the probe (default 2 s). */
  probeTimeoutMs?: number;
  now?: () => number;
}

export interface ReadinessReport {
  ready: boolean;
  /** `ok`, `error` or `timeout` */
  store: 'ok' | 'error' | 'timeout';
  /** ms since the change feed was last current; null before it ever was. */
  feedLagMs: number | null;
  reason?: string;
}

const PROBE_KEY = 'readiness-probe';

export class Readiness {
  private caughtUpAt: number | null = null;
  private probe: Promise<ReadinessReport['store']> | null = null;
  private readonly maxFeedLagMs: number;
  private readonly probeTimeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: ReadinessOptions) {
    this.maxFeedLagMs = opts.maxFeedLagMs ?? 10_000;
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 2_000;
    this.now = opts.now ?? Date.now;
  }

  /** The feed, with every tail reporting here when it is current (and still to the consumer's own hook). */
  monitor(feed: ChangeFeed): ChangeFeed {
    return {
      head: () => feed.head(),
      tail: (o) =>
        feed.tail({
          ...o,
          onCaughtUp: (at) => {
            if (this.caughtUpAt === null || at > this.caughtUpAt) this.caughtUpAt = at;
            o.onCaughtUp?.(at);
          },
        }),
    };
  }

  /** ms since the feed was last current, or null if it never was. */
  feedLagMs(): number | null {
    return this.caughtUpAt === null ? null : Math.max(0, this.now() - this.caughtUpAt);
  }

  async check(): Promise<ReadinessReport> {
    const feedLagMs = this.feedLagMs();
    if (!this.opts.isLive()) return { ready: false, store: 'ok', feedLagMs, reason: 'not accepting connections' };
    const store = await this.probeStore();
    if (store !== 'ok') return { ready: false, store, feedLagMs, reason: `store ${store === 'timeout' ? 'did not answer' : 'failed'}` };
    if (feedLagMs === null) return { ready: false, store, feedLagMs, reason: 'change feed not current yet' };
    if (feedLagMs > this.maxFeedLagMs) return { ready: false, store, feedLagMs, reason: `change feed ${Math.round(feedLagMs / 1000)} s behind` };
    return { ready: true, store, feedLagMs };
  }

  /** One round trip to the store; concurrent checks share it. */
  private probeStore(): Promise<ReadinessReport['store']> {
    this.probe ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.probeTimeoutMs);
      });
      try {
        return await Promise.race([this.opts.store.kv.get(PROBE_KEY).then((): 'ok' => 'ok', (): 'error' => 'error'), timeout]);
      } finally {
        clearTimeout(timer);
        this.probe = null;
      }
    })();
    return this.probe;
  }
}
