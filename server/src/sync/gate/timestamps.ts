// Client-written timestamps ([P9]): an ISO 8601 instant no later than the server's clock allows
// (a small tolerance for skew) and no older than an offline client can plausibly have held an edit.
export const FUTURE_TOLERANCE_MS = 2 * 60_000;
export const PAST_LIMIT_MS = 30 * 24 * 3_600_000;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Why `value` is not an acceptable timestamp at `now`, or null when it is. */
export function timestampProblem(value: string, now: number, field: string): string | null {
  const t = ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(t)) return `${field} must be an ISO 8601 time`;
  if (t > now + FUTURE_TOLERANCE_MS) return `${field} is in the future`;
  if (t < now - PAST_LIMIT_MS) return `${field} is too far in the past`;
  return null;
}
