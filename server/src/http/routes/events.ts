// GET /api/events — the caller's server-sent events (notification, approval, checkin). Sent with the
// Authorization header (the web client streams with fetch). Heartbeats keep proxies from closing
// idle streams; a consumer that stops reading is dropped rather than buffered without bound.
import type { Express } from 'express';
import { TrellisError } from '@trellis/schema';
import type { HttpDeps } from '../deps.ts';
import type { HubEvent } from '../event-hub.ts';
import { userOf } from '../request-user.ts';

const HEARTBEAT_MS = 25_000;
const MAX_BUFFERED_BYTES = 1024 * 1024;

export function eventRoutes(app: Express, { events, logger }: HttpDeps): void {
  app.get('/api/events', (req, res) => {
    const user = userOf(req);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe?.();
      if (!res.writableEnded) res.end();
    };
    const write = (chunk: string) => {
      if (res.writableEnded) return;
      res.write(chunk);
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        logger.warn({ reqId: req.id, userId: user.id }, 'dropping slow event-stream consumer');
        end();
      }
    };
    const unsubscribe = events.subscribe(user.id, {
      send: (e: HubEvent) => write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`),
      close: end,
    });
    if (!unsubscribe) throw new TrellisError('rate_limited', 'too many open event streams');
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    // Declared after `end` (which clears it) but before the first write (which may call `end`).
    const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    write('retry: 5000\n: connected\n\n');
    req.on('close', end);
  });
}
