// Live server-sent events (`notification`, `approval`, `checkin`) read with fetch + ReadableStream,
// because EventSource cannot send the Authorization header. Reconnects with backoff until aborted.
import { isGatewayError } from './connection.ts';
import { SseParser } from './sse-parser.ts';
import type { ServerEvent } from './sse-parser.ts';

export interface EventStreamOptions {
  getToken: () => string | null;
  onEvent: (e: ServerEvent) => void;
  onUnauthorized: () => void;
  signal: AbortSignal;
  /** Told whether the server answered the stream request. */
  connection?: { reachable: () => void; unreachable: () => void };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

export async function streamEvents(opts: EventStreamOptions): Promise<void> {
  let failures = 0;
  while (!opts.signal.aborted) {
    const token = opts.getToken();
    if (!token) return;
    try {
      let res: Response;
      try {
        res = await fetch('/api/events', { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, signal: opts.signal, cache: 'no-store' });
      } catch (err) {
        if (!opts.signal.aborted) opts.connection?.unreachable();
        throw err;
      }
      if (isGatewayError(res.status)) opts.connection?.unreachable();
      else opts.connection?.reachable();
      if (res.status === 401) {
        opts.onUnauthorized();
        return;
      }
      if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
      failures = 0;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const e of parser.feed(value)) opts.onEvent(e);
      }
    } catch {
      // Network drop, abort or a server without the stream: back off and retry unless aborted.
    }
    if (opts.signal.aborted) return;
    failures++;
    await sleep(Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)), opts.signal);
  }
}
