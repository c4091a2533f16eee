// Presence through awareness: who is here and who is typing. Local state is {user:{id,name,color}, typing}.
import type { Awareness } from 'y-protocols/awareness';

export interface PresenceUser {
  id: string;
  name: string;
  color: string;
}

export interface PresencePeer {
  clientId: number;
  user: PresenceUser;
  typing: boolean;
  /** What the peer says it is doing while typing ("writing…" for the AI), when it says so. */
  activity: string | null;
  self: boolean;
}

/** A stable, readable colour per user id: at 30% lightness white initials keep ≥ 4.5:1 on every hue
 *  (yellow, the lightest, is about 4.7:1). */
export function colorFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return `hsl(${h % 360} 55% 30%)`;
}

export function readPresence(awareness: Awareness): PresencePeer[] {
  const out: PresencePeer[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const user = (state as { user?: Partial<PresenceUser> }).user;
    if (!user || typeof user.id !== 'string') continue;
    out.push({
      clientId,
      user: { id: user.id, name: typeof user.name === 'string' ? user.name : user.id, color: typeof user.color === 'string' ? user.color : colorFor(user.id) },
      typing: (state as { typing?: unknown }).typing === true,
      activity: activityOf((state as { status?: unknown }).status),
      self: clientId === awareness.clientID,
    });
  }
  return out;
}

/** A short status word from another client's state (untrusted: a string of at most 24 characters). */
function activityOf(status: unknown): string | null {
  return typeof status === 'string' && status.trim() !== '' && status.length <= 24 ? status.trim() : null;
}

/** One entry per user (a user may have several tabs); typing if any tab is. */
export function peopleHere(peers: PresencePeer[]): PresencePeer[] {
  const byUser = new Map<string, PresencePeer>();
  for (const p of peers) {
    const prev = byUser.get(p.user.id);
    byUser.set(p.user.id, prev ? { ...prev, typing: prev.typing || p.typing, self: prev.self || p.self } : p);
  }
  return [...byUser.values()];
}
