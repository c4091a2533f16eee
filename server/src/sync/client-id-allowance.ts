// How many client ids new to a collaboration one member may introduce ([H14]). Every client id a
// document learns stays in it for good: in each state vector, each full sync, each delete set. An
// honest member brings one per session (a tab, a reload); a hostile one could bring thousands a day
// within every other bound. Per member and collaboration, per process; forgotten once refilled.
import { TokenBucket } from './token-bucket.ts';

const DAY_SECONDS = 86_400;

export class ClientIdAllowance {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly perDay: number, private readonly now: () => number = Date.now) {}

  /** New client ids the member (connection.ts `memberKey`) may still introduce now. */
  remaining(key: string): number {
    const bucket = this.buckets.get(key);
    return bucket ? Math.floor(bucket.available()) : this.perDay;
  }

  spend(key: string, n: number): void {
    if (n <= 0) return;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= 10_000) this.prune();
      bucket = new TokenBucket(this.perDay, this.perDay / DAY_SECONDS, this.now);
      this.buckets.set(key, bucket);
    }
    bucket.take(Math.min(n, bucket.available()));
  }

  private prune(): void {
    for (const [k, b] of this.buckets) if (b.full) this.buckets.delete(k);
  }
}
