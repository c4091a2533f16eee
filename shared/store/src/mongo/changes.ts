// The change feed on MongoDB: one database-level change stream over the watched collections (see
// change-events.ts). The cursor is the JSON of a resume token. Streams only report majority-
// committed writes; delivery is at-least-once (a batch is redelivered if the consumer fails).
import type { ChangeStream, ChangeStreamDocument, Document, ResumeToken } from 'mongodb';
import { MongoServerError } from 'mongodb';
import type { Change } from '@trellis/schema';
import { sleep } from '@trellis/runtime';
import type { ChangeFeed, TailOptions } from '../types.ts';
import { MAX_FILTERED_DOCUMENTS, PIPELINE, pipelineFor, toChange } from './change-events.ts';
import type { Ctx } from './db.ts';
import { DocumentReopens } from './document-reopen.ts';
import { decodeToken, encodeToken, notBehind, tokenData } from './resume-token.ts';

const BATCH = 500;
/** How long a getMore waits for new events; an idle stream still gets a fresh post-batch token this often. */
const MAX_AWAIT_MS = 1000;
/** While nothing relevant happens, hand the consumer an empty batch with the advanced post-batch
 *  token this often, so a stored cursor never falls behind into a slow resume or lost history. */
const IDLE_CURSOR_MS = 30_000;
const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;
/** ChangeStreamHistoryLost (286); ChangeStreamFatalError "resume token was not found" (280); InvalidResumeToken (260). */
const HISTORY_LOST = new Set([286, 280, 260]);

function isHistoryLost(err: unknown): boolean {
  return err instanceof MongoServerError && ((typeof err.code === 'number' && HISTORY_LOST.has(err.code)) || err.codeName === 'ChangeStreamHistoryLost');
}

/** The server refused the token we opened the stream with (malformed, from elsewhere, or gone). */
function isRejectedToken(err: unknown): boolean {
  if (!(err instanceof MongoServerError) || err.hasErrorLabel('ResumableChangeStreamError')) return false;
  // BadValue, FailedToParse, or an assertion code raised while parsing the token.
  return typeof err.code === 'number' && (err.code === 2 || err.code === 9 || err.code >= 10000);
}


const WOULD_BLOCK = Symbol('would-block');
/** Resolves with WOULD_BLOCK if `p` is still pending once I/O would run: the driver had no buffered
 *  event and went to the server. Buffered events resolve within microtasks, before setImmediate. */
function unlessBlocking<T>(p: Promise<T>): Promise<T | typeof WOULD_BLOCK> {
  return Promise.race([p, new Promise<typeof WOULD_BLOCK>((resolve) => setImmediate(() => resolve(WOULD_BLOCK)))]);
}

/** The current end of the feed: the post-batch resume token of a freshly opened stream's initial
 *  (empty) batch. Only that first token is taken: tryNext also runs a getMore, and an event
 *  committed meanwhile would move `resumeToken` past it, so a tail "from now" would skip it. */
async function headToken(ctx: Ctx): Promise<ResumeToken> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const cs = ctx.db.watch(PIPELINE, { maxAwaitTimeMS: 1 });
    const tokens: ResumeToken[] = [];
    cs.on('resumeTokenChanged', (token) => tokens.push(token));
    try {
      const ev = await cs.tryNext();
      // No event: tokens[0] came from the initial batch. An event: tokens[0] is still the initial
      // batch's only if a second token (the event's) followed; otherwise the initial batch itself
      // held the event, there is no token before it, and a fresh stream is opened.
      if (tokens.length >= (ev === null ? 1 : 2)) return tokens[0];
    } finally {
      await cs.close();
    }
  }
  throw new Error('MongoDB change stream returned no resume token (postBatchResumeToken needs MongoDB ≥ 4.0.7)');
}

/** Per-tail state shared across stream re-opens. */
interface TailState {
  /** Resume after this: the cursor of the last batch the consumer accepted. */
  delivered: ResumeToken;
  deliveredAt: number;
  /** The stream has not answered yet, so an error may be about the token it was opened with. */
  fresh: boolean;
  /** `delivered` came from head() (a resync), not from the consumer. */
  fromHead: boolean;
  backoff: number;
  /** Where the open stream stands (the last token it reported): where an added document's
   *  changes must be read from again. */
  position: ResumeToken;
  /** The open stream filters by `opts.documents` (so an added document needs a reopen). */
  filtered: boolean;
  reopens: DocumentReopens;
  /** Closes the open stream, so a requested reopen does not wait for the server's next answer. */
  interrupt: () => void;
}

/** Read one stream until it fails or the signal aborts, delivering batches and advancing state. */
async function readStream(ctx: Ctx, st: TailState, opts: TailOptions, signal: AbortSignal): Promise<void> {
  const from = st.reopens.startFrom(st.delivered);
  const documents = opts.documents?.ids();
  st.filtered = documents !== undefined && documents.length <= MAX_FILTERED_DOCUMENTS;
  // No fullDocument lookup: every change maps from its event alone (change-events.ts).
  const cs: ChangeStream<Document, ChangeStreamDocument> = ctx.db.watch(pipelineFor({ excludeOrigin: opts.excludeOrigin, documents }), {
    startAfter: from,
    maxAwaitTimeMS: MAX_AWAIT_MS,
    batchSize: BATCH,
  });
  const stop = () => void cs.close().catch(() => undefined);
  signal.addEventListener('abort', stop, { once: true });
  st.interrupt = stop;
  st.fresh = true;
  let pending: Change[] = [];
  let broken = false;
  let position: ResumeToken = from;
  st.position = from;
  /** When the server's latest answer arrived: once its events are delivered, the feed is current as of then. */
  let answeredAt: number | null = null;

  // Never back: while re-reading a stretch after a reopen, the position is behind what was given.
  const accept = (at: ResumeToken) => {
    if (!notBehind(at, st.delivered)) return;
    st.delivered = at;
    st.deliveredAt = Date.now();
    st.fromHead = false;
  };
  // Deliver what we have with the token after it: the post-batch token when the server batch is
  // exhausted, so an idle or filtered-out stretch still moves the cursor.
  const deliver = async (idle: boolean) => {
    if (pending.length > 0 || broken) {
      const cursor = encodeToken(position);
      if (pending.length > 0) await opts.onBatch({ changes: pending, cursor });
      // A watched write that cannot be mapped: the consumer reloads state from the store.
      if (broken) await opts.onResync(cursor);
      accept(position);
      pending = [];
      broken = false;
    } else if (idle && tokenData(position) !== tokenData(st.delivered) && notBehind(position, st.delivered) && Date.now() - st.deliveredAt >= IDLE_CURSOR_MS) {
      await opts.onBatch({ changes: [], cursor: encodeToken(position) });
      accept(position);
    }
  };
  const flush = async (idle: boolean) => {
    await deliver(idle);
    st.reopens.flushed(position);
  };

  try {
    while (!signal.aborted && !st.reopens.pending) {
      const next = cs.tryNext();
      void next.catch(() => undefined); // handled below; this only silences the branch abandoned on error
      let ev: ChangeStreamDocument | null | typeof WOULD_BLOCK;
      try {
        ev = await unlessBlocking(next);
        if (ev === WOULD_BLOCK) {
          // Nothing buffered: deliver before waiting on the server, so latency is one round trip.
          await flush(true);
          if (answeredAt !== null) opts.onCaughtUp?.(answeredAt);
          if (st.reopens.pending) break;
          ev = await next;
          answeredAt = Date.now();
        }
      } catch (err) {
        // Closed by an add, to reopen with the document in the filter.
        if (st.reopens.pending) break;
        throw err;
      }
      // Read after an add: the reopened stream reads it again, with the new filter.
      if (st.reopens.pending) break;
      st.fresh = false;
      st.backoff = MIN_BACKOFF_MS;
      if (ev !== null && ev.operationType === 'invalidate') {
        // The database was dropped (or renamed away): the server closed this stream, and reopening
        // it before the event would replay to it forever. Deliver what came before, tell the
        // consumer to reload from the store, and restart after the event (startAfter allows that).
        const at = cs.resumeToken ?? ev._id;
        if (notBehind(at, position)) position = at;
        broken = true;
        await flush(false);
        return;
      }
      if (ev !== null && (ev.operationType === 'drop' || ev.operationType === 'rename' || ev.operationType === 'dropDatabase')) {
        // A watched collection's contents vanished at once: nothing to map, reload from the store.
        if (ev.operationType !== 'dropDatabase') broken = true;
      } else if (ev !== null) {
        const mapped = toChange(ev);
        if (st.reopens.passes(ev._id, typeof mapped === 'string' ? null : mapped)) {
          if (mapped === 'broken') broken = true;
          else if (mapped !== 'skip') pending.push(mapped);
        }
      }
      // After an event: its token, or the post-batch token if it ended the batch; after an empty batch: the post-batch token.
      const token = cs.resumeToken;
      if (token != null && notBehind(token, position)) position = token;
      st.position = position;
      if (pending.length >= BATCH) await flush(false);
    }
    // Reopening: what was read before the add is delivered now; the new stream starts at the add.
    if (st.reopens.pending && !signal.aborted) await flush(false);
  } finally {
    st.interrupt = () => undefined;
    signal.removeEventListener('abort', stop);
    await cs.close().catch(() => undefined);
  }
}

export function mongoChanges(ctx: Ctx): ChangeFeed {
  return {
    async head() {
      return encodeToken(await headToken(ctx));
    },
    async tail(opts) {
      const signal = AbortSignal.any([opts.signal, ctx.closing]);
      const st: TailState = {
        delivered: null, deliveredAt: Date.now(), fresh: true, fromHead: false, backoff: MIN_BACKOFF_MS,
        position: null, filtered: false, reopens: new DocumentReopens(), interrupt: () => undefined,
      };
      // An add is noted synchronously, where the stream stands at that moment (see document-reopen.ts).
      const unsubscribe = opts.documents?.onAdd((id) => {
        if (!st.filtered) return;
        st.reopens.request(st.position ?? st.delivered, id);
        st.interrupt();
      });
      const pause = async (err: unknown) => {
        opts.onError?.(err);
        await sleep(st.backoff, signal);
        st.backoff = Math.min(st.backoff * 2, MAX_BACKOFF_MS);
      };
      // The feed position is gone: restart from now and tell the consumer to reload state.
      const resync = async () => {
        const token = await headToken(ctx);
        st.reopens.clear();
        await opts.onResync(encodeToken(token));
        st.delivered = token;
        st.deliveredAt = Date.now();
        st.fromHead = true;
      };

      // Starting point: the consumer's cursor, or now; an unparsable cursor means resync.
      while (!signal.aborted && st.delivered == null) {
        try {
          const from = opts.from === undefined ? null : decodeToken(opts.from);
          if (from !== null) st.delivered = from;
          else if (opts.from === undefined) st.delivered = await headToken(ctx);
          else await resync();
        } catch (err) {
          if (signal.aborted) break;
          await pause(err);
        }
      }

      try {
        while (!signal.aborted) {
          try {
            await readStream(ctx, st, opts, signal);
          } catch (err) {
            if (signal.aborted) break;
            const lost = isHistoryLost(err) || (st.fresh && isRejectedToken(err));
            // A token we just took from head() being refused is not a position problem: back off.
            if (!lost || (st.fresh && st.fromHead)) await pause(err);
            if (!lost || signal.aborted) continue;
            try {
              await resync();
            } catch (resyncErr) {
              if (!signal.aborted) await pause(resyncErr);
            }
          }
        }
      } finally {
        unsubscribe?.();
      }
    },
  };
}
