// Streams an AI reply into the document through the engine's stream actions (SPEC [G9]): the body
// grows in throttled chunks, each one `extend` (stored, then fanned out to every client); `finish`
// writes the final body and clears `streaming`. The stream must have been begun (`begin`) first.
import type { ActionOutcome, MessageStreams, StreamRef } from '@trellis/engine';

export class StreamWriter {
  private pending = '';
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failed: unknown = null;
  /** The engine refused a chunk (the message was undone meanwhile): nothing more is sent. */
  private refused = false;

  constructor(
    private readonly streams: MessageStreams,
    /** The message, and the AI with its run: every chunk is attributed to them (SPEC [A1]). */
    private readonly ref: StreamRef,
    private readonly reason: string,
    private readonly throttleMs = 100,
  ) {}

  push(delta: string): void {
    this.pending += delta;
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.throttleMs);
  }

  /** Write the final body (actions block stripped) and clear `streaming`; `interrupted` says why the
   *  stream ended early. Throws when a chunk failed to store, so the job retries. */
  async finish(body: string, interrupted?: string): Promise<ActionOutcome> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = '';
    await this.chain;
    const outcome = await this.streams.finish({ ...this.ref, body, interrupted, reason: this.reason });
    if (this.failed) throw this.failed;
    return outcome;
  }

  private flush(): void {
    this.timer = null;
    const text = this.pending;
    this.pending = '';
    if (text === '' || this.refused) return;
    this.chain = this.chain.then(async () => {
      if (this.refused) return;
      const outcome = await this.streams.extend({ ...this.ref, text });
      if (outcome.status === 'refused') this.refused = true;
    }).catch((err: unknown) => {
      // Keep streaming; finish() reports the failure and the job retries.
      this.failed = err;
    });
  }
}
