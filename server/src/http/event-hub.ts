// Per-user server-sent-event fan-out. The composition root feeds it from the change feed (see
// change-events.ts), so a notification written by any process reaches the user's open tabs here.
export type HubEventType = 'notification' | 'approval' | 'checkin' | 'membership';

export interface HubEvent {
  type: HubEventType;
  data: unknown;
}

export interface HubSubscriber {
  send(event: HubEvent): void;
  /** Ends the stream (server shutdown). */
  close(): void;
}

export class EventHub {
  private readonly byUser = new Map<string, Set<HubSubscriber>>();

  /** @param maxPerUser streams one user may hold open (tabs, devices) before refusing more. */
  constructor(private readonly maxPerUser = 16) {}

  /** Returns the unsubscribe function, or null when the user already has too many streams. */
  subscribe(userId: string, sub: HubSubscriber): (() => void) | null {
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    if (set.size >= this.maxPerUser) return null;
    set.add(sub);
    return () => {
      set.delete(sub);
      if (set.size === 0 && this.byUser.get(userId) === set) this.byUser.delete(userId);
    };
  }

  /** Delivers to every stream of the user; returns how many received it. */
  publish(userId: string, event: HubEvent): number {
    const set = this.byUser.get(userId);
    if (!set) return 0;
    let n = 0;
    for (const sub of [...set]) {
      try {
        sub.send(event);
        n++;
      } catch {
        // A broken stream must not keep the others from their event; its own close handler cleans up.
      }
    }
    return n;
  }

  hasSubscribers(userId?: string): boolean {
    return userId === undefined ? this.byUser.size > 0 : this.byUser.has(userId);
  }

  closeAll(): void {
    for (const set of this.byUser.values()) for (const sub of [...set]) sub.close();
    this.byUser.clear();
  }
}
