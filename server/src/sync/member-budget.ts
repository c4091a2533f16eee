// A budget per member of a collaboration (connection.ts `memberKey`), kept across their connections
// and reconnects: a token bucket each, forgotten once refilled. Used for the client ids a member may
// introduce ([H14]) and for the gate overruns a member is forgiven ([H6]); per server process.
import { TokenBucket } from './token-bucket.ts';

/** Members remembered at most; past it the refilled are forgotten, then the oldest (forgiven early). */
const MAX_MEMBERS = 10_000;

export class MemberBudget {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly burst: number, private readonly perSecond: number, private readonly now: () => number = Date.now) {}

  /** What the member may still spend now. */
  remaining(key: string): number {
    const bucket = this.buckets.get(key);
    return bucket ? Math.floor(bucket.available()) : this.burst;
  }

  /** Spend up to `n` (never below zero); false when less than `n` was left. */
  take(key: string, n = 1): boolean {
    if (n <= 0) return true;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= MAX_MEMBERS) this.shrink();
      bucket = new TokenBucket(this.burst, this.perSecond, this.now);
      this.buckets.set(key, bucket);
    }
    const had = bucket.available();
    bucket.take(Math.min(n, had));
    return had >= n;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Forget refilled members; if that is not enough, the oldest tenth (a Map keeps insertion order). */
  private shrink(): void {
    for (const [k, b] of this.buckets) if (b.full) this.buckets.delete(k);
    if (this.buckets.size < MAX_MEMBERS) return;
    let drop = Math.ceil(MAX_MEMBERS / 10);
    for (const k of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(k);
    }
  }
}

const DAY_SECONDS = 86_400;

/** [H14] client ids new to a collaboration a member may introduce: `perDay`, refilled over a day. */
export const clientIdAllowance = (perDay: number, now?: () => number) => new MemberBudget(perDay, perDay / DAY_SECONDS, now);

/** [H6] gate overruns of updates estimated cheap a member is forgiven: one a minute. */
export const overrunForgiveness = (now?: () => number) => new MemberBudget(1, 1 / 60, now);
