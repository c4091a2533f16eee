// Express error handling: every error becomes {"error":{"code","message"}} with the table's status.
import type { ErrorRequestHandler } from 'express';
import { TrellisError } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let code = 'internal';
    let message = 'internal error';
    if (err instanceof TrellisError) {
      status = err.httpStatus;
      code = err.code;
      message = err.message;
    } else if (typeof err === 'object' && err !== null && 'type' in err) {
      // body-parser errors carry a type and a status.
      const e = err as { type: string; status?: number; message?: string };
      if (e.type === 'entity.too.large') [status, code, message] = [413, 'payload_too_large', 'request body too large'];
      else if (e.type === 'entity.parse.failed') [status, code, message] = [400, 'bad_request', 'malformed JSON body'];
      else if (e.status && e.status < 500) [status, code, message] = [e.status, 'bad_request', e.message ?? 'bad request'];
    } else if (err instanceof URIError) {
      // The router could not decode a path parameter (a malformed percent-escape, SPEC [H11]).
      [status, code, message] = [400, 'bad_request', 'malformed percent-escape in the path'];
    } else if (typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      // http-errors from Express middleware (static files: a path that does not decode, …).
      [status, code, message] = err.status === 404 ? [404, 'not_found', 'not found'] : [err.status, 'bad_request', 'bad request'];
    }
    if (status >= 500) logger.error({ err, reqId: req.id }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json({ error: { code, message } });
  };
}
