// Reopening a change stream when the documents a tail asks for grow ([D43]). The stream's filter
// is fixed while it is open, so a document added later needs a new stream, and that stream must
// start where the old one stood at the add: anything the old stream had received by then was
// committed before the consumer read the document from the store, anything after it may not have
// been, and the old filter dropped it. The new stream therefore re-reads a short stretch the
// consumer was already given; in that stretch only the added documents' changes pass, so nothing
// else is delivered twice.
import type { ResumeToken } from 'mongodb';
import type { Change } from '@trellis/schema';
import { earlier, notBehind, tokenData } from './resume-token.ts';

interface Replay {
  /** How far the stretch has been read and delivered: a stream that fails while re-reading, or is
   *  reopened for another add, starts here (not before: nothing is delivered twice). */
  progress: ResumeToken;
  /** The last position the consumer was given: events at or before it are the re-read stretch. */
  upTo: ResumeToken;
  added: Set<string>;
}

export class DocumentReopens {
  private requested: { from: ResumeToken; added: Set<string> } | null = null;
  private replay: Replay | null = null;

  /** A document was added while the stream stood at `position`. */
  request(position: ResumeToken, collaborationId: string): void {
    if (this.requested) this.requested.from = earlier(this.requested.from, position);
    else this.requested = { from: position, added: new Set() };
    this.requested.added.add(collaborationId);
  }

  /** The consumer reloads everything from the store (a resync): nothing needs reading again. */
  clear(): void {
    this.requested = null;
    this.replay = null;
  }

  /** An add is waiting for the stream to be reopened. */
  get pending(): boolean {
    return this.requested !== null;
  }

  /** Where the next stream starts, given what the consumer was given: a requested reopen's start,
   *  or how far an unfinished re-read got. */
  startFrom(delivered: ResumeToken): ResumeToken {
    if (this.requested) {
      const prev = this.replay;
      this.replay = {
        progress: prev ? earlier(prev.progress, this.requested.from) : this.requested.from,
        upTo: prev ? prev.upTo : delivered,
        added: new Set([...(prev?.added ?? []), ...this.requested.added]),
      };
      this.requested = null;
    }
    if (this.replay && tokenData(this.replay.progress) === tokenData(this.replay.upTo)) this.replay = null;
    return this.replay?.progress ?? delivered;
  }

  /** Everything the stream read up to `position` was handed to the consumer (or passed over). */
  flushed(position: ResumeToken): void {
    if (!this.replay || !notBehind(position, this.replay.progress)) return;
    // Read past the stretch (an idle stream's post-batch token moves on without events): it is over.
    if (notBehind(position, this.replay.upTo) && tokenData(position) !== tokenData(this.replay.upTo)) this.replay = null;
    else this.replay.progress = position;
  }

  /** Whether what the stream read at `token` goes to the consumer: past the re-read stretch,
   *  everything (and the stretch is over); inside it, only the added documents' changes. */
  passes(token: ResumeToken, change: Change | null): boolean {
    if (!this.replay) return true;
    if (notBehind(token, this.replay.upTo) && tokenData(token) !== tokenData(this.replay.upTo)) {
      this.replay = null;
      return true;
    }
    return change !== null && (change.type === 'update' || change.type === 'awareness') && this.replay.added.has(change.collaborationId);
  }
}
