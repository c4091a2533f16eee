// Only prose reaches the shared document while an `@ai` reply streams: a ```json (or ```{) block —
// the proposed actions — is cut off where its fence starts and never shown. Backticks at the end of
// what arrived so far are held back until it is clear whether they open such a block.
const FENCE = '```';

export class ProseStream {
  private raw = '';
  private shown = 0;
  private hidden = false;

  /** Everything received so far. */
  get text(): string {
    return this.raw;
  }

  /** Add a delta; returns the newly visible prose (possibly empty). */
  push(delta: string): string {
    this.raw += delta;
    if (this.hidden) return '';
    let out = '';
    for (;;) {
      const at = this.raw.indexOf(FENCE, this.shown);
      if (at < 0) {
        let end = this.raw.length;
        while (end > this.shown && this.raw[end - 1] === '`') end--;
        out += this.raw.slice(this.shown, end);
        this.shown = end;
        return out;
      }
      out += this.raw.slice(this.shown, at);
      this.shown = at;
      const after = this.raw.slice(at + FENCE.length);
      const head = after.trimStart();
      // Not decidable yet: nothing after the fence, or a prefix of "json" so far.
      if (head === '' || ('json'.startsWith(head.toLowerCase()) && head.length < 4)) return out;
      if (/^json\b/i.test(head) || head.startsWith('{')) {
        this.hidden = true;
        return out;
      }
      // Some other code block: it is prose to show.
      out += FENCE;
      this.shown = at + FENCE.length;
    }
  }
}
