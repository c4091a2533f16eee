// Per-user request budgets for routes people could abuse (invites: spam, token guessing). A token
// bucket per user and route family, kept in this process (a limit per server, which is enough to
// bound abuse; forgotten after an idle period so the map stays small).
import { TrellisError } from '@trellis/schema';
import { TokenBucket } from '../sync/token-bucket.ts';

export class UserRateLimit {
  private readonly buckets = new Map<string, { bucket: TokenBucket; seen: number }>();
  constructor(private readonly burst: number, private readonly perSecond: number, private readonly what: string) {}

  /** Throws rate_limited (429) when the user's budget for this family is spent. */
  take(userId: string): void {
    const now = Date.now();
    if (this.buckets.size > 10_000) for (const [k, v] of this.buckets) if (now - v.seen > 600_000) this.buckets.delete(k);
    let entry = this.buckets.get(userId);
    if (!entry) this.buckets.set(userId, (entry = { bucket: new TokenBucket(this.burst, this.perSecond), seen: now }));
    entry.seen = now;
    if (!entry.bucket.take()) throw new TrellisError('rate_limited', `too many ${this.what}; try again in a minute`);
  }
}
