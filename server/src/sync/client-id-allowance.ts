// How many client ids new to a collaboration one member may introduce ([H14]). Every client id a
// document learns stays in it for good: in each state vector, each full sync, each delete set. An
// honest member brings one per session (a tab, a reload); a hostile one could bring thousands a day
// within every other bound. Per member and collaboration, per process; forgotten once refilled.
import { TokenBucket } from './token-bucket.ts';

const DAY_SECONDS = 86_400;

export class ClientIdAllowance {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly perDay: number, private readonly now: () => number = Date.now) {}

  /** New client ids `userId` may still introduce to `collaborationId` now. */
  remaining(userId: string, collaborationId: string): number {
    return Math.floor(this.buckets.get(this.key(userId, collaborationId))?.available() ?? this.perDay);
  }

  spend(userId: string, collaborationId: string, n: number): void {
    if (n <= 0) return;
    const key = this.key(userId, collaborationId);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= 10_000) this.prune();
      bucket = new TokenBucket(this.perDay, this.perDay / DAY_SECONDS, this.now);
      this.buckets.set(key, bucket);
    }
    bucket.take(Math.min(n, bucket.available()));
  }

  private key(userId: string, collaborationId: string): string {
    return `${userId}\u0000${collaborationId}`;
  }

  private prune(): void {
    for (const [k, b] of this.buckets) if (b.full) this.buckets.delete(k);
  }
}
