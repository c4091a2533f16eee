// Per-collaboration @ai rate limit (fixed window), kept in the store's kv so every worker shares it.
// A retried job reuses the slot its first attempt took. Window slots expire one window after their
// window ends (clock skew between workers); a message's own slot outlives any retry of its job.
import type { KeyValueRepo } from '@trellis/store';

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export const AI_REPLY_RATE: RateLimit = { limit: 5, windowMs: 10 * 60_000 };
const SLOT_RETENTION_MS = 7 * 86_400_000;

export async function takeReplySlot(kv: KeyValueRepo, collaborationId: string, messageId: string, now: number, rate: RateLimit = AI_REPLY_RATE): Promise<boolean> {
  const mine = `ai-reply-slot:${collaborationId}:${messageId}`;
  if ((await kv.get(mine)) !== null) return true;
  const window = Math.floor(now / rate.windowMs);
  for (let i = 0; i < rate.limit; i++) {
    if (await kv.setIfAbsent(`ai-reply-rate:${collaborationId}:${window}:${i}`, messageId, { expiresAt: (window + 2) * rate.windowMs })) {
      await kv.set(mine, String(now), { expiresAt: now + SLOT_RETENTION_MS });
      return true;
    }
  }
  return false;
}
