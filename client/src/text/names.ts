// Display names for user ids: known names first, then what a development id encodes, then a short id.

export function fallbackName(userId: string): string {
  if (userId.startsWith('dev-')) {
    try {
      const b64 = userId.slice(4).replace(/-/g, '+').replace(/_/g, '/');
      const email = atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '='));
      const local = email.split('@')[0];
      if (local && /^[\x20-\x7e]+$/.test(local)) return local;
    } catch {
      // not base64: fall through
    }
  }
  return userId.length > 14 ? `${userId.slice(0, 12)}…` : userId;
}

export function nameOf(userId: string, known: ReadonlyMap<string, string>): string {
  return known.get(userId) ?? fallbackName(userId);
}
