// Slows the reconnects of a member whose update was refused as too costly or who exhausted their
// work budget ([H6]): each offence doubles the wait (1 s … 60 s) before the same member may open
// that collaboration again; a quiet minute after the wait forgives one step.
const FIRST_MS = 1_000;
const MAX_MS = 60_000;

export class PenaltyBox {
  private readonly entries = new Map<string, { until: number; waitMs: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  penalize(key: string): void {
    const t = this.now();
    const e = this.entries.get(key);
    const forgiven = e && t - e.until > MAX_MS ? FIRST_MS : null;
    const waitMs = forgiven ?? (e ? Math.min(MAX_MS, e.waitMs * 2) : FIRST_MS);
    this.entries.set(key, { until: t + waitMs, waitMs });
    if (this.entries.size > 10_000) this.prune(t);
  }

  /** Milliseconds `key` must still wait (0 when free). */
  waitFor(key: string): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.until - this.now()) : 0;
  }

  private prune(t: number): void {
    for (const [k, e] of this.entries) if (t - e.until > MAX_MS) this.entries.delete(k);
  }
}
