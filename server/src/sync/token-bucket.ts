// A rate limit: a token bucket (burst, refill per second).
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly burst: number, private readonly perSecond: number, private readonly now: () => number = Date.now) {
    this.tokens = burst;
    this.last = now();
  }
  /** What may be taken now. */
  available(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    return this.tokens;
  }

  /** Whether the bucket is full again (nothing to remember about its owner). */
  get full(): boolean {
    return this.available() >= this.burst;
  }

  take(n = 1): boolean {
    if (this.available() < n) return false;
    this.tokens -= n;
    return true;
  }
}
