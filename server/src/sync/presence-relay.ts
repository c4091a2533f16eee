// Presence across processes: awareness changes made by this process's clients are collected per
// document and published through the store every RELAY_MS (one write per tick, latest states only);
// other processes apply them to their copies (fanout.ts), so users see each other whichever server
// holds their socket.
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Logger } from '@trellis/runtime';
import type { PresenceEntry, PresenceRepo } from '@trellis/store';
import type { LiveDoc } from './live-doc.ts';

const RELAY_MS = 50;

export class PresenceRelay {
  private readonly dirty = new Map<LiveDoc, Set<number>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly publish: PresenceRepo['publish'], private readonly origin: string, private readonly logger: Logger) {}

  changed(doc: LiveDoc, clientIds: number[]): void {
    const ids = this.dirty.get(doc) ?? new Set<number>();
    for (const id of clientIds) ids.add(id);
    this.dirty.set(doc, ids);
    this.timer ??= setTimeout(() => void this.flush(), RELAY_MS);
  }

  async flush(): Promise<void> {
    this.timer = null;
    const entries: PresenceEntry[] = [];
    for (const [doc, ids] of this.dirty) {
      // Removed clients are encoded with a null state, so other processes drop them too.
      entries.push({ collaborationId: doc.id, origin: this.origin, data: awarenessProtocol.encodeAwarenessUpdate(doc.awareness, [...ids]) });
    }
    this.dirty.clear();
    try {
      await this.publish(entries);
    } catch (err) {
      // Presence is renewed by clients every 15 s; a lost relay heals itself.
      this.logger.warn({ err, entries: entries.length }, 'presence relay failed');
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
