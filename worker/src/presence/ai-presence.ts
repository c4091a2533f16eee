// The AI in a collaboration's presence while it writes (a check-in's actions, an @ai reply): the
// worker has no sockets, so it publishes an awareness state through the store's presence relay, the
// way server processes share their clients' presence (SPEC [S9]); every server applies it to its
// copy and its clients see the AI with its name, "writing…". The state is renewed while the work
// runs and removed when it ends; if the worker dies, the awareness timeout (30 s) clears it.
import * as Y from 'yjs';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';

/** Under the awareness timeout (30 s), so a long reply never flickers out. */
export const AI_PRESENCE_RENEW_MS = 10_000;

/** What the AI looks like to the web app's presence (`{user: {id, name, color}, typing}`). */
export const AI_PRESENCE_STATE = { user: { id: 'ai', name: 'AI', color: 'hsl(265 55% 30%)' }, typing: true, status: 'writing…' } as const;

export class AiPresence {
  constructor(
    private readonly store: Store,
    /** This worker process: servers apply presence from every origin but their own. */
    private readonly origin: string,
    private readonly log: Logger,
    private readonly renewMs = AI_PRESENCE_RENEW_MS,
  ) {}

  /** Run fn with the AI shown as writing in this collaboration; gone once fn settles. */
  async during<T>(collaborationId: string, fn: () => Promise<T>): Promise<T> {
    // One awareness client per piece of work: two replies in one collaboration do not clear each other.
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    const publish = async () => {
      try {
        await this.store.presence.publish([{ collaborationId, origin: this.origin, data: encodeAwarenessUpdate(awareness, [awareness.clientID]) }]);
      } catch (err) {
        // Presence is a courtesy: the work goes on without it.
        this.log.warn({ err, collaborationId }, 'publishing the AI presence failed');
      }
    };
    awareness.setLocalState(AI_PRESENCE_STATE);
    await publish();
    const timer = setInterval(() => {
      awareness.setLocalState(AI_PRESENCE_STATE);
      void publish();
    }, this.renewMs);
    timer.unref();
    try {
      return await fn();
    } finally {
      clearInterval(timer);
      // A null state with a newer clock: every server drops the AI at once.
      awareness.setLocalState(null);
      await publish();
      awareness.destroy();
      doc.destroy();
    }
  }
}
