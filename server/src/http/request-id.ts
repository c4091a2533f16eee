// A request id on every request, echoed as X-Request-Id and carried in logs.
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '@trellis/runtime';
import { redactUrl } from '@trellis/runtime';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
  }
}

export function requestIds(logger: Logger): RequestHandler {
  return (req, res, next) => {
    req.id = randomUUID();
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.debug({ reqId: req.id, ip: req.ip, proto: req.protocol, method: req.method, url: redactUrl(req.originalUrl), status: res.statusCode, ms }, 'request');
    });
    next();
  };
}
