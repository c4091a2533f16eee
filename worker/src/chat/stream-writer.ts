// Streams an AI reply into the document: the message's body grows in throttled chunks, each one a
// DocHost.change (stored, then fanned out to every client); `streaming` is cleared at the end.
import type { DocHost } from '@trellis/engine';
import { findMessageMap } from '@trellis/schema';
import type { Attribution } from '@trellis/schema';
import type * as Y from 'yjs';

export const AI_ORIGIN = 'ai';

export class StreamWriter {
  private pending = '';
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failed: unknown = null;
  updates = 0;

  constructor(
    private readonly docs: DocHost,
    private readonly collaborationId: string,
    private readonly messageId: string,
    private readonly throttleMs = 100,
    /** The AI and its run: every chunk is stored attributed to them (SPEC [A1]). */
    private readonly attribution?: Attribution,
  ) {}

  push(delta: string): void {
    this.pending += delta;
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.throttleMs);
  }

  /** Write the final body (actions block stripped) and clear `streaming`. */
  async finish(body: string): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = '';
    await this.chain;
    await this.write((m) => {
      m.set('body', body);
      m.delete('streaming');
    });
    if (this.failed) throw this.failed;
  }

  private flush(): void {
    this.timer = null;
    const text = this.pending;
    this.pending = '';
    if (text === '') return;
    this.chain = this.chain.then(() =>
      this.write((m) => {
        const cur = m.get('body');
        m.set('body', (typeof cur === 'string' ? cur : '') + text);
      }).catch((err: unknown) => {
        // Keep streaming; finish() reports the failure and the job retries.
        this.failed = err;
      }),
    );
  }

  private async write(fn: (m: Y.Map<unknown>) => void): Promise<void> {
    await this.docs.change(this.collaborationId, AI_ORIGIN, (doc) => {
      const m = findMessageMap(doc, this.messageId);
      if (m) fn(m);
    }, this.attribution);
    this.updates++;
  }
}
