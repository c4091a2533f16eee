// Per-collaboration @ai rate limit (fixed window), kept in the store's kv so every worker shares it.
// A retried job reuses the slot its first attempt took.
import type { KeyValueRepo } from '@trellis/store';

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export const AI_REPLY_RATE: RateLimit = { limit: 5, windowMs: 10 * 60_000 };

export async function takeReplySlot(kv: KeyValueRepo, collaborationId: string, messageId: string, now: number, rate: RateLimit = AI_REPLY_RATE): Promise<boolean> {
  const mine = `ai-reply-slot:${collaborationId}:${messageId}`;
  if ((await kv.get(mine)) !== null) return true;
  const window = Math.floor(now / rate.windowMs);
  for (let i = 0; i < rate.limit; i++) {
    if (await kv.setIfAbsent(`ai-reply-rate:${collaborationId}:${window}:${i}`, messageId)) {
      await kv.set(mine, String(now));
      return true;
    }
  }
  return false;
}
